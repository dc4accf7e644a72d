"""The overview of a round: counts per committee, and every initiative's smileys so far."""

from __future__ import annotations

from collections import Counter

from openpyxl.worksheet.worksheet import Worksheet

from finance import excel
from finance.exports.cells import (
    new_workbook,
    put_header,
    put_smiley,
    put_text,
    put_title,
    scope_note,
    title_with_part,
    to_bytes,
    total_row,
)
from finance.selectors import round_overview_rows
from milestones.models import ECONOMY_SMILEYS, MILESTONE_SMILEYS, FollowUpRound, Smiley


def round_overview_workbook(*, round: FollowUpRound, user) -> bytes:
    """A summary sheet with the counts per committee at this round, then one sheet per
    committee with every initiative and its smileys at all rounds so far."""
    data = round_overview_rows(round=round, user=user)
    workbook = new_workbook(f"Oversigt, {round.label}")
    summary = workbook.active
    summary.title = "Oversigt"
    put_title(summary, f"Oversigt, {round.label}, {round.agreement.title}", scope_note(user))
    milestone_levels = MILESTONE_SMILEYS
    economy_levels = ECONOMY_SMILEYS
    labels = (
        ["Udvalg"]
        + [f"Milepæle: {excel.SMILEY_LABELS[s]}" for s in milestone_levels]
        + ["Milepæle i alt"]
        + [f"Økonomi: {excel.SMILEY_LABELS[s]}" for s in economy_levels]
        + ["Økonomi i alt"]
    )
    put_header(summary, 3, labels, [40, *[13] * (len(labels) - 1)])
    for index, smiley in enumerate(milestone_levels, start=2):
        _colour_header(summary.cell(row=3, column=index), smiley)
    for index, smiley in enumerate(economy_levels, start=3 + len(milestone_levels)):
        _colour_header(summary.cell(row=3, column=index), smiley)
    row = 3
    grand_milestones: Counter = Counter()
    grand_economy: Counter = Counter()
    for group in data.committees:
        row += 1
        milestones = Counter(
            r.milestone[round.point] for r in group.rows if round.point in r.milestone
        )
        economy = Counter(r.economy[round.point] for r in group.rows if round.point in r.economy)
        grand_milestones.update(milestones)
        grand_economy.update(economy)
        put_text(
            summary.cell(row=row, column=1),
            group.committee.name if group.committee else "Uden udvalg",
        )
        _count_cells(summary, row, milestones, economy)
    row += 1
    put_text(summary.cell(row=row, column=1), excel.HEADER_TOTAL)
    _count_cells(summary, row, grand_milestones, grand_economy)
    total_row(summary, row, len(labels))
    summary.freeze_panes = "B4"

    for group in data.committees:
        name = group.committee.code if group.committee else "Uden udvalg"
        sheet = workbook.create_sheet(excel.sheet_title(name))
        put_title(
            sheet, group.committee.name if group.committee else "Indsatser uden ansvarligt udvalg"
        )
        labels = [excel.HEADER_NUMBER, excel.HEADER_TITLE, excel.HEADER_CENTER]
        for round_ in data.rounds:
            labels += [f"Milepæl, {round_.label}", f"Økonomi, {round_.label}"]
        put_header(sheet, 3, labels, [9, 55, 24, *[16] * (len(labels) - 3)])
        for row, overview in enumerate(group.rows, start=4):
            initiative = overview.initiative
            put_text(sheet.cell(row=row, column=1), initiative.number or None)
            put_text(sheet.cell(row=row, column=2), title_with_part(initiative))
            put_text(sheet.cell(row=row, column=3), str(initiative.responsible_center or ""))
            for offset, round_ in enumerate(data.rounds):
                column = 4 + 2 * offset
                put_smiley(sheet.cell(row=row, column=column), overview.milestone.get(round_.point))
                put_smiley(
                    sheet.cell(row=row, column=column + 1), overview.economy.get(round_.point)
                )
        sheet.freeze_panes = "C4"
    return to_bytes(workbook)


def _colour_header(cell, smiley: Smiley) -> None:
    cell.fill = excel.smiley_fill(smiley)
    cell.font = excel.smiley_font(smiley)


def _count_cells(sheet: Worksheet, row: int, milestones: Counter, economy: Counter) -> None:
    column = 2
    for smiley in MILESTONE_SMILEYS:
        sheet.cell(row=row, column=column, value=milestones.get(smiley.value, 0))
        column += 1
    sheet.cell(row=row, column=column, value=sum(milestones.values()))
    column += 1
    for smiley in ECONOMY_SMILEYS:
        sheet.cell(row=row, column=column, value=economy.get(smiley.value, 0))
        column += 1
    sheet.cell(row=row, column=column, value=sum(economy.values()))
