"""The appropriation template and the appropriation overview of an agreement."""

from __future__ import annotations

from decimal import Decimal

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from agreements.models import BudgetAgreement, Initiative
from agreements.permissions import can_edit_committee
from finance import excel
from finance.exports.cells import (
    group_row,
    guide_sheet,
    new_workbook,
    put_amount,
    put_header,
    put_text,
    put_title,
    scope_note,
    to_bytes,
    total_row,
)
from finance.selectors import appropriation_rows, savings_catalogue


def _chapters(initiatives: list[Initiative]):
    chapter = None
    group: list[Initiative] = []
    for initiative in initiatives:
        if chapter is not None and initiative.chapter_id != chapter.pk:
            yield chapter, group
            group = []
        chapter = initiative.chapter
        group.append(initiative)
    if chapter is not None:
        yield chapter, group


def appropriation_template(*, agreement: BudgetAgreement, user) -> bytes:
    """DRIFT and ANLÆG sheets with every numbered initiative the user may change and its
    current amounts, in the shape the upload reads back."""
    initiatives = [
        initiative
        for initiative in appropriation_rows(agreement=agreement, user=user)
        if initiative.number and can_edit_committee(user, initiative.responsible_committee_id)
    ]
    years = agreement.period_years
    workbook = new_workbook(f"Bevillinger, {agreement.title}")
    workbook.remove(workbook.active)
    labels = [excel.HEADER_NUMBER, excel.HEADER_PART, excel.HEADER_TITLE, *years]
    widths = [9, 9, 60, *[12] * len(years)]
    first_amount_column = 4
    for kind, sheet_name in excel.KIND_SHEETS.items():
        sheet = workbook.create_sheet(sheet_name)
        put_title(
            sheet,
            f"{excel.KIND_TITLES[kind]}, {agreement.title}",
            "Skriv beløbene i 1.000 kr. (negativt beløb = besparelse). En tom celle betyder "
            "ingen bevilling. Se arket Vejledning.",
        )
        put_header(sheet, 3, labels, widths)
        sheet.column_dimensions["A"].number_format = excel.FORMAT_TEXT
        sheet.column_dimensions["B"].number_format = excel.FORMAT_TEXT
        validation = DataValidation(
            type="decimal",
            operator="between",
            formula1="-99999999999",
            formula2="99999999999",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Ikke et tal",
            error="Skriv beløbet i 1.000 kr. som et tal, f.eks. 1500 eller -100.",
        )
        sheet.add_data_validation(validation)
        row = 4
        for chapter, group in _chapters(initiatives):
            group_row(sheet, row, 3, f"{chapter.number}. {chapter.title}", len(labels))
            row += 1
            for initiative in group:
                for column, value in ((1, initiative.number), (2, initiative.part)):
                    cell = sheet.cell(row=row, column=column)
                    put_text(cell, value or None)
                    cell.number_format = excel.FORMAT_TEXT
                put_text(sheet.cell(row=row, column=3), initiative.title)
                for offset, year in enumerate(years):
                    cell = sheet.cell(row=row, column=first_amount_column + offset)
                    cell.number_format = excel.FORMAT_THOUSANDS
                    put_amount(cell, initiative.amounts[kind].get(year))
                row += 1
        if row > 4:
            last = get_column_letter(first_amount_column + len(years) - 1)
            validation.add(f"D4:{last}{row - 1}")
        sheet.freeze_panes = "D4"
    guide_sheet(
        workbook,
        [
            f"Bevillinger, {agreement.title} ({agreement.period_label})",
            "Arkene DRIFT og ANLÆG er aftalens to bevillingstabeller i 1.000 kr. Én række pr. "
            "indsats, én kolonne pr. år i aftalens periode.",
            "Når filen indlæses, bliver tabellerne i Budgetopfølgning lig med filen: et beløb "
            "opretter eller ændrer en bevilling, en tom celle eller en slettet række fjerner den. "
            "Du ser alle ændringer, før de gemmes.",
            "Indsatserne kendes på kolonnerne Nr. og Del. Skriv nummeret som tekst (3.10, ikke "
            "3.1). Kolonnen Indsats er kun til orientering.",
            "Rækker uden nummer (kapiteloverskrifter) springes over. Skriv tal, ikke formler: "
            "formler læses ikke.",
            excel.SIZE_NOTE,
        ],
    )
    return to_bytes(workbook)


