from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from milestones.models import FollowUpRound, MilestoneStatus
from milestones.services import round_lock
from tests.factories import InitiativeFactory, StaffProfileFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def row_data(status, economy, **overrides) -> dict:
    """The row form as the browser posts it: every field with the value it showed when the
    row was opened (``initial-...``), changed where ``overrides`` say."""
    shown = {
        "milestone_text": status.milestone.text,
        "smiley": status.smiley,
        "text": status.text,
        "economy_text": economy.text,
        "economy_smiley": economy.smiley,
        "economy_status_text": economy.status_text,
    }
    return shown | {f"initial-{name}": value for name, value in shown.items()} | overrides


def save_url(round_, status) -> str:
    return reverse("milestones:row", args=[round_.pk, status.milestone.initiative_id])


def test_round_page_lists_rows_grouped_by_committee(client_for, finance_user, open_round):
    content = client_for(finance_user).get(open_round.get_absolute_url()).content.decode()
    assert (
        content.index(">Erhvervs- og Beskæftigelsesudvalget</h2>")
        < content.index("Udvikling af Kildedal")
        < content.index(">Børne- og Skoleudvalget</h2>")
        < content.index("Skolernes madordning")
    )
    assert "Afsluttet indsats" not in content
    assert "Dialog med staten er indledt." in content


