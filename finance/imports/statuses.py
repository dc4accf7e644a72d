"""Status workbooks read into a plan of changes and conflicts for a round."""

from __future__ import annotations

import logging
from typing import Any

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from agreements.permissions import can_edit_committee
from finance import excel
from finance.imports.workbook import (
    CellError,
    ImportPlan,
    ImportProblem,
    WorkbookRefused,
    cell_text,
    column_letter,
    damaged_message,
    find_sheet,
    header_label,
    is_blank,
    open_workbook,
    openpyxl_quiet,
    require_header,
    sheet_rows,
)
from finance.models import EconomyLine, ImportKind
from milestones.models import (
    ECONOMY_SMILEYS,
    MILESTONE_SMILEYS,
    TEXT_MAX_LENGTH,
    FollowUpRound,
    MilestoneStatus,
    Smiley,
)

logger = logging.getLogger(__name__)

STATUS_FIELDS = {"smiley": excel.HEADER_SMILEY, "text": excel.HEADER_STATUS}
ECONOMY_FIELDS = {
    "text": excel.HEADER_ECONOMY,
    "smiley": excel.HEADER_ECONOMY_SMILEY,
    "status_text": excel.HEADER_ECONOMY_STATUS,
}


def _smiley_cell(value: Any, allowed: list[Smiley]) -> str:
    text = cell_text(value).strip()
    labels = ", ".join(excel.SMILEY_LABELS[s] for s in allowed)
    if not text:
        raise CellError(_("Vælg en smiley: %(labels)s.") % {"labels": labels})
    smiley = excel.smiley_from_label(text, allowed)
    if smiley is None:
        raise CellError(
            _("»%(value)s« er ikke en gyldig smiley. Vælg en af: %(labels)s.")
            % {"value": text[:40], "labels": labels}
        )
    return smiley.value


def _text_cell(value: Any) -> str:
    text = excel.normalize_text(cell_text(value))
    if len(text) > TEXT_MAX_LENGTH:
        raise CellError(
            _("Teksten er på %(length)d tegn; højst %(max)d er tilladt.")
            % {"length": len(text), "max": TEXT_MAX_LENGTH}
        )
    return text


