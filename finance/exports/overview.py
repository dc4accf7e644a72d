"""The overview of a round: counts per committee, and every initiative's smileys so far."""

from __future__ import annotations

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
from milestones.models import ECONOMY_SMILEYS, MILESTONE_SMILEYS, FollowUpRound, Smiley
from milestones.selectors import SmileyCounts, committee_order, count_smileys, round_rows


def round_overview_workbook(*, round: FollowUpRound, user) -> bytes:
    """A summary sheet with the counts per committee at this round, then one sheet per
    committee with every initiative of the round and its smileys at all rounds so far. The
    rows come from the one reader of a round's rows, the counts from the one count."""
    rows = round_rows(round=round, user=user, order=committee_order)
    rounds = list(
        FollowUpRound.objects.filter(
            agreement_id=round.agreement_id, point__lte=round.point
        ).order_by("point")
    )
    by_committee, totals = count_smileys(rows, key=lambda r: r.initiative.responsible_committee)
    workbook = new_workbook(f"Oversigt, {round.label}")
    summary = workbook.active
    summary.title = "Oversigt"
    put_title(summary, f"Oversigt, {round.label}, {round.agreement.title}", scope_note(user))
    labels = (
        ["Udvalg"]
        + [f"Milepæle: {excel.SMILEY_LABELS[s]}" for s in MILESTONE_SMILEYS]
        + ["Milepæle i alt"]
        + [f"Økonomi: {excel.SMILEY_LABELS[s]}" for s in ECONOMY_SMILEYS]
        + ["Økonomi i alt"]
    )
    put_header(summary, 3, labels, [40, *[13] * (len(labels) - 1)])
    for index, smiley in enumerate(MILESTONE_SMILEYS, start=2):
        _colour_header(summary.cell(row=3, column=index), smiley)
    for index, smiley in enumerate(ECONOMY_SMILEYS, start=3 + len(MILESTONE_SMILEYS)):
        _colour_header(summary.cell(row=3, column=index), smiley)
    row = 3
    for committee, counts in by_committee.items():
        row += 1
        put_text(summary.cell(row=row, column=1), committee.name if committee else "Uden udvalg")
        _count_cells(summary, row, counts)
    row += 1
    put_text(summary.cell(row=row, column=1), excel.HEADER_TOTAL)
    _count_cells(summary, row, totals)
    total_row(summary, row, len(labels))
    summary.freeze_panes = "B4"

    groups: dict = {}
    for round_row in rows:
        groups.setdefault(round_row.initiative.responsible_committee, []).append(round_row)
    for committee, committee_rows in groups.items():
        sheet = workbook.create_sheet(
            excel.sheet_title(committee.code if committee else "Uden udvalg")
        )
        put_title(sheet, committee.name if committee else "Indsatser uden ansvarligt udvalg")
        labels = [excel.HEADER_NUMBER, excel.HEADER_TITLE, excel.HEADER_CENTER]
        for round_ in rounds:
            labels += [f"Milepæl, {round_.label}", f"Økonomi, {round_.label}"]
        put_header(sheet, 3, labels, [9, 55, 24, *[16] * (len(labels) - 3)])
        for row, round_row in enumerate(committee_rows, start=4):
            initiative = round_row.initiative
            put_text(sheet.cell(row=row, column=1), initiative.number or None)
            put_text(sheet.cell(row=row, column=2), title_with_part(initiative))
            put_text(sheet.cell(row=row, column=3), str(initiative.responsible_center or ""))
            smileys = {e.point: (e.smiley, e.economy_smiley) for e in round_row.earlier}
            smileys[round.point] = (
                round_row.status.smiley if round_row.status else None,
                round_row.economy.smiley if round_row.economy else None,
            )
            for offset, round_ in enumerate(rounds):
                column = 4 + 2 * offset
                milestone, economy = smileys.get(round_.point, (None, None))
                put_smiley(sheet.cell(row=row, column=column), milestone)
                put_smiley(sheet.cell(row=row, column=column + 1), economy)
        sheet.freeze_panes = "C4"
    return to_bytes(workbook)


def _colour_header(cell, smiley: Smiley) -> None:
    cell.fill = excel.smiley_fill(smiley)
    cell.font = excel.smiley_font(smiley)


def _count_cells(sheet: Worksheet, row: int, counts: SmileyCounts) -> None:
    values = [
        *counts.milestone_counts,
        counts.initiatives,
        *counts.economy_counts,
        counts.initiatives,
    ]
    for column, value in enumerate(values, start=2):
        sheet.cell(row=row, column=column, value=value)
