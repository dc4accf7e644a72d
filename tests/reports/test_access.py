"""Who gets which report: in the browser, in Django admin, and the download links."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.template.loader import render_to_string
from django.urls import reverse

from agreements.models import Role
from milestones.models import FollowUpRound
from milestones.services import round_open
from tests.factories import StaffProfileFactory, system_admin
from tests.reports.conftest import pdf_pages

pytestmark = pytest.mark.django_db


def municipality_url(round_: FollowUpRound) -> str:
    return reverse("reports:municipality", args=[round_.pk])


def committee_url(round_: FollowUpRound, code: str) -> str:
    return reverse("reports:committee", args=[round_.pk, code])


def pdf_text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return " ".join(" ".join(pdf_pages(response.content)).split())


def test_finance_gets_the_whole_municipality_report(client_for, finance_user, small_round):
    response = client_for(finance_user).get(municipality_url(small_round))
    text = pdf_text(response)
    assert "Første opfølgning på Aftale om budget 2031 for Ballerup Kommune" in text
    assert "5.1. Udvikling af Kildedal" in text
    assert "3.1. Skolernes madordning" in text
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]


def test_admin_gets_a_committee_report(client_for, admin_user, small_round):
    text = pdf_text(client_for(admin_user).get(committee_url(small_round, "BSU")))
    assert "Første opfølgning på Aftale om budget 2031 for Børne- og Skoleudvalget" in text
    assert "3.1. Skolernes madordning" in text
    assert "Udvikling af Kildedal" not in text


def test_secretary_gets_own_committee_report_only_with_its_initiatives(
    client_for, secretary_a, small_round
):
    text = pdf_text(client_for(secretary_a).get(committee_url(small_round, "EBU")))
    assert (
        "Første opfølgning på Aftale om budget 2031 for Erhvervs- og Beskæftigelsesudvalget" in text
    )
    assert "5.1. Udvikling af Kildedal" in text
    assert "Skolernes madordning" not in text


def test_secretary_gets_404_for_another_committee_report(client_for, secretary_a, small_round):
    response = client_for(secretary_a).get(committee_url(small_round, "BSU"))
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_secretary_is_refused_the_whole_municipality_report(client_for, secretary_a, small_round):
    response = client_for(secretary_a).get(municipality_url(small_round))
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")


def test_finance_restricted_to_a_committee_is_refused_the_whole_municipality_report(
    client_for, committee_a, small_round
):
    user = StaffProfileFactory(role=Role.FINANCE, committees=[committee_a]).user
    client = client_for(user)
    assert client.get(municipality_url(small_round)).status_code == 403
    assert "Udvikling af Kildedal" in pdf_text(client.get(committee_url(small_round, "EBU")))


@pytest.mark.parametrize("scope", ["municipality", "committee"])
def test_user_without_role_is_refused(client_for, no_role_user, small_round, scope):
    url = (
        municipality_url(small_round)
        if scope == "municipality"
        else committee_url(small_round, "EBU")
    )
    assert client_for(no_role_user).get(url).status_code == 403


@pytest.mark.parametrize("scope", ["municipality", "committee"])
def test_anonymous_user_is_sent_to_login(client, small_round, scope):
    url = (
        municipality_url(small_round)
        if scope == "municipality"
        else committee_url(small_round, "EBU")
    )
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_unknown_round_or_committee_is_404(client_for, finance_user, small_round):
    client = client_for(finance_user)
    missing = reverse("reports:municipality", args=[small_round.pk + 999])
    assert client.get(missing).status_code == 404
    assert client.get(committee_url(small_round, "XYZ")).status_code == 404


def test_report_download_refuses_post(client_for, finance_user, small_round):
    response = client_for(finance_user).post(municipality_url(small_round))
    assert response.status_code == 405


def test_admin_action_downloads_the_selected_round_report(client_for, admin_user, small_round):
    response = client_for(admin_user).post(
        reverse("admin:milestones_followupround_changelist"),
        {"action": "download_report", ACTION_CHECKBOX_NAME: [small_round.pk]},
    )
    text = pdf_text(response)
    assert "Første opfølgning på Aftale om budget 2031 for Ballerup Kommune" in text
    assert "KLADDE" in text
    assert "KLADDE%20-%20F%C3%B8rste%20opf%C3%B8lgning" in response["Content-Disposition"]


def test_admin_action_asks_for_exactly_one_round(client_for, admin_user, small_round):
    second = round_open(
        agreement=small_round.agreement, point=2, deadline=None, actor=system_admin()
    )
    response = client_for(admin_user).post(
        reverse("admin:milestones_followupround_changelist"),
        {"action": "download_report", ACTION_CHECKBOX_NAME: [small_round.pk, second.pk]},
        follow=True,
    )
    assert response["Content-Type"].startswith("text/html")
    assert "Vælg præcis én opfølgning for at hente rapporten." in response.content.decode()


def test_admin_action_refuses_staff_who_may_not_read_every_committee(
    client_for, committee_a, small_round
):
    user = StaffProfileFactory(
        role=Role.SECRETARY, committees=[committee_a], user__is_staff=True
    ).user
    user.user_permissions.add(Permission.objects.get(codename="view_followupround"))
    response = client_for(user).post(
        reverse("admin:milestones_followupround_changelist"),
        {"action": "download_report", ACTION_CHECKBOX_NAME: [small_round.pk]},
        follow=True,
    )
    assert response["Content-Type"].startswith("text/html")
    assert "Kun Økonomi og Styring og administratorer kan hente hele kommunens rapport." in (
        response.content.decode()
    )


def test_admin_action_is_listed_in_danish(client_for, admin_user, small_round):
    response = client_for(admin_user).get(reverse("admin:milestones_followupround_changelist"))
    assert "Hent rapport (PDF)" in response.content.decode()


def test_round_links_offer_the_whole_municipality_only_to_who_may_see_it(
    small_round, committee_a, committee_b
):
    context = {"round": small_round, "committees": [committee_a, committee_b]}
    everything = render_to_string(
        "reports/_round_report_links.html", {**context, "can_see_all": True}
    )
    assert f'href="{municipality_url(small_round)}"' in everything
    assert f'href="{committee_url(small_round, "EBU")}"' in everything
    assert f'href="{committee_url(small_round, "BSU")}"' in everything
    assert "rapporterne er kladder" in everything

    own = render_to_string(
        "reports/_round_report_links.html",
        {"round": small_round, "committees": [committee_a], "can_see_all": False},
    )
    assert f'href="{municipality_url(small_round)}"' not in own
    assert f'href="{committee_url(small_round, "EBU")}"' in own
    assert committee_url(small_round, "BSU") not in own


def test_committee_page_links_the_committee_reports_of_each_round(
    client_for, secretary_a, small_round, committee_a
):
    content = client_for(secretary_a).get(committee_a.get_absolute_url()).content.decode()
    assert "Opfølgningsrapporter (PDF)" in content
    assert f'href="{committee_url(small_round, "EBU")}"' in content
    assert "1. budgetopfølgning 2031 – Aftale om budget 2031" in content