def _read_status_sheet(sheet, round: FollowUpRound, plan: ImportPlan) -> list[dict]:
    rows = list(sheet_rows(sheet, plan))
    header = require_header(
        rows,
        excel.HEADER_REFERENCE,
        sheet=sheet.title,
        plan=plan,
        hint=_("Brug en projektmappe hentet fra Budgetopfølgning."),
    )
    if header is None:
        return []
    header_row, labels = header
    columns: dict[str, int] = {}
    for index, value in enumerate(labels):
        label = header_label(value)
        for name in excel.STATUS_COLUMNS:
            if label == name.casefold() and name not in columns:
                columns[name] = index
    for name in [excel.HEADER_REFERENCE, *excel.STATUS_EDITABLE]:
        if name not in columns:
            plan.add_problem(
                ImportProblem(
                    _("Overskriften »%(label)s« mangler i række %(row)d.")
                    % {"label": name, "row": header_row},
                    sheet=sheet.title,
                    row=header_row,
                )
            )
    if not plan.is_valid:
        return []

    parsed: list[dict] = []
    seen: dict[int, int] = {}
    for row_number, values in rows:
        if row_number <= header_row or all(is_blank(value) for value in values):
            continue

        def problem(message: str, name: str | None, row_number: int = row_number) -> None:
            plan.add_problem(
                ImportProblem(
                    message,
                    sheet=sheet.title,
                    row=row_number,
                    column=column_letter(columns[name]) if name else "",
                )
            )

        def cell(name: str, values: tuple = values) -> Any:
            return values[columns[name]]

        try:
            token = cell_text(cell(excel.HEADER_REFERENCE)).strip()
            reference = excel.RowReference.load(token) if token else None
        except (CellError, ValueError):
            reference = None
            token = "invalid"
        if reference is None:
            problem(
                _(
                    "Rækken mangler sin reference (den skjulte kolonne %(column)s), eller den er "
                    "ændret. Brug en projektmappe hentet fra Budgetopfølgning, og flyt ikke "
                    "rækker mellem projektmapper."
                )
                % {"column": column_letter(columns[excel.HEADER_REFERENCE])}
                if token
                else _(
                    "Rækken mangler sin reference (den skjulte kolonne %(column)s). Tilføj ikke "
                    "rækker; hver indsats har allerede sin række."
                )
                % {"column": column_letter(columns[excel.HEADER_REFERENCE])},
                excel.HEADER_REFERENCE,
            )
            continue
        if reference.round_id != round.pk:
            problem(
                _("Rækken hører til en anden opfølgning end %(round)s.") % {"round": round.label},
                excel.HEADER_REFERENCE,
            )
            continue
        if reference.initiative_id in seen:
            problem(
                _("Indsatsen står også i række %(row)d.") % {"row": seen[reference.initiative_id]},
                excel.HEADER_REFERENCE,
            )
            continue
        seen[reference.initiative_id] = row_number
        entry: dict[str, Any] = {
            "row": row_number,
            "initiative": reference.initiative_id,
            "status": None,
            "economy": None,
        }
        row_ok = True
        for part_name, part_ref, fields, allowed in (
            ("status", reference.status, STATUS_FIELDS, MILESTONE_SMILEYS),
            ("economy", reference.economy, ECONOMY_FIELDS, ECONOMY_SMILEYS),
        ):
            if part_ref is None:
                filled = [name for name in fields.values() if not is_blank(cell(name))]
                if filled:
                    row_ok = False
                    problem(
                        _("Indsatsen har ingen milepæl ved denne opfølgning; lad cellen stå tom.")
                        if part_name == "status"
                        else _(
                            "Indsatsen har ingen økonomilinje ved denne opfølgning; lad cellen "
                            "stå tom."
                        ),
                        filled[0],
                    )
                continue
            values_read = {}
            for field_name, header_name in fields.items():
                try:
                    values_read[field_name] = (
                        _smiley_cell(cell(header_name), allowed)
                        if field_name == "smiley"
                        else _text_cell(cell(header_name))
                    )
                except CellError as error:
                    row_ok = False
                    problem(error.message, header_name)
            entry[part_name] = {
                "id": part_ref.id,
                "version": part_ref.version,
                "digest": part_ref.digest,
                **values_read,
            }
        if row_ok:
            parsed.append(entry)
    return parsed


def plan_status_upload(*, round: FollowUpRound, user, data: bytes) -> ImportPlan:
    """Read a status workbook into a plan of changes for the round, with conflicts."""
    kind = ImportKind.STATUSES
    if round.is_locked:
        return ImportPlan.refused(
            kind, _("%(round)s er låst; der kan ikke indlæses statusser.") % {"round": round.label}
        )
    try:
        workbook = open_workbook(data)
    except WorkbookRefused as refused:
        return ImportPlan.refused(kind, refused.message)
    plan = ImportPlan(kind=kind)
    try:
        sheet = find_sheet(workbook, excel.STATUS_SHEET)
        if sheet is None:
            plan.add_problem(
                ImportProblem(
                    _(
                        "Arket »%(sheet)s« mangler. Brug en statusprojektmappe hentet fra "
                        "Budgetopfølgning."
                    )
                    % {"sheet": excel.STATUS_SHEET}
                )
            )
            return plan
        with openpyxl_quiet():
            rows = _read_status_sheet(sheet, round, plan)
    except Exception as exc:  # openpyxl reads lazily: damage can surface while iterating
        logger.info("event=workbook_unreadable error=%s", type(exc).__name__)
        return ImportPlan.refused(kind, damaged_message())
    finally:
        workbook.close()
    if not plan.is_valid:
        return plan
    plan.rows = rows
    return plan_status_rows(round=round, user=user, plan=plan)


