"""Status workbooks read into a plan of changes and conflicts for a round."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from agreements.models import Initiative
from agreements.permissions import can_edit_initiative
from agreements.text import normalize_text, text_digest
from finance import excel
from finance.imports.workbook import (
    CellError,
    ImportPlan,
    ImportProblem,
    WorkbookRefused,
    cell_text,
    column_letter,
    damaged_message,
    decode_control_escapes,
    find_sheet,
    header_label,
    is_blank,
    open_workbook,
    openpyxl_quiet,
    require_header,
    sheet_rows,
)
from finance.models import ImportKind
from milestones.models import TEXT_MAX_LENGTH, FollowUpRound
from milestones.services import ROW_FIELDS, FieldEdit, plan_row, row_records

logger = logging.getLogger(__name__)


def _smiley_cell(value: Any, allowed) -> str:
    text = cell_text(value).strip()
    allowed = list(allowed)
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
    """The cell's text as it would be stored (the text rule) within the length limit. The
    limit is the row service's; the message is the workbook's (there is no field to keep the
    text in, as on the page)."""
    text = normalize_text(decode_control_escapes(cell_text(value)))
    if len(text) > TEXT_MAX_LENGTH:
        raise CellError(
            _("Teksten er på %(length)s tegn; højst %(max)s er tilladt.")
            % {"length": _danish_count(len(text)), "max": _danish_count(TEXT_MAX_LENGTH)}
        )
    return text


def _danish_count(number: int) -> str:
    return f"{number:,}".replace(",", ".")


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
    outdated_reported = False
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

        outdated = False
        try:
            token = cell_text(cell(excel.HEADER_REFERENCE)).strip()
            reference = excel.RowReference.load(token) if token else None
        except excel.OutdatedReference:
            reference, outdated = None, True
        except (CellError, ValueError):
            reference = None
            token = "invalid"
        if outdated:
            # The whole workbook is old, not the row: said once, at its first row.
            if not outdated_reported:
                outdated_reported = True
                problem(
                    _(
                        "Projektmappen er hentet fra en ældre udgave af Budgetopfølgning. Hent "
                        "en ny projektmappe fra opfølgningen, og skriv dine ændringer i den."
                    ),
                    excel.HEADER_REFERENCE,
                )
            continue
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
            "edits": {},
        }
        row_ok = True
        for header_name, field_name in excel.STATUS_FIELDS.items():
            value = cell(header_name)
            digest = reference.digests.get(field_name)
            if digest is None:
                if not is_blank(value):
                    row_ok = False
                    problem(
                        _("Indsatsen har ingen milepæl ved denne opfølgning; lad cellen stå tom.")
                        if header_name in excel.STATUS_PART
                        else _(
                            "Indsatsen har ingen økonomilinje ved denne opfølgning; lad cellen "
                            "stå tom."
                        ),
                        header_name,
                    )
                continue
            try:
                read = (
                    _smiley_cell(value, ROW_FIELDS[field_name].smileys)
                    if ROW_FIELDS[field_name].is_smiley
                    else _text_cell(value)
                )
            except CellError as error:
                row_ok = False
                problem(error.message, header_name)
                continue
            if text_digest(read) != digest:  # the user changed this cell
                entry["edits"][field_name] = {"new": read, "digest": digest}
        entry["digests"] = reference.digests
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


def plan_status_rows(*, round: FollowUpRound, user, plan: ImportPlan) -> ImportPlan:
    """Compare ``plan.rows`` with the round's rows now, by the row logic every save shares
    (``milestones.services.plan_row``): changes, conflicts, and the rest.

    A cell the workbook left as it was downloaded is not a change, even if someone changed the
    field in the application since (it is counted as kept). A cell the workbook changed, whose
    field someone else changed since the download too, is a conflict: shown with both values
    and not applied. Three queries.
    """
    ids = [row["initiative"] for row in plan.rows]
    initiatives = {
        i.pk: i
        for i in Initiative.objects.filter(pk__in=ids).select_related("responsible_committee")
    }
    records = row_records(round, ids, lock=False)
    changes, conflicts = [], []
    for row in plan.rows:
        initiative = initiatives.get(row["initiative"])
        current = records.get(row["initiative"])
        if (
            initiative is None
            or current is None
            or (current.status is None and current.economy is None)
        ):
            plan.add_problem(
                ImportProblem(
                    _("Rækken findes ikke længere i %(round)s.") % {"round": round.label},
                    sheet=excel.STATUS_SHEET,
                    row=row["row"],
                )
            )
            continue
        if not can_edit_initiative(user, initiative):
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
        edits = _edits(row)
        for field_name, digest in row.get("digests", {}).items():
            field = ROW_FIELDS.get(field_name)
            record = current.part(field.part) if field else None
            if field_name not in edits and record is not None:
                if text_digest(getattr(record, field.attr)) != digest:
                    plan.kept += 1  # the workbook did not touch it; the application's value stays
        if not edits:
            plan.unchanged += 1
            continue
        try:
            row_plan = plan_row(current, edits, {name: e.new for name, e in edits.items()})
        except ValidationError as exc:
            for message in exc.messages:
                plan.add_problem(ImportProblem(message, sheet=excel.STATUS_SHEET, row=row["row"]))
            continue
        entry = {"row": row["row"], "initiative": initiative.pk, "label": initiative.label}
        if row_plan.writes:
            changes.append(
                entry
                | {
                    "edits": {name: row["edits"][name] for name in row_plan.writes},
                    "fields": [
                        [
                            str(ROW_FIELDS[name].label),
                            ROW_FIELDS[name].display(
                                getattr(current.part(ROW_FIELDS[name].part), ROW_FIELDS[name].attr)
                            ),
                            ROW_FIELDS[name].display(value),
                        ]
                        for name, value in row_plan.writes.items()
                    ],
                }
            )
        if row_plan.conflicts:
            first = row_plan.conflicts[0]
            conflicts.append(
                entry
                | {
                    "fields": [
                        [c.label, c.stored_display, c.yours_display] for c in row_plan.conflicts
                    ],
                    "changed_by": first.changed_by,
                    "changed_at": date_format(localtime(first.changed_at), "DATETIME_FORMAT")
                    if first.changed_at
                    else "",
                }
            )
        if not row_plan.writes and not row_plan.conflicts:
            plan.unchanged += 1
    plan.changes = changes
    plan.conflicts = conflicts
    return plan


def _edits(row: dict) -> dict[str, FieldEdit]:
    return {
        name: FieldEdit(new=edit["new"], original_digest=edit["digest"])
        for name, edit in row.get("edits", {}).items()
    }


def changes_as_edits(changes: list[dict]) -> dict[int, dict[str, FieldEdit]]:
    """The planned changes as the row service takes them: by initiative, by field."""
    return {change["initiative"]: _edits(change) for change in changes}


def replan_statuses(*, round: FollowUpRound, user, rows: list[dict]) -> ImportPlan:
    """The plan for rows read earlier, against the round as it is now."""
    plan = ImportPlan(kind=ImportKind.STATUSES, rows=rows)
    return plan_status_rows(round=round, user=user, plan=plan)