def test_finance_saves_a_row_with_htmx(
    client_for, finance_user, open_round, row_status, row_economy
):
    response = client_for(finance_user).post(
        save_url(open_round, row_status),
        row_data(
            row_status,
            row_economy,
            smiley="yellow",
            text="Processen er forsinket.",
            economy_smiley="green",
            economy_text="Besparelse i 2019: 0,5 mio. kr.",
        ),
        **HTMX,
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "er gemt kl." in content
    assert 'hx-swap-oob="innerHTML"' in content
    row_status.refresh_from_db()
    row_economy.refresh_from_db()
    assert (row_status.smiley, row_status.text) == ("yellow", "Processen er forsinket.")
    assert (row_economy.smiley, row_economy.text) == ("green", "Besparelse i 2019: 0,5 mio. kr.")


def test_saving_without_htmx_redirects_back_to_the_row(
    client_for, finance_user, open_round, row_status, row_economy
):
    response = client_for(finance_user).post(
        save_url(open_round, row_status), row_data(row_status, row_economy, smiley="green")
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#row-{row_status.milestone.initiative_id}")
    row_status.refresh_from_db()
    assert row_status.smiley == "green"


def test_finance_writes_the_milestone_text_in_the_row(
    client_for, finance_user, open_round, row_status, row_economy
):
    client_for(finance_user).post(
        save_url(open_round, row_status),
        row_data(row_status, row_economy, milestone_text="Aftale med staten er indgået."),
        **HTMX,
    )
    row_status.milestone.refresh_from_db()
    assert row_status.milestone.text == "Aftale med staten er indgået."


def test_invalid_smiley_is_refused_and_nothing_written(
    client_for, finance_user, open_round, row_status, row_economy
):
    response = client_for(finance_user).post(
        save_url(open_round, row_status),
        row_data(row_status, row_economy, smiley="blue", text="Skulle ikke gemmes"),
        **HTMX,
    )
    assert response.status_code == 422
    assert "blev ikke gemt" in response.content.decode()
    row_status.refresh_from_db()
    assert (row_status.smiley, row_status.text) == ("not_assessed", "")


def test_yellow_economy_is_refused(client_for, finance_user, open_round, row_status, row_economy):
    response = client_for(finance_user).post(
        save_url(open_round, row_status),
        row_data(row_status, row_economy, economy_smiley="yellow"),
        **HTMX,
    )
    assert response.status_code == 422
    row_economy.refresh_from_db()
    assert row_economy.smiley == "not_assessed"


def test_over_long_text_is_refused_and_nothing_written(
    client_for, finance_user, open_round, row_status, row_economy
):
    response = client_for(finance_user).post(
        save_url(open_round, row_status),
        row_data(row_status, row_economy, smiley="green", text="x" * 5000),
        **HTMX,
    )
    assert response.status_code == 422
    assert "Teksten er på 5.000 tegn; højst 4.000 er tilladt." in response.content.decode()
    assert "x" * 5000 in response.content.decode()  # the text stays in the box
    row_status.refresh_from_db()
    assert row_status.smiley == "not_assessed"


def test_milestone_of_another_round_is_not_found(
    client_for, finance_user, open_round, row_status, row_economy, agreement
):
    outsider = InitiativeFactory(chapter=agreement.chapters.get())  # not in the round
    response = client_for(finance_user).post(
        reverse("milestones:row", args=[open_round.pk, outsider.pk]),
        row_data(row_status, row_economy, smiley="green"),
        **HTMX,
    )
    assert response.status_code == 404


def test_missing_csrf_token_is_refused(finance_user, open_round, row_status, row_economy):
    client = Client(enforce_csrf_checks=True)
    client.force_login(finance_user)
    response = client.post(
        save_url(open_round, row_status), row_data(row_status, row_economy, smiley="green")
    )
    assert response.status_code == 403
    row_status.refresh_from_db()
    assert row_status.smiley == "not_assessed"


def test_stale_edit_shows_what_the_other_person_saved(
    client_for, finance_user, admin_user, open_round, row_status, row_economy
):
    stale = row_data(row_status, row_economy, smiley="red", text="Min vurdering")
    client_for(admin_user).post(
        save_url(open_round, row_status),
        row_data(row_status, row_economy, smiley="green", text="Den andens vurdering"),
        **HTMX,
    )
    response = client_for(finance_user).post(save_url(open_round, row_status), stale, **HTMX)
    content = response.content.decode()
    assert response.status_code == 409
    assert "Den andens vurdering" in content  # what the other person saved
    assert "Min vurdering" in content  # this user's input is kept in the form
    row_status.refresh_from_db()
    assert (row_status.smiley, row_status.text) == ("green", "Den andens vurdering")


def test_secretary_reads_own_committee_rows_without_forms(client_for, secretary_a, open_round):
    content = client_for(secretary_a).get(open_round.get_absolute_url()).content.decode()
    assert "Udvikling af Kildedal" in content
    assert "Skolernes madordning" not in content
    assert '<form class="round-row__form"' not in content
    assert "Redigér" not in content


def test_secretary_cannot_save(client_for, secretary_a, open_round, row_status, row_economy):
    response = client_for(secretary_a).post(
        save_url(open_round, row_status), row_data(row_status, row_economy, smiley="green"), **HTMX
    )
    assert response.status_code == 403
    row_status.refresh_from_db()
    assert row_status.smiley == "not_assessed"


def test_secretary_gets_404_for_another_committee_row(
    client_for, secretary_b, open_round, row_status, row_economy
):
    response = client_for(secretary_b).post(
        save_url(open_round, row_status), row_data(row_status, row_economy, smiley="green"), **HTMX
    )
    assert response.status_code == 404


def test_locked_round_refuses_a_save(client_for, finance_user, open_round, row_status, row_economy):
    round_lock(round=open_round, actor=finance_user)
    response = client_for(finance_user).post(
        save_url(open_round, row_status), row_data(row_status, row_economy, smiley="green"), **HTMX
    )
    assert response.status_code == 403
    assert "er låst" in response.content.decode()
    row_status.refresh_from_db()
    assert row_status.smiley == "not_assessed"


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ({"q": "Lautrup"}, "Lautrup Erhvervspark", "Udvikling af Kildedal"),
        ({"smiley": "green"}, "Udvikling af Kildedal", "Lautrup Erhvervspark"),
        ({"missing": "true"}, "Lautrup Erhvervspark", "Udvikling af Kildedal"),
        ({"missing": "false"}, "Udvikling af Kildedal", "Lautrup Erhvervspark"),
    ],
)
def test_round_page_filters(
    client_for, finance_user, open_round, row_status, row_economy, query, shown, hidden
):
    client = client_for(finance_user)
    client.post(
        save_url(open_round, row_status),
        row_data(row_status, row_economy, smiley="green", economy_smiley="green"),
        **HTMX,
    )
    content = client.get(open_round.get_absolute_url(), query).content.decode()
    assert shown in content
    assert hidden not in content


def test_round_page_filters_by_committee(client_for, finance_user, open_round, committee_b):
    content = (
        client_for(finance_user)
        .get(open_round.get_absolute_url(), {"committee": committee_b.pk})
        .content.decode()
    )
    assert "Skolernes madordning" in content
    assert "Udvikling af Kildedal" not in content


def test_overview_counts_and_missing_by_center(
    client_for, finance_user, open_round, row_status, row_economy
):
    client = client_for(finance_user)
    client.post(
        save_url(open_round, row_status),
        row_data(row_status, row_economy, smiley="yellow", economy_smiley="green"),
        **HTMX,
    )
    response = client.get(reverse("milestones:overview", args=[open_round.pk]))
    overview = response.context["overview"]
    counts = {row.committee.code: row.counts for row in overview.committees}
    milestones, economy = counts["EBU"].milestones, counts["EBU"].economy
    assert (
        milestones["yellow"],
        milestones["not_assessed"],
        economy["green"],
        economy["not_assessed"],
    ) == (
        1,
        1,
        1,
        1,
    )
    missing = [item.initiative.number for _, items in overview.missing_by_center for item in items]
    assert sorted(missing) == ["5.2", "5.3"]