def appropriation_overview(*, agreement: BudgetAgreement, user) -> bytes:
    """The DRIFT and ANLÆG tables per initiative with totals per year, and the savings
    catalogue, for the committees the user may read."""
    initiatives = appropriation_rows(agreement=agreement, user=user)
    years = agreement.period_years
    note = scope_note(user)
    workbook = new_workbook(f"Bevillingsoversigt, {agreement.title}")
    workbook.remove(workbook.active)
    labels = [excel.HEADER_NUMBER, excel.HEADER_PART, excel.HEADER_TITLE, *years]
    labels.append(excel.HEADER_TOTAL)
    widths = [9, 9, 60, *[12] * (len(years) + 1)]
    for kind, sheet_name in excel.KIND_SHEETS.items():
        sheet = workbook.create_sheet(sheet_name)
        put_title(sheet, f"{excel.KIND_TITLES[kind]}, {agreement.title}", note)
        put_header(sheet, 3, labels, widths)
        totals = dict.fromkeys(years, Decimal(0))
        row = 4
        with_money = [i for i in initiatives if i.amounts[kind]]
        for chapter, group in _chapters(with_money):
            group_row(sheet, row, 3, f"{chapter.number}. {chapter.title}", len(labels))
            row += 1
            for initiative in group:
                put_text(sheet.cell(row=row, column=1), initiative.number or None)
                put_text(sheet.cell(row=row, column=2), initiative.part or None)
                put_text(sheet.cell(row=row, column=3), initiative.title)
                amounts = initiative.amounts[kind]
                for offset, year in enumerate(years):
                    put_amount(sheet.cell(row=row, column=4 + offset), amounts.get(year))
                    totals[year] += amounts.get(year, Decimal(0))
                put_amount(sheet.cell(row=row, column=4 + len(years)), sum(amounts.values()))
                row += 1
        put_text(sheet.cell(row=row, column=3), excel.HEADER_TOTAL)
        for offset, year in enumerate(years):
            put_amount(sheet.cell(row=row, column=4 + offset), totals[year])
        put_amount(sheet.cell(row=row, column=4 + len(years)), sum(totals.values()))
        total_row(sheet, row, len(labels))
        sheet.freeze_panes = "D4"
    _savings_sheet(workbook, agreement, user, note)
    return to_bytes(workbook)


def _savings_sheet(workbook: Workbook, agreement: BudgetAgreement, user, note: str) -> None:
    years = agreement.period_years
    sheet = workbook.create_sheet(excel.SAVINGS_SHEET)
    put_title(sheet, f"Omstillingscases (mio. kr.), {agreement.title}", note)
    labels = [excel.HEADER_NUMBER, excel.HEADER_TITLE, *years, "Anlægsinvestering"]
    put_header(sheet, 3, labels, [10, 60, *[11] * len(years), 16])
    row = 4
    for group in savings_catalogue(agreement, user):
        cases = group.cases
        group_row(sheet, row, 1, group.committee_name, len(labels))
        row += 1
        totals = dict.fromkeys(years, Decimal(0))
        for case in cases:
            put_text(sheet.cell(row=row, column=1), f"{case.code}{'*' if case.marked else ''}")
            put_text(sheet.cell(row=row, column=2), case.title)
            for offset, year in enumerate(years):
                value = case.year_table.values.get(year)
                put_amount(sheet.cell(row=row, column=3 + offset), value, _money_format(value))
                totals[year] += value or Decimal(0)
            investment = case.capital_investment
            put_amount(
                sheet.cell(row=row, column=3 + len(years)), investment, _money_format(investment)
            )
            row += 1
        put_text(sheet.cell(row=row, column=2), f"{excel.HEADER_TOTAL} {group.committee_name}")
        for offset, year in enumerate(years):
            put_amount(
                sheet.cell(row=row, column=3 + offset), totals[year], _money_format(totals[year])
            )
        total_row(sheet, row, len(labels))
        row += 2
    sheet.freeze_panes = "C4"


def _money_format(value: Decimal | None) -> str:
    """Mio. kr. as the catalogue prints them: two decimals, three when the amount has them."""
    if value is not None and value.normalize().as_tuple().exponent < -2:
        return excel.FORMAT_THREE_DECIMALS
    return excel.FORMAT_TWO_DECIMALS
