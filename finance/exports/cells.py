"""Writing cells: text that stays text, amounts in Danish formats, smileys with colour and label."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from agreements.models import Initiative
from agreements.permissions import committee_ids
from finance import excel

UNLOCKED = Protection(locked=False)
CENTERED = Alignment(horizontal="center", vertical="top")


def new_workbook(title: str) -> Workbook:
    workbook = Workbook()
    workbook.properties.creator = "Budgetopfølgning"
    workbook.properties.title = title
    return workbook


def to_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def put_text(cell, value: str | None) -> None:
    if value is None:
        return
    cell.value = excel.sanitize_text(str(value))
    # Text stays text: "=..." from the database must never become a formula in Excel.
    cell.data_type = "s"


def put_amount(cell, value: Decimal | None, number_format: str | None = None) -> None:
    if value is None:
        return
    cell.value = excel.excel_number(value)
    cell.number_format = number_format or excel.amount_format(value)


def put_smiley(cell, smiley: str | None) -> None:
    if not smiley:
        return
    put_text(cell, excel.smiley_label(smiley))
    cell.fill = excel.smiley_fill(smiley)
    cell.font = excel.smiley_font(smiley)
    cell.alignment = CENTERED


def put_title(sheet: Worksheet, title: str, note: str = "") -> None:
    put_text(sheet["A1"], title)
    sheet["A1"].font = excel.TITLE_FONT
    if note:
        put_text(sheet["A2"], note)


def put_header(sheet: Worksheet, row: int, labels: list, widths: list[int]) -> None:
    for index, (label, width) in enumerate(zip(labels, widths, strict=True), start=1):
        cell = sheet.cell(row=row, column=index)
        if isinstance(label, int):
            cell.value = label
        else:
            put_text(cell, label)
        cell.font = excel.HEADER_FONT
        cell.fill = excel.HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")
        sheet.column_dimensions[get_column_letter(index)].width = width


def group_row(sheet: Worksheet, row: int, column: int, text: str, width: int) -> None:
    put_text(sheet.cell(row=row, column=column), text)
    for index in range(1, width + 1):
        cell = sheet.cell(row=row, column=index)
        cell.font = excel.GROUP_FONT
        cell.fill = excel.GROUP_FILL


def total_row(sheet: Worksheet, row: int, width: int) -> None:
    for index in range(1, width + 1):
        cell = sheet.cell(row=row, column=index)
        cell.font = excel.TOTAL_FONT
        cell.border = excel.TOTAL_BORDER


def guide_sheet(workbook: Workbook, lines: list[str]) -> None:
    sheet = workbook.create_sheet(excel.GUIDE_SHEET)
    sheet.column_dimensions["A"].width = 110
    for row, line in enumerate(lines, start=1):
        cell = sheet.cell(row=row, column=1)
        put_text(cell, line)
        cell.alignment = excel.WRAP
    sheet["A1"].font = excel.TITLE_FONT


def scope_note(user) -> str:
    if committee_ids(user) is None:
        return ""
    return "Kun indsatser under dine udvalg."


def title_with_part(initiative: Initiative) -> str:
    return initiative.title + (f" ({initiative.part})" if initiative.part else "")
