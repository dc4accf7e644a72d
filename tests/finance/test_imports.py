"""The importers: every kind of problem is reported by sheet, row and column, in Danish, and a
plan is only made from a sound file. Nothing here writes to the database."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from openpyxl.xml import DEFUSEDXML

from finance import excel, exports
from finance.imports import (
    MAX_ROWS,
    MAX_UNCOMPRESSED_BYTES,
    MAX_UPLOAD_BYTES,
    ImportProblem,
    cell_amount,
    plan_appropriation_upload,
    plan_status_upload,
)
from finance.models import Appropriation
from tests.factories import FollowUpRoundFactory, InitiativeFactory, save_row
from tests.finance.conftest import find_row, initiative, open_workbook, to_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def template(agreement, appropriations, finance_user):
    return open_workbook(exports.appropriation_template(agreement=agreement, user=finance_user))


@pytest.fixture
def status_book(open_round, finance_user):
    return open_workbook(exports.status_workbook(round=open_round, user=finance_user))


def plan_for(agreement, user, workbook):
    return plan_appropriation_upload(agreement=agreement, user=user, data=to_bytes(workbook))


def problems(plan) -> list[tuple[str, int | None, str, str]]:
    return [(p.sheet, p.row, p.column, p.message) for p in plan.problems]


def only_problem(plan) -> ImportProblem:
    assert len(plan.problems) == 1, plan.problems
    return plan.problems[0]


# The file itself ---------------------------------------------------------------------------


def test_openpyxl_parses_xml_with_defusedxml():
    assert DEFUSEDXML is True


def test_text_file_is_refused_as_not_a_workbook(agreement, finance_user):
    plan = plan_appropriation_upload(agreement=agreement, user=finance_user, data=b"Nr.;2019\n")
    assert "ikke en Excel-projektmappe (.xlsx)" in only_problem(plan).message


def test_legacy_xls_is_refused_with_advice(agreement, finance_user):
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600
    plan = plan_appropriation_upload(agreement=agreement, user=finance_user, data=data)
    assert "gamle Excel-format (.xls)" in only_problem(plan).message


def test_zip_that_is_not_a_workbook_is_refused(agreement, finance_user):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "not a workbook")
    plan = plan_appropriation_upload(agreement=agreement, user=finance_user, data=buffer.getvalue())
    assert "ikke en Excel-projektmappe (.xlsx)" in only_problem(plan).message


def test_macro_workbook_is_refused(agreement, finance_user, template):
    source = zipfile.ZipFile(io.BytesIO(to_bytes(template)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                )
            archive.writestr(member, data)
    plan = plan_appropriation_upload(agreement=agreement, user=finance_user, data=buffer.getvalue())
    assert "makroer (.xlsm)" in only_problem(plan).message


def test_file_over_the_size_cap_is_refused(agreement, finance_user):
    data = b"PK\x03\x04" + b"\0" * MAX_UPLOAD_BYTES
    plan = plan_appropriation_upload(agreement=agreement, user=finance_user, data=data)
    assert "Filen er for stor (5,0 MB). Den må højst fylde 5,0 MB." == only_problem(plan).message


def test_zip_bomb_is_refused_before_it_is_unpacked(agreement, finance_user, template):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in zipfile.ZipFile(io.BytesIO(to_bytes(template))).infolist():
            archive.writestr(member.filename, b"")
        archive.writestr("xl/media/bomb.bin", b"\0" * (MAX_UNCOMPRESSED_BYTES + 1))
    data = buffer.getvalue()
    assert len(data) < 200_000  # small on the wire, huge unpacked
    plan = plan_appropriation_upload(agreement=agreement, user=finance_user, data=data)
    assert "zip-bombe" in only_problem(plan).message


@pytest.mark.parametrize("cut", [0.3, 0.6, 0.9])
def test_truncated_workbook_is_refused_as_damaged(agreement, finance_user, template, cut):
    data = to_bytes(template)
    plan = plan_appropriation_upload(
        agreement=agreement, user=finance_user, data=data[: int(len(data) * cut)]
    )
    assert "Den er måske beskadiget" in only_problem(plan).message


def test_workbook_with_corrupted_sheet_data_is_refused_as_damaged(
    agreement, finance_user, template
):
    source = zipfile.ZipFile(io.BytesIO(to_bytes(template)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2] + b"<<<broken"
            archive.writestr(member, data)
    plan = plan_appropriation_upload(agreement=agreement, user=finance_user, data=buffer.getvalue())
    assert "Den er måske beskadiget" in only_problem(plan).message


def test_xml_entity_expansion_is_refused(agreement, finance_user, template):
    doctype = (
        b'<!DOCTYPE workbook [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    source = zipfile.ZipFile(io.BytesIO(to_bytes(template)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/workbook.xml":
                data = doctype + data[data.index(b"<workbook") :]
            archive.writestr(member, data)
    plan = plan_appropriation_upload(agreement=agreement, user=finance_user, data=buffer.getvalue())
    assert "Den er måske beskadiget" in only_problem(plan).message


# Appropriations ----------------------------------------------------------------------------


def test_unchanged_template_plans_no_changes(agreement, finance_user, template):
    plan = plan_for(agreement, finance_user, template)
    assert plan.is_valid
    assert plan.changes == []
    assert plan.unchanged == 7


def test_changed_blank_and_new_cells_plan_update_delete_and_create(
    agreement, appropriations, finance_user, template
):
    sheet = template["DRIFT"]
    row_38 = find_row(sheet, 1, "3.8")
    row_39 = find_row(sheet, 1, "3.9")
    row_31 = find_row(sheet, 1, "3.1")
    sheet.cell(row=row_38, column=4).value = 5000
    sheet.cell(row=row_39, column=5).value = None
    sheet.cell(row=row_31, column=7).value = "-1.500,5"
    plan = plan_for(agreement, finance_user, template)
    assert plan.is_valid, plan.problems
    summary = {(c["label"], c["year"]): (c["action"], c["old"], c["new"]) for c in plan.changes}
    assert summary == {
        ("3.8 Det specialiserede børneområde", 2019): ("update", "4711", "5000"),
        ("3.9 Headspace", 2020): ("delete", "750", None),
        ("3.1 Kvalitet i dagtilbud", 2022): ("create", None, "-1500.5"),
    }
    assert plan.totals["after"]["drift"] == {
        "2019": "5750",
        "2020": "6541",
        "2021": "5698",
        "2022": "3863.5",
    }
    assert Appropriation.objects.count() == 7  # a plan writes nothing


def test_row_missing_from_the_sheet_removes_its_appropriations(agreement, finance_user, template):
    sheet = template["DRIFT"]
    sheet.delete_rows(find_row(sheet, 1, "3.9"))
    plan = plan_for(agreement, finance_user, template)
    assert {(c["action"], c["year"]) for c in plan.changes} == {
        ("delete", 2019),
        ("delete", 2020),
    }


def test_unknown_initiative_number_is_reported_by_sheet_row_and_column(
    agreement, finance_user, template
):
    sheet = template["ANLÆG"]
    sheet.append(["9.99", None, "Findes ikke", 100])
    problem = only_problem(plan_for(agreement, finance_user, template))
    assert (problem.sheet, problem.row, problem.column) == ("ANLÆG", sheet.max_row, "A")
    assert problem.message == "Indsats nr. 9.99 findes ikke i Aftale om budget 2019."


def test_text_that_is_not_a_number_is_reported(agreement, finance_user, template):
    sheet = template["DRIFT"]
    row = find_row(sheet, 1, "3.8")
    sheet.cell(row=row, column=6).value = "cirka 500"
    problem = only_problem(plan_for(agreement, finance_user, template))
    assert (problem.sheet, problem.row, problem.column) == ("DRIFT", row, "F")
    assert problem.message == (
        "»cirka 500« er ikke et tal. Skriv beløbet i 1.000 kr. som et tal, f.eks. 1500 eller -100."
    )


def test_year_outside_the_period_is_reported_at_its_header(agreement, finance_user, template):
    sheet = template["DRIFT"]
    sheet.cell(row=3, column=8).value = 2023
    problem = only_problem(plan_for(agreement, finance_user, template))
    assert (problem.sheet, problem.row, problem.column) == ("DRIFT", 3, "H")
    assert problem.message == "Året 2023 ligger uden for aftalens periode 2019-2022."


def test_duplicate_row_is_reported_with_the_first_row(agreement, finance_user, template):
    sheet = template["DRIFT"]
    first = find_row(sheet, 1, "3.9")
    sheet.append(["3.9", None, "Headspace igen", 1])
    problem = only_problem(plan_for(agreement, finance_user, template))
    assert (problem.sheet, problem.row, problem.column) == ("DRIFT", sheet.max_row, "A")
    assert problem.message == f"Indsats 3.9 Headspace står også i række {first}."


def test_missing_number_header_is_reported(agreement, finance_user, template):
    template["ANLÆG"].cell(row=3, column=1).value = "Nummer"
    problem = only_problem(plan_for(agreement, finance_user, template))
    assert problem.sheet == "ANLÆG"
    assert problem.message == (
        "Overskriftsrækken mangler: ingen af de første 10 rækker har overskriften »Nr.«."
    )


def test_missing_year_header_is_reported(agreement, finance_user, template):
    template["DRIFT"].cell(row=3, column=6).value = None
    problem = only_problem(plan_for(agreement, finance_user, template))
    assert (problem.sheet, problem.row) == ("DRIFT", 3)
    assert problem.message == "Overskriften for året 2021 mangler i række 3."


def test_missing_sheet_is_reported(agreement, finance_user, template):
    del template["ANLÆG"]
    problem = only_problem(plan_for(agreement, finance_user, template))
    assert problem.message == (
        "Arket »ANLÆG« mangler. Projektmappen skal have arkene DRIFT og ANLÆG."
    )


def test_formula_is_refused_not_evaluated(agreement, finance_user, template):
    sheet = template["DRIFT"]
    row = find_row(sheet, 1, "3.8")
    sheet.cell(row=row, column=4).value = "=SUM(E5:G5)"
    problem = only_problem(plan_for(agreement, finance_user, template))
    assert (problem.row, problem.column) == (row, "D")
    assert problem.message.startswith("Cellen indeholder en formel (=SUM(E5:G5)).")


def test_amount_with_two_decimals_is_refused(agreement, finance_user, template):
    sheet = template["DRIFT"]
    sheet.cell(row=find_row(sheet, 1, "3.8"), column=4).value = 12.25
    problem = only_problem(plan_for(agreement, finance_user, template))
    assert problem.message == "Beløbet 12.25 har for mange decimaler; højst én er tilladt."


def test_initiative_number_stored_as_a_number_is_refused(agreement, finance_user, template):
    # Excel turns a typed 3.10 into the number 3.1: it must not silently become initiative 3.1.
    sheet = template["DRIFT"]
    sheet.cell(row=find_row(sheet, 1, "3.10"), column=1).value = 3.1
    problem = only_problem(plan_for(agreement, finance_user, template))
    assert "gemt som et tal" in problem.message


def test_row_with_amounts_but_no_number_is_reported(agreement, finance_user, template):
    template["DRIFT"].append([None, None, "Ny indsats", 100])
    problem = only_problem(plan_for(agreement, finance_user, template))
    assert problem.message == "Rækken har beløb, men intet indsatsnummer."


def test_initiative_with_parts_needs_the_part(agreement, finance_user, template):
    chapter = agreement.chapters.get()
    InitiativeFactory(chapter=chapter, number="3.12", part="del 1", title="Samarbejde")
    InitiativeFactory(chapter=chapter, number="3.12", part="del 2", title="Samarbejde")
    template["DRIFT"].append(["3.12", None, "Samarbejde", 150])
    problem = only_problem(plan_for(agreement, finance_user, template))
    assert problem.message == (
        "Indsats nr. 3.12 har delene »del 1«, »del 2«; skriv delen i kolonnen »Del«."
    )


def test_restricted_finance_cannot_import_other_committees_rows(
    agreement, appropriations, finance_a, committee_b, template
):
    plan = plan_for(agreement, finance_a, template)
    assert {p.message for p in plan.problems} == {
        f"Du kan ikke ændre bevillinger for indsatser under {committee_b.name}."
    }
    assert {p.row for p in plan.problems} == {
        find_row(template["DRIFT"], 1, "3.1"),
        find_row(template["DRIFT"], 1, "3.10"),
        find_row(template["ANLÆG"], 1, "3.1"),
        find_row(template["ANLÆG"], 1, "3.10"),
    }


def test_every_problem_of_a_file_is_reported_and_nothing_planned(agreement, finance_user, template):
    sheet = template["DRIFT"]
    sheet.cell(row=find_row(sheet, 1, "3.8"), column=4).value = "x"
    sheet.append(["8.1", None, "Ukendt", 1])
    plan = plan_for(agreement, finance_user, template)
    assert len(plan.problems) == 2
    assert plan.changes == [] and plan.rows == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1500, Decimal("1500")),
        (4711.0, Decimal("4711")),
        (-0.5, Decimal("-0.5")),
        ("1.500", Decimal("1500")),
        ("-1.234.567,5", Decimal("-1234567.5")),
        ("12,5", Decimal("12.5")),
        ("12.5", Decimal("12.5")),
        (" 23.000 ", Decimal("23000")),
        (None, None),
        ("  ", None),
    ],
)
def test_amounts_are_read_as_numbers_or_danish_text(value, expected):
    assert cell_amount(value) == expected


def test_sheet_longer_than_the_row_cap_is_refused(agreement, finance_user, template):
    sheet = template["DRIFT"]
    sheet.cell(row=MAX_ROWS + 5, column=1).value = "3.8"
    problem = only_problem(plan_for(agreement, finance_user, template))
    assert problem.message == "Arket har mere end 20.000 rækker; del filen op."


# Statuses ----------------------------------------------------------------------------------


def status_plan(round_, user, workbook):
    return plan_status_upload(round=round_, user=user, data=to_bytes(workbook))


def status_row(workbook, number: str) -> int:
    return find_row(workbook[excel.STATUS_SHEET], 2, number)


def test_unchanged_status_workbook_plans_no_changes(open_round, finance_user, status_book):
    plan = status_plan(open_round, finance_user, status_book)
    assert plan.is_valid and plan.changes == [] and plan.conflicts == []
    assert plan.unchanged == 4  # rows


def test_filled_in_status_workbook_plans_the_changed_cells_only(
    open_round, finance_user, status_book
):
    sheet = status_book[excel.STATUS_SHEET]
    row = status_row(status_book, "3.8")
    sheet.cell(row=row, column=7).value = "Gul"
    sheet.cell(row=row, column=8).value = "Processen er forsinket.\r\n"
    sheet.cell(row=row, column=9).value = "Besparelse i 2019: 0,5 mio. kr."
    sheet.cell(row=row, column=10).value = "grøn"
    plan = status_plan(open_round, finance_user, status_book)
    assert plan.is_valid, plan.problems
    [change] = plan.changes
    assert (change["row"], change["label"]) == (row, "3.8 Det specialiserede børneområde")
    # The blank "Status (økonomi)" was left as downloaded: not a change.
    assert {name: edit["new"] for name, edit in change["edits"].items()} == {
        "smiley": "yellow",
        "text": "Processen er forsinket.",
        "economy_text": "Besparelse i 2019: 0,5 mio. kr.",
        "economy_smiley": "green",
    }
    assert change["fields"] == [
        ["Smiley for milepælen", "Ikke vurderet", "Gul"],
        ["Status", "", "Processen er forsinket."],
        ["Økonomi", "", "Besparelse i 2019: 0,5 mio. kr."],
        ["Smiley for økonomien", "Ikke vurderet", "Grøn"],
    ]
    assert plan.unchanged == 3


def test_unknown_smiley_is_reported(open_round, finance_user, status_book):
    row = status_row(status_book, "3.9")
    status_book[excel.STATUS_SHEET].cell(row=row, column=7).value = "Blå"
    problem = only_problem(status_plan(open_round, finance_user, status_book))
    assert (problem.sheet, problem.row, problem.column) == ("Status", row, "G")
    assert problem.message == (
        "»Blå« er ikke en gyldig smiley. Vælg en af: Grøn, Gul, Rød, Ikke vurderet."
    )


def test_yellow_is_not_an_economy_smiley(open_round, finance_user, status_book):
    row = status_row(status_book, "3.9")
    status_book[excel.STATUS_SHEET].cell(row=row, column=10).value = "Gul"
    problem = only_problem(status_plan(open_round, finance_user, status_book))
    assert problem.column == "J"
    assert (
        problem.message == "»Gul« er ikke en gyldig smiley. Vælg en af: Grøn, Rød, Ikke vurderet."
    )


def test_too_long_status_text_is_reported(open_round, finance_user, status_book):
    row = status_row(status_book, "3.9")
    status_book[excel.STATUS_SHEET].cell(row=row, column=8).value = "x" * 4001
    problem = only_problem(status_plan(open_round, finance_user, status_book))
    assert (problem.row, problem.column) == (row, "H")
    assert problem.message == "Teksten er på 4.001 tegn; højst 4.000 er tilladt."


def test_changed_reference_is_refused(open_round, finance_user, status_book):
    sheet = status_book[excel.STATUS_SHEET]
    row = status_row(status_book, "3.9")
    token = sheet.cell(row=row, column=1).value
    sheet.cell(row=row, column=1).value = token.replace(token[5], "A" if token[5] != "A" else "B")
    problem = only_problem(status_plan(open_round, finance_user, status_book))
    assert (problem.row, problem.column) == (row, "A")
    assert "reference" in problem.message


def test_added_row_without_reference_is_refused(open_round, finance_user, status_book):
    status_book[excel.STATUS_SHEET].append([None, "3.11", "Ny indsats", None, None, None, "Grøn"])
    problem = only_problem(status_plan(open_round, finance_user, status_book))
    assert problem.message.startswith("Rækken mangler sin reference")


def test_duplicate_status_row_is_refused(open_round, finance_user, status_book):
    sheet = status_book[excel.STATUS_SHEET]
    row = status_row(status_book, "3.9")
    sheet.append([cell.value for cell in sheet[row]])
    problem = only_problem(status_plan(open_round, finance_user, status_book))
    assert problem.message == f"Indsatsen står også i række {row}."


def test_workbook_of_another_round_is_refused(open_round, finance_user, status_book):
    other = FollowUpRoundFactory(agreement=open_round.agreement, point=2)
    plan = status_plan(other, finance_user, status_book)
    assert {p.message for p in plan.problems} == {
        "Rækken hører til en anden opfølgning end 2. budgetopfølgning 2019."
    }


def test_missing_status_header_is_reported(open_round, finance_user, status_book):
    status_book[excel.STATUS_SHEET].cell(row=3, column=10).value = "Smiley 2"
    problem = only_problem(status_plan(open_round, finance_user, status_book))
    assert problem.message == "Overskriften »Smiley (økonomi)« mangler i række 3."


def test_restricted_finance_cannot_import_other_committees_statuses(
    open_round, finance_a, committee_b, status_book
):
    plan = status_plan(open_round, finance_a, status_book)
    message = f"Du kan ikke ændre indsatser under {committee_b.name}."
    assert problems(plan) == [
        ("Status", status_row(status_book, "3.1"), "", message),
        ("Status", status_row(status_book, "3.10"), "", message),
    ]


def test_locked_round_refuses_status_import(open_round, finance_user, status_book):
    open_round.state = "locked"
    open_round.save()
    problem = only_problem(status_plan(open_round, finance_user, status_book))
    assert problem.message == ("1. budgetopfølgning 2019 er låst; der kan ikke indlæses statusser.")


def test_initiative_without_milestone_takes_no_milestone_status(
    agreement, open_round, finance_user
):
    late = InitiativeFactory(chapter=agreement.chapters.get(), number="3.20", title="Sen")
    from milestones.models import EconomyLine

    EconomyLine.objects.create(initiative=late, round=open_round)
    book = open_workbook(exports.status_workbook(round=open_round, user=finance_user))
    row = status_row(book, "3.20")
    book[excel.STATUS_SHEET].cell(row=row, column=7).value = "Grøn"
    problem = only_problem(status_plan(open_round, finance_user, book))
    assert (problem.row, problem.column) == (row, "G")
    assert problem.message.startswith("Indsatsen har ingen milepæl ved denne opfølgning")


def test_status_workbook_uploaded_as_appropriations_is_refused(
    agreement, open_round, finance_user, status_book
):
    plan = plan_for(agreement, finance_user, status_book)
    assert "Arket »DRIFT« mangler." in plan.problems[0].message


def test_openpyxl_reads_the_written_template_back(agreement, appropriations, finance_user):
    # The template is a plain workbook Excel and LibreOffice open without repair prompts.
    content = exports.appropriation_template(agreement=agreement, user=finance_user)
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    assert workbook.sheetnames == ["DRIFT", "ANLÆG", "Vejledning"]
    assert initiative(agreement, "3.8").appropriations.count() == 4


def test_status_changed_in_the_application_but_not_in_the_workbook_is_kept(
    open_round, agreement, finance_user, admin_user, status_book
):
    save_row(
        open_round,
        initiative(agreement, "3.8"),
        actor=admin_user,
        smiley="red",
        text="Fra browseren",
    )
    plan = status_plan(open_round, finance_user, status_book)
    assert (plan.changes, plan.conflicts, plan.kept, plan.unchanged) == ([], [], 2, 4)


def test_same_field_changed_in_the_application_and_the_workbook_is_a_conflict(
    open_round, agreement, finance_user, admin_user, status_book
):
    save_row(
        open_round,
        initiative(agreement, "3.8"),
        actor=admin_user,
        smiley="red",
        text="Fra browseren",
    )
    status_book[excel.STATUS_SHEET].cell(row=status_row(status_book, "3.8"), column=7).value = "Gul"
    plan = status_plan(open_round, finance_user, status_book)
    assert plan.is_valid, plan.problems
    assert plan.changes == []
    [conflict] = plan.conflicts
    # Only the smiley was changed on both sides; the status text only in the application.
    assert conflict["fields"] == [["Smiley for milepælen", "Rød", "Gul"]]
    assert conflict["label"] == "3.8 Det specialiserede børneområde"
    assert conflict["changed_by"] == admin_user.get_full_name()
    assert plan.kept == 1


def test_different_fields_changed_in_the_application_and_the_workbook_are_both_kept(
    open_round, agreement, finance_user, admin_user, status_book
):
    save_row(open_round, initiative(agreement, "3.8"), actor=admin_user, text="Fra browseren")
    sheet = status_book[excel.STATUS_SHEET]
    row = status_row(status_book, "3.8")
    sheet.cell(row=row, column=7).value = "Gul"
    sheet.cell(row=row, column=9).value = "0,5 mio. kr."
    plan = status_plan(open_round, finance_user, status_book)
    assert plan.conflicts == []
    [change] = plan.changes
    assert {name: edit["new"] for name, edit in change["edits"].items()} == {
        "smiley": "yellow",
        "economy_text": "0,5 mio. kr.",
    }
    assert plan.kept == 1  # the application's status text stays


def test_a_row_with_a_conflicting_and_a_free_field_plans_the_free_one(
    open_round, agreement, finance_user, admin_user, status_book
):
    save_row(open_round, initiative(agreement, "3.8"), actor=admin_user, smiley="red")
    sheet = status_book[excel.STATUS_SHEET]
    row = status_row(status_book, "3.8")
    sheet.cell(row=row, column=7).value = "Grøn"
    sheet.cell(row=row, column=8).value = "Fra centret"
    plan = status_plan(open_round, finance_user, status_book)
    assert [list(change["edits"]) for change in plan.changes] == [["text"]]
    assert [conflict["fields"] for conflict in plan.conflicts] == [
        [["Smiley for milepælen", "Rød", "Grøn"]]
    ]


def test_same_value_in_the_application_and_the_workbook_is_no_conflict(
    open_round, agreement, finance_user, admin_user, status_book
):
    save_row(open_round, initiative(agreement, "3.8"), actor=admin_user, smiley="yellow")
    status_book[excel.STATUS_SHEET].cell(row=status_row(status_book, "3.8"), column=7).value = "Gul"
    plan = status_plan(open_round, finance_user, status_book)
    assert (plan.changes, plan.conflicts, plan.unchanged) == ([], [], 4)


# Statuses: text is text, a formula is a formula --------------------------------------------


def test_texts_that_begin_like_a_formula_round_trip_through_the_unchanged_workbook(
    open_round, agreement, finance_user, admin_user
):
    texts = {
        "3.8": {"text": '=HYPERLINK("http://x","klik")'},
        "3.9": {"text": "+45 borgere mere end ventet"},
        "3.10": {"economy_text": "-0,5 mio. kr."},
        "3.1": {"economy_status_text": "@centret: se notatet"},
    }
    for number, values in texts.items():
        save_row(open_round, initiative(agreement, number), actor=admin_user, **values)
    book = open_workbook(exports.status_workbook(round=open_round, user=finance_user))
    plan = status_plan(open_round, finance_user, book)
    assert plan.problems == []
    assert (plan.changes, plan.conflicts, plan.kept, plan.unchanged) == ([], [], 0, 4)


def test_text_cell_beginning_with_equals_is_read_as_text(open_round, finance_user, status_book):
    row = status_row(status_book, "3.9")
    cell = status_book[excel.STATUS_SHEET].cell(row=row, column=8)
    cell.value = "=ikke en formel"
    cell.data_type = "s"  # as Excel keeps what is typed into a cell formatted as text
    [change] = status_plan(open_round, finance_user, status_book).changes
    assert change["edits"]["text"]["new"] == "=ikke en formel"


def test_formula_in_the_status_workbook_is_refused(open_round, finance_user, status_book):
    row = status_row(status_book, "3.9")
    status_book[excel.STATUS_SHEET].cell(row=row, column=8).value = "=1+1"
    problem = only_problem(status_plan(open_round, finance_user, status_book))
    assert (problem.row, problem.column) == (row, "H")
    assert problem.message.startswith("Cellen indeholder en formel (=1+1).")


def test_array_formula_is_refused(open_round, finance_user, status_book):
    from openpyxl.worksheet.formula import ArrayFormula

    row = status_row(status_book, "3.9")
    status_book[excel.STATUS_SHEET].cell(row=row, column=7).value = ArrayFormula(
        f"G{row}", "=INDEX(G4:G7,1)"
    )
    problem = only_problem(status_plan(open_round, finance_user, status_book))
    assert (problem.row, problem.column) == (row, "G")
    assert problem.message.startswith("Cellen indeholder en formel (=INDEX(G4:G7,1)).")


# Statuses: the text rule ---------------------------------------------------------------------


def test_text_from_excel_is_read_by_the_text_rule(open_round, finance_user, status_book):
    sheet = status_book[excel.STATUS_SHEET]
    row = status_row(status_book, "3.9")
    # Excel keeps a carriage return as _x000D_ in the file; blanks at line ends are not text.
    sheet.cell(row=row, column=8).value = "  Første linje _x000D_\nAnden linje\t_x000D_\n\n"
    sheet.cell(row=row, column=9).value = "Kort\r\n"
    [change] = status_plan(open_round, finance_user, status_book).changes
    assert change["edits"]["text"]["new"] == "Første linje\nAnden linje"
    assert change["edits"]["economy_text"]["new"] == "Kort"


def test_text_with_a_literal_escape_that_is_no_control_character_stays(
    open_round, finance_user, status_book
):
    row = status_row(status_book, "3.9")
    status_book[excel.STATUS_SHEET].cell(row=row, column=8).value = "Kode _x0041_"
    [change] = status_plan(open_round, finance_user, status_book).changes
    assert change["edits"]["text"]["new"] == "Kode _x0041_"


# Statuses: the reference -------------------------------------------------------------------


def test_workbook_from_an_older_version_is_refused_with_advice(
    open_round, finance_user, status_book
):
    from django.core import signing

    sheet = status_book[excel.STATUS_SHEET]
    first = status_row(status_book, "3.1")
    for row in range(first, sheet.max_row + 1):
        # The first format: round, initiative, then [id, version, digest] of status and line.
        initiative_id = excel.RowReference.load(sheet.cell(row=row, column=1).value).initiative_id
        sheet.cell(row=row, column=1).value = signing.dumps(
            [open_round.pk, initiative_id, [1, 1, "0" * 16], [1, 1, "0" * 16]],
            salt="finance.status-workbook",
        )
    sheet.cell(row=first, column=7).value = "Grøn"
    plan = status_plan(open_round, finance_user, status_book)
    problem = only_problem(plan)  # once for the workbook, not once per row
    assert (problem.row, problem.column) == (first, "A")
    assert problem.message == (
        "Projektmappen er hentet fra en ældre udgave af Budgetopfølgning. Hent en ny "
        "projektmappe fra opfølgningen, og skriv dine ændringer i den."
    )
    assert plan.changes == [] and plan.rows == []
