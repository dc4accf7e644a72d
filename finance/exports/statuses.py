"""The status collection workbook of a round, for one committee or one center."""

from __future__ import annotations

from django.utils import formats
from openpyxl.formatting.rule import CellIsRule
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from agreements.models import Center, Committee
from agreements.text import text_digest
from finance import excel
from finance.exports.cells import (
    UNLOCKED,
    guide_sheet,
    new_workbook,
    put_header,
    put_smiley,
    put_text,
    put_title,
    title_with_part,
    to_bytes,
)
from milestones.models import ECONOMY_SMILEYS, MILESTONE_SMILEYS, FollowUpRound, Smiley
from milestones.selectors import round_rows


def status_workbook(
    *,
    round: FollowUpRound,
    user,
    committee: Committee | None = None,
    center: Center | None = None,
) -> bytes:
    """One row per initiative of the round (for one committee or center): the milestone of this
    point, the current smiley and status text, and the economy line. The white cells are to be
    filled in; the rest is protected, and a hidden, signed reference ties each row to its
    initiative and round, with the fingerprint of each value it was downloaded with, so the
    import knows which cells were changed (``excel.RowReference``)."""
    rows = round_rows(
        round=round, user=user, committee=committee, center=center, with_earlier=False
    )
    scope = committee.name if committee else center.name if center else "alle udvalg"
    workbook = new_workbook(f"Status, {round.label}, {scope}")
    sheet = workbook.active
    sheet.title = excel.STATUS_SHEET
    editable = not round.is_locked
    put_title(
        sheet,
        f"Status til {round.label}, {scope}",
        (f"Frist: {formats.date_format(round.deadline, 'j. F Y')}. " if round.deadline else "")
        + (
            "Udfyld de hvide celler; smileyen vælges på listen. Se arket Vejledning."
            if editable
            else "Opfølgningen er låst; ændringer kan ikke indlæses."
        ),
    )
    header_row = 3
    widths = [12, 8, 40, 22, 22, 50, 14, 50, 40, 14, 40]
    put_header(sheet, header_row, excel.STATUS_COLUMNS, widths)
    column = {name: index for index, name in enumerate(excel.STATUS_COLUMNS, start=1)}
    sheet.column_dimensions["A"].hidden = True
    row = header_row
    for row_data in rows:
        row += 1
        initiative, status, line = row_data.initiative, row_data.status, row_data.economy
        digests: dict[str, str] = {}
        values: dict[str, str | None] = {
            excel.HEADER_NUMBER: initiative.number or None,
            excel.HEADER_TITLE: title_with_part(initiative),
            excel.HEADER_CENTER: str(initiative.responsible_center or ""),
            excel.HEADER_COMMITTEE: str(initiative.responsible_committee or ""),
        }
        # Stored texts follow the text rule, so they are written (and read back) unchanged.
        if status is not None:
            values[excel.HEADER_MILESTONE] = status.milestone.text
            values[excel.HEADER_STATUS] = status.text
            digests |= {
                "milestone_text": text_digest(status.milestone.text),
                "smiley": text_digest(status.smiley),
                "text": text_digest(status.text),
            }
        if line is not None:
            values[excel.HEADER_ECONOMY] = line.text
            values[excel.HEADER_ECONOMY_STATUS] = line.status_text
            digests |= {
                "economy_text": text_digest(line.text),
                "economy_smiley": text_digest(line.smiley),
                "economy_status_text": text_digest(line.status_text),
            }
        reference = excel.RowReference(round.pk, initiative.pk, digests)
        put_text(sheet.cell(row=row, column=column[excel.HEADER_REFERENCE]), reference.sign())
        for name, value in values.items():
            cell = sheet.cell(row=row, column=column[name])
            put_text(cell, value)
            cell.alignment = excel.WRAP
        if status is not None:
            put_smiley(sheet.cell(row=row, column=column[excel.HEADER_SMILEY]), status.smiley)
        if line is not None:
            put_smiley(sheet.cell(row=row, column=column[excel.HEADER_ECONOMY_SMILEY]), line.smiley)
        for name in excel.STATUS_COLUMNS:
            cell = sheet.cell(row=row, column=column[name])
            has_part = status is not None if name in excel.STATUS_PART else line is not None
            if editable and name in excel.STATUS_EDITABLE and has_part:
                cell.protection = UNLOCKED
            elif name not in (excel.HEADER_SMILEY, excel.HEADER_ECONOMY_SMILEY) or not has_part:
                cell.fill = excel.READ_ONLY_FILL
    last_row = row
    if last_row > header_row and editable:
        for name, allowed in (
            (excel.HEADER_SMILEY, MILESTONE_SMILEYS),
            (excel.HEADER_ECONOMY_SMILEY, ECONOMY_SMILEYS),
        ):
            letter = get_column_letter(column[name])
            cells = f"{letter}{header_row + 1}:{letter}{last_row}"
            _smiley_list(sheet, cells, allowed)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=column[excel.HEADER_CENTER])
    sheet.auto_filter.ref = (
        f"B{header_row}:{get_column_letter(len(widths))}{max(last_row, header_row)}"
    )
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    sheet.protection.autoFilter = False
    sheet.print_options.gridLines = True
    sheet.page_setup.orientation = "landscape"
    guide_sheet(workbook, _status_guide(round))
    return to_bytes(workbook)


def _smiley_list(sheet: Worksheet, cells: str, allowed: list[Smiley]) -> None:
    labels = [excel.SMILEY_LABELS[s] for s in allowed]
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(labels) + '"',
        allow_blank=False,
        showErrorMessage=True,
        errorTitle="Ugyldig smiley",
        error="Vælg en smiley på listen: " + ", ".join(labels) + ".",
        showInputMessage=True,
        promptTitle="Smiley",
        prompt="Vælg på listen: " + ", ".join(labels) + ".",
    )
    validation.add(cells)
    sheet.add_data_validation(validation)
    # The colour follows the chosen label; the label itself carries the meaning.
    for smiley in allowed:
        sheet.conditional_formatting.add(
            cells,
            CellIsRule(
                operator="equal",
                formula=[f'"{excel.SMILEY_LABELS[smiley]}"'],
                fill=excel.smiley_fill(smiley),
                font=excel.smiley_font(smiley),
            ),
        )


def _status_guide(round: FollowUpRound) -> list[str]:
    agreement = round.agreement
    return [
        f"Status til {round.label}, {agreement.title}",
        "Arket Status har én række pr. indsats. Udfyld de hvide celler: Smiley og Status for "
        "milepælen, og Økonomi, Smiley (økonomi) og Status (økonomi) for økonomilinjen. De grå "
        "kolonner er låst.",
        "Smiley for milepælen (indsats):",
        f"Grøn: {agreement.milestone_green}",
        f"Gul: {agreement.milestone_yellow}",
        f"Rød: {agreement.milestone_red}",
        "Ikke vurderet: indsatsen er endnu ikke vurderet.",
        "Smiley for økonomien:",
        f"Grøn: {agreement.economy_green}",
        f"Rød: {agreement.economy_red}",
        "Ikke vurderet: økonomien er endnu ikke vurderet.",
        "Tilføj, slet eller flyt ikke rækker mellem projektmapper, og ændr ikke den skjulte "
        "kolonne A: den binder rækken til indsatsen. Formler læses ikke.",
        "Hvis en status er ændret i Budgetopfølgning, efter projektmappen blev hentet, og "
        "projektmappen også ændrer den, vises det som en konflikt og overskrives ikke.",
        excel.SIZE_NOTE,
    ]
