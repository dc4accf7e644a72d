from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from agreements.models import InitiativeKind
from tests.factories import (
    AppropriationFactory,
    BudgetAgreementFactory,
    CenterFactory,
    ChapterFactory,
    EconomyLineFactory,
    InitiativeFactory,
    MilestoneStatusFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement(committee_a, committee_b):
    agreement = BudgetAgreementFactory(year=2019, title="Aftale om budget 2019")
    chapter = ChapterFactory(agreement=agreement, number=5, title="En førende erhvervsby")
    InitiativeFactory(
        chapter=chapter,
        number="5.1",
        title="Udvikling af Kildedal",
        responsible_committee=committee_a,
        kind=InitiativeKind.CAPITAL,
        responsible_center=CenterFactory(name="By, Erhverv og Miljø"),
    )
    InitiativeFactory(
        chapter=chapter,
        number="5.7",
        title="Information om repatriering",
        responsible_committee=committee_a,
        responsible_center=CenterFactory(name="Arbejdsmarked"),
    )
    InitiativeFactory(
        chapter=chapter,
        number="5.10",
        title="Skolernes madordning",
        responsible_committee=committee_b,
    )
    return agreement


def test_anonymous_user_is_sent_to_login(client, agreement):
    url = reverse("finance:agreement", args=[2019])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_user_without_role_is_refused(client_for, no_role_user, agreement):
    response = client_for(no_role_user).get(reverse("finance:agreement", args=[2019]))
    assert response.status_code == 403


def test_agreement_list_shows_agreements(client_for, finance_user, agreement):
    response = client_for(finance_user).get(reverse("agreements:list"))
    assert "Aftale om budget 2019" in response.content.decode()


def test_agreement_page_lists_initiatives_in_natural_order(client_for, finance_user, agreement):
    content = client_for(finance_user).get(agreement.get_absolute_url()).content.decode()
    assert content.index("Udvikling af Kildedal") < content.index("Information om repatriering")
    assert content.index("Information om repatriering") < content.index("Skolernes madordning")


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ({"kind": "anlaeg"}, "Udvikling af Kildedal", "Information om repatriering"),
        ({"q": "repatri"}, "Information om repatriering", "Udvikling af Kildedal"),
        ({"q": "5.10"}, "Skolernes madordning", "Udvikling af Kildedal"),
    ],
)
def test_agreement_page_filters(client_for, finance_user, agreement, query, shown, hidden):
    content = client_for(finance_user).get(agreement.get_absolute_url(), query).content.decode()
    assert shown in content
    assert hidden not in content


def test_agreement_page_filters_by_committee(client_for, finance_user, agreement, committee_b):
    response = client_for(finance_user).get(
        agreement.get_absolute_url(), {"committee": committee_b.pk}
    )
    content = response.content.decode()
    assert "Skolernes madordning" in content
    assert "Udvikling af Kildedal" not in content


def test_agreement_page_filters_by_center(client_for, finance_user, agreement):
    center = agreement.chapters.get().initiatives.get(number="5.7").responsible_center
    content = (
        client_for(finance_user)
        .get(agreement.get_absolute_url(), {"center": center.pk})
        .content.decode()
    )
    assert "Information om repatriering" in content
    assert "Udvikling af Kildedal" not in content


def test_bad_filter_value_is_reported_not_crashing(client_for, finance_user, agreement):
    response = client_for(finance_user).get(agreement.get_absolute_url(), {"committee": "x"})
    assert response.status_code == 200
    assert "Marker en gyldig valgmulighed" in response.content.decode()


def test_secretary_sees_only_own_committee_initiatives(client_for, secretary_a, agreement):
    content = client_for(secretary_a).get(agreement.get_absolute_url()).content.decode()
    assert "Udvikling af Kildedal" in content
    assert "Skolernes madordning" not in content


def test_secretary_gets_404_for_other_committee_initiative(client_for, secretary_a, agreement):
    other = agreement.chapters.get().initiatives.get(number="5.10")
    response = client_for(secretary_a).get(other.get_absolute_url())
    assert response.status_code == 404


def test_agreement_page_shows_totals_per_year_in_danish_format(client_for, finance_user, agreement):
    initiative = agreement.chapters.get().initiatives.get(number="5.1")
    AppropriationFactory(initiative=initiative, kind="anlaeg", year=2019, amount=Decimal(2000))
    AppropriationFactory(initiative=initiative, kind="anlaeg", year=2020, amount=Decimal(23500))
    content = client_for(finance_user).get(agreement.get_absolute_url()).content.decode()
    assert "<td>2.000</td><td>23.500</td>" in content.replace("\n", "")


def test_agreement_page_query_count_does_not_grow(
    client_for, finance_user, agreement, django_assert_num_queries
):
    client = client_for(finance_user)
    # session, user, role and committees (one query), agreement, totals per year, savings
    # cases (their amounts are prefetched only when there are cases), committees and centers
    # for the filter selects, initiatives, chapters; then the session is saved (savepoint,
    # update, release).
    with django_assert_num_queries(13) as small:
        client.get(agreement.get_absolute_url())
    chapter = agreement.chapters.get()
    for _ in range(40):
        AppropriationFactory(initiative=InitiativeFactory(chapter=chapter))
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(agreement.get_absolute_url())


def test_initiative_page_shows_milestones_statuses_economy_and_money(
    client_for, finance_user, agreement
):
    initiative = agreement.chapters.get().initiatives.get(number="5.1")
    MilestoneStatusFactory(
        milestone__initiative=initiative,
        milestone__point=1,
        milestone__text="Lokalplan er vedtaget.",
        smiley="yellow",
        text="Processen er forsinket.",
    )
    EconomyLineFactory(
        initiative=initiative, text="Besparelse i 2019: 0,5 mio. kr.", smiley="green"
    )
    AppropriationFactory(initiative=initiative, kind="anlaeg", year=2019, amount=Decimal(2000))
    content = client_for(finance_user).get(initiative.get_absolute_url()).content.decode()
    for text in [
        "Lokalplan er vedtaget.",
        "Processen er forsinket.",
        "Gul",
        "1. budgetopfølgning 2019",
        "31.12.2019",
        "Besparelse i 2019: 0,5 mio. kr.",
        "Grøn",
        "2.000",
        "By, Erhverv og Miljø",
    ]:
        assert text in content, text


def test_initiative_page_query_count(
    client_for, finance_user, agreement, django_assert_num_queries
):
    initiative = agreement.chapters.get().initiatives.get(number="5.1")
    client = client_for(finance_user)
    # session, user, role and committees (one query), initiative (chapter, agreement,
    # committee and center joined), milestones, rounds, statuses, appropriations, the history
    # of statuses, economy lines and milestones, economy lines; then the session is saved
    # (savepoint, update, release).
    with django_assert_num_queries(15):
        client.get(initiative.get_absolute_url())


def test_committee_page_lists_the_committee_initiatives(
    client_for, finance_user, agreement, committee_a
):
    content = client_for(finance_user).get(committee_a.get_absolute_url()).content.decode()
    assert "Udvikling af Kildedal" in content
    assert "Skolernes madordning" not in content


def test_secretary_cannot_open_other_committee_page(client_for, secretary_a, committee_b):
    assert client_for(secretary_a).get(committee_b.get_absolute_url()).status_code == 404
