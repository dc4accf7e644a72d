"""The workbooks written for download: shape, Danish number formats, smileys coloured and
labelled, protection of the status workbooks, and a query count that does not grow."""

from __future__ import annotations

import pytest

from finance import excel, exports
from milestones.models import MilestoneStatus, RoundState
from tests.factories import InitiativeFactory, MilestoneFactory, save_row
from tests.finance.conftest import find_row, header_columns, initiative, open_workbook

pytestmark = pytest.mark.django_db


# Appropriations ----------------------------------------------------------------------------


def test_template_has_a_sheet_per_kind_with_the_agreements_years(
    agreement, appropriations, finance_user
):
    book = open_workbook(exports.appropriation_template(agreement=agreement, user=finance_user))
    assert book.sheetnames == ["DRIFT", "ANLÆG", "Vejledning"]
    sheet = book["DRIFT"]
    assert [cell.value for cell in sheet[3]] == ["Nr.", "Del", "Indsats", 2019, 2020, 2021, 2022]
    row = find_row(sheet, 1, "3.8")
    assert [cell.value for cell in sheet[row]] == [
        "3.8",
        None,
        "Det specialiserede børneområde",
        4711,
        6541,
        5698,
        5364,
    ]


def test_template_keeps_numbers_as_text_and_amounts_in_danish_format(
    agreement, appropriations, finance_user
):
    sheet = open_workbook(exports.appropriation_template(agreement=agreement, user=finance_user))[
        "DRIFT"
    ]
    row = find_row(sheet, 1, "3.10")
    assert sheet.cell(row=row, column=1).number_format == "@"
    assert sheet.cell(row=row, column=1).data_type == "s"
    # Blank amount cells are formatted too, so what is typed shows as 1.500.
    assert {sheet.cell(row=row, column=c).number_format for c in range(4, 8)} == {"#,##0"}


def test_template_lists_only_initiatives_the_user_may_change(agreement, appropriations, finance_a):
    sheet = open_workbook(exports.appropriation_template(agreement=agreement, user=finance_a))[
        "DRIFT"
    ]
    numbers = [row[0] for row in sheet.iter_rows(min_row=4, values_only=True) if row[0]]
    assert numbers == ["3.8", "3.9"]


def test_overview_sums_each_initiative_and_year(agreement, appropriations, finance_user):
    sheet = open_workbook(exports.appropriation_overview(agreement=agreement, user=finance_user))[
        "DRIFT"
    ]
    assert [cell.value for cell in sheet[3]][-1] == "I alt"
    row_38 = sheet[find_row(sheet, 1, "3.8")]
    assert row_38[7].value == 4711 + 6541 + 5698 + 5364
    total = sheet[find_row(sheet, 3, "I alt")]
    assert [cell.value for cell in total[3:8]] == [5461, 7291, 5698, 5364, 23814]
    assert total[3].font.bold


def test_overview_formats_decimal_amounts_with_their_decimal(agreement, finance_user):
    from decimal import Decimal

    from tests.factories import AppropriationFactory

    AppropriationFactory(initiative=initiative(agreement, "3.1"), amount=Decimal("1500.5"))
    sheet = open_workbook(exports.appropriation_overview(agreement=agreement, user=finance_user))[
        "DRIFT"
    ]
    cell = sheet.cell(row=find_row(sheet, 1, "3.1"), column=4)
    assert (cell.value, cell.number_format) == (1500.5, "#,##0.0")


# Status workbooks --------------------------------------------------------------------------


@pytest.fixture
def status_book(open_round, finance_user):
    return open_workbook(exports.status_workbook(round=open_round, user=finance_user))


def test_status_workbook_has_one_row_per_initiative_in_agreement_order(status_book):
    sheet = status_book[excel.STATUS_SHEET]
    assert [cell.value for cell in sheet[3]] == excel.STATUS_COLUMNS
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert [row[1] for row in rows] == ["3.1", "3.8", "3.9", "3.10"]
    assert rows[1][3:7] == (
        "Arbejdsmarked",
        "Erhvervs- og Beskæftigelsesudvalget",
        "Milepæl for 3.8.",
        "Ikke vurderet",
    )


def test_status_workbook_protects_read_only_columns_and_hides_the_reference(status_book):
    sheet = status_book[excel.STATUS_SHEET]
    columns = header_columns(sheet, 3)
    assert sheet.protection.sheet is True
    assert sheet.column_dimensions["A"].hidden is True
    for name, column in columns.items():
        locked = sheet.cell(row=4, column=column).protection.locked
        assert locked is (name not in excel.STATUS_EDITABLE), name