def _who(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def plan_status_rows(*, round: FollowUpRound, user, plan: ImportPlan) -> ImportPlan:
    """Compare ``plan.rows`` with the round's statuses now: changes, conflicts, the rest.

    A part (milestone status or economy line) the workbook left as it was downloaded is not a
    change, even if someone changed it in the application since. A part the workbook changed,
    while the application's version moved on since the download, is a conflict: shown with both
    values and not applied. Three queries.
    """
    status_ids = [row["status"]["id"] for row in plan.rows if row["status"]]
    economy_ids = [row["economy"]["id"] for row in plan.rows if row["economy"]]
    statuses = {
        status.pk: status
        for status in MilestoneStatus.objects.filter(round=round, pk__in=status_ids).select_related(
            "milestone__initiative__responsible_committee", "updated_by"
        )
    }
    lines = {
        line.pk: line
        for line in EconomyLine.objects.filter(round=round, pk__in=economy_ids).select_related(
            "initiative__responsible_committee", "updated_by"
        )
    }
    changes, conflicts = [], []
    for row in plan.rows:
        parts = [
            (part_name, row[part_name], current_by_id.get(row[part_name]["id"]), fields, digest)
            for part_name, current_by_id, fields, digest in (
                ("status", statuses, STATUS_FIELDS, excel.status_digest),
                ("economy", lines, ECONOMY_FIELDS, excel.economy_digest),
            )
            if row[part_name] is not None
        ]
        initiatives = {
            None
            if current is None
            else current.milestone.initiative
            if part_name == "status"
            else current.initiative
            for part_name, _part, current, _fields, _digest in parts
        }
        initiative = initiatives.pop() if len(initiatives) == 1 else None
        if initiative is None or initiative.pk != row["initiative"]:
            plan.add_problem(
                ImportProblem(
                    _("Rækken findes ikke længere i %(round)s.") % {"round": round.label},
                    sheet=excel.STATUS_SHEET,
                    row=row["row"],
                )
            )
            continue
        if not can_edit_committee(user, initiative.responsible_committee_id):
            plan.add_problem(
                ImportProblem(
                    _("Du kan ikke ændre indsatser under %(committee)s.")
                    % {
                        "committee": initiative.responsible_committee
                        or _("indsatser uden ansvarligt udvalg")
                    },
                    sheet=excel.STATUS_SHEET,
                    row=row["row"],
                )
            )
            continue
        for part_name, part, current, fields, digest in parts:
            new = [part[name] for name in fields]
            old = [getattr(current, name) for name in fields]
            if new == old:
                plan.unchanged += 1
                continue
            if digest(*new) == part["digest"]:
                plan.kept += 1  # the workbook did not touch it; the application's value stays
                continue
            field_changes = [
                [label, _display(name, before), _display(name, after)]
                for (name, label), before, after in zip(fields.items(), old, new, strict=True)
                if before != after
            ]
            entry = {
                "part": part_name,
                "id": current.pk,
                "row": row["row"],
                "initiative": initiative.pk,
                "label": initiative.label,
                "fields": field_changes,
            }
            if current.version != part["version"]:
                conflicts.append(
                    entry
                    | {
                        "changed_by": _who(current.updated_by),
                        "changed_at": date_format(localtime(current.updated_at), "DATETIME_FORMAT"),
                    }
                )
            else:
                values = dict(zip(fields, new, strict=True))
                changes.append(entry | {"version": current.version, "values": values})
    plan.changes = changes
    plan.conflicts = conflicts
    return plan


def _display(name: str, value: str) -> str:
    return excel.smiley_label(value) if name == "smiley" else value


def replan_statuses(*, round: FollowUpRound, user, rows: list[dict]) -> ImportPlan:
    """The plan for rows read earlier, against the round as it is now."""
    plan = ImportPlan(kind=ImportKind.STATUSES, rows=rows)
    return plan_status_rows(round=round, user=user, plan=plan)