def test_whole_workflow(client_for, finance_user, admin_user, agreement):
    finance = client_for(finance_user)
    response = finance.post(
        reverse("milestones:open"),
        {"agreement": agreement.pk, "point": 1, "deadline": "2019-04-30"},
    )
    round_ = FollowUpRound.objects.get(agreement=agreement, point=1)
    assert response.status_code == 302
    for status in MilestoneStatus.objects.filter(round=round_).select_related("milestone"):
        economy = round_.economy_lines.get(initiative_id=status.milestone.initiative_id)
        reply = finance.post(
            save_url(round_, status),
            row_data(status, economy, smiley="green", economy_smiley="green"),
            **HTMX,
        )
        assert reply.status_code == 200
    overview = finance.get(reverse("milestones:overview", args=[round_.pk])).context["overview"]
    assert overview.totals.milestones["green"] == 3
    assert overview.missing_by_center == []

    assert finance.post(reverse("milestones:lock", args=[round_.pk])).status_code == 302
    round_.refresh_from_db()
    assert round_.is_locked
    status = MilestoneStatus.objects.filter(round=round_).first()
    economy = round_.economy_lines.get(initiative_id=status.milestone.initiative_id)
    refused = finance.post(
        save_url(round_, status), row_data(status, economy, smiley="red"), **HTMX
    )
    assert refused.status_code == 403
    status.refresh_from_db()
    assert status.smiley == "green"

    assert (
        finance.post(reverse("milestones:unlock", args=[round_.pk]), {"reason": "x"}).status_code
        == 403
    )
    admin = Client()
    admin.force_login(admin_user)
    no_reason = admin.post(reverse("milestones:unlock", args=[round_.pk]), {"reason": ""})
    assert no_reason.status_code == 422
    admin.post(
        reverse("milestones:unlock", args=[round_.pk]),
        {"reason": "Arbejdsmarked har rettet en status"},
    )
    round_.refresh_from_db()
    assert not round_.is_locked
    assert round_.history.latest().history_change_reason == "Arbejdsmarked har rettet en status"


def test_opening_an_existing_round_shows_an_error(client_for, finance_user, open_round, agreement):
    response = client_for(finance_user).post(
        reverse("milestones:open"),
        {"agreement": agreement.pk, "point": 1, "deadline": "2019-04-30"},
    )
    assert response.status_code == 422
    assert "findes allerede" in response.content.decode()


def test_finance_restricted_to_committees_may_not_lock(client_for, committee_a, open_round):
    restricted = StaffProfileFactory(committees=[committee_a]).user
    response = client_for(restricted).post(reverse("milestones:lock", args=[open_round.pk]))
    assert response.status_code == 403
    open_round.refresh_from_db()
    assert not open_round.is_locked


def test_initiative_page_shows_history_of_changes(
    client_for, finance_user, open_round, row_status, row_economy
):
    client = client_for(finance_user)
    client.post(
        save_url(open_round, row_status),
        row_data(row_status, row_economy, smiley="yellow", text="Forsinket"),
        **HTMX,
    )
    content = client.get(row_status.milestone.initiative.get_absolute_url()).content.decode()
    assert "Historik" in content
    assert "»Ikke vurderet« → »Gul«" in content
    assert "»–« → »Forsinket«" in content
    assert "Milepælsstatus, 1. budgetopfølgning 2019" in content


def test_milestone_plan_saves_open_points(client_for, finance_user, open_round, row_status):
    initiative = row_status.milestone.initiative
    response = client_for(finance_user).post(
        reverse("finance:milestone_plan", args=[initiative.pk]),
        {
            "text_1": "Dialog med staten er indledt.",
            "initial-text_1": "Dialog med staten er indledt.",
            "text_2": "Forslag til lokalplan er behandlet.",
            "initial-text_2": "",
            "text_3": "",
            "initial-text_3": "",
            "text_4": "Lokalplan vedtaget.",
            "initial-text_4": "",
        },
    )
    assert response.status_code == 302
    texts = dict(initiative.milestones.values_list("point", "text"))
    assert texts[2] == "Forslag til lokalplan er behandlet."
    assert texts[4] == "Lokalplan vedtaget."