def test_status_workbook_smiley_cells_have_the_agreements_levels_as_a_list(status_book):
    sheet = status_book[excel.STATUS_SHEET]
    lists = {str(dv.sqref): dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert lists == {
        "G4:G7": '"Grøn,Gul,Rød,Ikke vurderet"',
        "J4:J7": '"Grøn,Rød,Ikke vurderet"',
    }


def test_status_workbook_colours_and_labels_the_current_smileys(
    open_round, finance_user, admin_user
):
    save_row(
        open_round,
        initiative(open_round.agreement, "3.8"),
        actor=admin_user,
        smiley="yellow",
        text="Forsinket",
        economy_text="0,5 mio. kr.",
        economy_smiley="red",
    )
    sheet = open_workbook(exports.status_workbook(round=open_round, user=finance_user))["Status"]
    row = find_row(sheet, 2, "3.8")
    milestone, economy = sheet.cell(row=row, column=7), sheet.cell(row=row, column=10)
    assert (milestone.value, milestone.fill.fgColor.rgb) == ("Gul", "00F2C200")
    assert (economy.value, economy.fill.fgColor.rgb) == ("Rød", "00C62828")
    assert sheet.cell(row=row, column=8).value == "Forsinket"
    assert sheet.cell(row=row, column=9).value == "0,5 mio. kr."


def test_status_workbook_guide_prints_the_agreements_definitions(status_book, agreement):
    guide = [row[0] for row in status_book["Vejledning"].iter_rows(values_only=True)]
    assert f"Grøn: {agreement.milestone_green}" in guide
    assert f"Rød: {agreement.economy_red}" in guide


def test_status_workbook_for_a_committee_or_center_has_only_its_rows(
    open_round, finance_user, committee_b, agreement
):
    book = open_workbook(
        exports.status_workbook(round=open_round, user=finance_user, committee=committee_b)
    )
    assert [row[1] for row in book["Status"].iter_rows(min_row=4, values_only=True)] == [
        "3.1",
        "3.10",
    ]
    center = initiative(agreement, "3.8").responsible_center
    book = open_workbook(
        exports.status_workbook(round=open_round, user=finance_user, center=center)
    )
    assert [row[1] for row in book["Status"].iter_rows(min_row=4, values_only=True)] == [
        "3.8",
        "3.9",
    ]


def test_status_workbook_of_a_locked_round_has_nothing_to_fill_in(open_round, finance_user):
    open_round.state = RoundState.LOCKED
    open_round.save()
    sheet = open_workbook(exports.status_workbook(round=open_round, user=finance_user))["Status"]
    assert all(cell.protection.locked for row in sheet.iter_rows(min_row=4) for cell in row)
    assert "låst" in sheet["A2"].value


def test_text_that_looks_like_a_formula_is_written_as_text(open_round, finance_user, admin_user):
    save_row(
        open_round,
        initiative(open_round.agreement, "3.9"),
        actor=admin_user,
        smiley="green",
        text='=HYPERLINK("http://x","klik")',
    )
    sheet = open_workbook(exports.status_workbook(round=open_round, user=finance_user))["Status"]
    cell = sheet.cell(row=find_row(sheet, 2, "3.9"), column=8)
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x","klik")', "s")


def test_status_workbook_queries_do_not_grow_with_the_rows(
    agreement, open_round, finance_user, committee_a, django_assert_num_queries
):
    def export() -> None:
        # The user's role and committees; the round's initiatives, their chapters, committees
        # and centers (each read once), statuses (with milestone) and economy lines.
        user = type(finance_user).objects.get(pk=finance_user.pk)
        with django_assert_num_queries(7):
            exports.status_workbook(round=open_round, user=user)

    export()
    for number in range(11, 31):
        item = InitiativeFactory(
            chapter=agreement.chapters.get(),
            number=f"3.{number}",
            responsible_committee=committee_a,
        )
        MilestoneStatus.objects.create(
            milestone=MilestoneFactory(initiative=item, point=1), round=open_round
        )
    export()


# Round overview ----------------------------------------------------------------------------


def test_round_overview_counts_smileys_per_committee(open_round, finance_user, admin_user):
    for number, smiley in (("3.8", "green"), ("3.9", "red"), ("3.10", "yellow")):
        save_row(
            open_round, initiative(open_round.agreement, number), actor=admin_user, smiley=smiley
        )
    book = open_workbook(exports.round_overview_workbook(round=open_round, user=finance_user))
    assert book.sheetnames == ["Oversigt", "EBU", "BSU"]
    summary = {row[0]: row[1:] for row in book["Oversigt"].iter_rows(min_row=4, values_only=True)}
    # Milestones green, yellow, red, not assessed, total; economy green, red, not assessed, total.
    assert summary["Erhvervs- og Beskæftigelsesudvalget"] == (1, 0, 1, 0, 2, 0, 0, 2, 2)
    assert summary["Børne- og Skoleudvalget"] == (0, 1, 0, 1, 2, 0, 0, 2, 2)
    assert summary["I alt"] == (1, 1, 1, 1, 4, 0, 0, 4, 4)


def test_round_overview_shows_every_round_so_far_coloured_and_labelled(
    agreement, open_round, finance_user, admin_user
):
    from milestones.services import round_open

    save_row(open_round, initiative(agreement, "3.8"), actor=admin_user, smiley="green")
    second = round_open(agreement=agreement, point=2, deadline=None, actor=admin_user)
    sheet = open_workbook(exports.round_overview_workbook(round=second, user=finance_user))["EBU"]
    assert [cell.value for cell in sheet[3]][3:] == [
        "Milepæl, 1. budgetopfølgning 2019",
        "Økonomi, 1. budgetopfølgning 2019",
        "Milepæl, 2. budgetopfølgning 2019",
        "Økonomi, 2. budgetopfølgning 2019",
    ]
    row = sheet[find_row(sheet, 1, "3.8")]
    assert [cell.value for cell in row[3:]] == [
        "Grøn",
        "Ikke vurderet",
        "Ikke vurderet",
        "Ikke vurderet",
    ]
    assert row[3].fill.fgColor.rgb == "001A7F37"
    assert row[4].fill.fgColor.rgb == "00F2F2F2"