def test_milestone_plan_refuses_a_change_of_a_locked_point(
    client_for, finance_user, open_round, row_status
):
    round_lock(round=open_round, actor=finance_user)
    initiative = row_status.milestone.initiative
    response = client_for(finance_user).post(
        reverse("finance:milestone_plan", args=[initiative.pk]),
        {
            "text_1": "Forsøg på at ændre",
            "initial-text_1": "Dialog med staten er indledt.",
            "text_2": "Ny milepæl",
            "initial-text_2": "",
            "text_3": "",
            "initial-text_3": "",
            "text_4": "",
            "initial-text_4": "",
        },
    )
    assert response.status_code == 403
    assert "er låst og kan ikke ændres. Intet blev gemt." in response.content.decode()
    texts = dict(initiative.milestones.values_list("point", "text"))
    assert texts[1] == "Dialog med staten er indledt."
    assert 2 not in texts


def test_milestone_plan_saves_open_points_beside_a_locked_one(
    client_for, finance_user, open_round, row_status
):
    round_lock(round=open_round, actor=finance_user)
    initiative = row_status.milestone.initiative
    # The browser does not send the disabled (locked) field.
    response = client_for(finance_user).post(
        reverse("finance:milestone_plan", args=[initiative.pk]),
        {
            "initial-text_1": "Dialog med staten er indledt.",
            "text_2": "Ny milepæl",
            "initial-text_2": "",
            "text_3": "",
            "initial-text_3": "",
            "text_4": "",
            "initial-text_4": "",
        },
    )
    assert response.status_code == 302
    texts = dict(initiative.milestones.values_list("point", "text"))
    assert (texts[1], texts[2]) == ("Dialog med staten er indledt.", "Ny milepæl")


def test_secretary_cannot_change_the_milestone_plan(
    client_for, secretary_a, open_round, row_status
):
    initiative = row_status.milestone.initiative
    response = client_for(secretary_a).post(
        reverse("finance:milestone_plan", args=[initiative.pk]), {"text_2": "x"}
    )
    assert response.status_code == 403
    assert not initiative.milestones.filter(point=2).exists()


def test_initiative_page_does_not_show_a_round_the_initiative_is_not_in(
    client_for, finance_user, open_round, agreement, committee_a
):
    # Created through the model API while the round is open: it is not part of it, and the
    # page says so instead of showing "Ikke vurderet" as if it were.
    outsider = InitiativeFactory(
        chapter=agreement.chapters.get(), responsible_committee=committee_a
    )
    content = client_for(finance_user).get(outsider.get_absolute_url()).content.decode()
    assert "Indgår ikke i denne opfølgning" in content
    assert "Ikke vurderet" not in content


def test_a_late_initiative_shows_at_once_on_the_round_page_overview_report_and_workbook(
    client_for, admin_user, open_round, agreement, committee_a
):
    from finance import exports
    from milestones.models import ChangeSource
    from milestones.reports.data import report_content
    from milestones.services import initiative_save

    late = InitiativeFactory.build(
        chapter=agreement.chapters.get(),
        number="5.9",
        title="Sen indsats",
        responsible_committee=committee_a,
        responsible_center=None,
    )
    initiative_save(initiative=late, actor=admin_user, source=ChangeSource.ADMIN)
    client = client_for(admin_user)
    assert "5.9 Sen indsats" in client.get(open_round.get_absolute_url()).content.decode()
    overview = client.get(reverse("milestones:overview", args=[open_round.pk])).context["overview"]
    missing = [item.initiative.pk for _, items in overview.missing_by_center for item in items]
    assert late.pk in missing
    open_round.refresh_from_db()
    assert "Sen indsats" in [i.title for i in report_content(open_round).initiatives]
    book = openpyxl.load_workbook(
        io.BytesIO(exports.status_workbook(round=open_round, user=admin_user)), read_only=True
    )
    titles = [row[2] for row in book["Status"].iter_rows(min_row=4, values_only=True)]
    assert "Sen indsats" in titles
    content = client.get(late.get_absolute_url()).content.decode()
    assert "Indsatsen er kommet med i opfølgningen, efter den blev åbnet" in content


def test_the_counter_counts_the_whole_round_whatever_the_filter(
    client_for, finance_user, open_round, committee_b
):
    client = client_for(finance_user)
    page = client.get(open_round.get_absolute_url(), {"committee": committee_b.pk})
    assert page.context["progress"].initiatives == 3
    assert '<span id="missing-count">3 mangler vurdering</span>' in page.content.decode()
