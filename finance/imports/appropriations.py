"""Appropriation workbooks (sheets DRIFT and ANLÆG) read into a plan against an agreement."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from agreements.models import INITIATIVE_NUMBER_RE, BudgetAgreement, Initiative
from agreements.permissions import can_edit_committee
from finance import excel
from finance.imports.workbook import (
    CellError,
    ImportPlan,
    ImportProblem,
    WorkbookRefused,
    cell_amount,
    cell_text,
    column_letter,
    damaged_message,
    find_sheet,
    header_label,
    header_year,
    is_blank,
    open_workbook,
    openpyxl_quiet,
    require_header,
    sheet_rows,
)
from finance.models import Appropriation, ImportKind, SpendingKind

logger = logging.getLogger(__name__)


@dataclass
class AppropriationContext:
    """What the appropriation import checks a file against: one agreement, one user."""

    agreement: BudgetAgreement
    by_key: dict[tuple[str, str], Initiative]
    by_id: dict[int, Initiative]
    parts: dict[str, list[str]]
    scope: set[int]  # initiatives the user may set appropriations for
    rows: dict[tuple[int, str, int], Appropriation]  # every appropriation of the agreement

    @property
    def current(self) -> dict[tuple[int, str, int], Decimal]:
        return {key: row.amount for key, row in self.rows.items()}

    @classmethod
    def load(cls, agreement: BudgetAgreement, user, *, lock: bool = False) -> AppropriationContext:
        """Two queries (initiatives with committees, appropriations) and the user's role.

        ``lock`` locks the agreement's appropriations for the rest of the transaction."""
        initiatives = list(
            Initiative.objects.filter(chapter__agreement=agreement).select_related(
                "responsible_committee"
            )
        )
        by_key = {(i.number, i.part): i for i in initiatives if i.number}
        parts: dict[str, list[str]] = {}
        for number, part in by_key:
            parts.setdefault(number, []).append(part)
        scope = {
            i.pk
            for i in initiatives
            if i.number and can_edit_committee(user, i.responsible_committee_id)
        }
        appropriations = Appropriation.objects.filter(agreement=agreement).order_by()
        if lock:
            appropriations = appropriations.select_for_update()
        rows = {(a.initiative_id, a.kind, a.year): a for a in appropriations}
        by_id = {i.pk: i for i in by_key.values()}
        return cls(agreement, by_key, by_id, parts, scope, rows)


def _initiative_number(value: Any) -> str:
    if isinstance(value, float) and not value.is_integer():
        raise CellError(
            _(
                "Nummeret %(value)s er gemt som et tal, så Excel kan have ændret det (3.10 "
                "bliver til 3.1). Formatér kolonnen som tekst, og skriv nummeret igen."
            )
            % {"value": value}
        )
    number = cell_text(value).strip().rstrip(".")
    if number and not INITIATIVE_NUMBER_RE.match(number):
        raise CellError(
            _("»%(value)s« er ikke et indsatsnummer (f.eks. 3.8 eller 3.8.1).")
            % {"value": number[:40]}
        )
    return number


def _read_appropriation_sheet(
    sheet, kind: str, context: AppropriationContext, plan: ImportPlan, desired: dict
) -> None:
    agreement = context.agreement
    rows = list(sheet_rows(sheet, plan))
    header = require_header(rows, excel.HEADER_NUMBER, sheet=sheet.title, plan=plan)
    if header is None:
        return
    header_row, labels = header
    problems_before = len(plan.problems) + plan.problems_omitted
    number_col = part_col = title_col = None
    year_cols: dict[int, int] = {}
    for index, value in enumerate(labels):
        label = header_label(value)
        year = header_year(value)
        if label in ("nr.", "nr"):
            number_col = index
        elif label == excel.HEADER_PART.casefold():
            part_col = index
        elif label in (excel.HEADER_TITLE.casefold(), "titel"):
            title_col = index
        elif year is not None:
            if year not in agreement.period_years:
                plan.add_problem(
                    ImportProblem(
                        _("Året %(year)d ligger uden for aftalens periode %(period)s.")
                        % {"year": year, "period": agreement.period_label},
                        sheet=sheet.title,
                        row=header_row,
                        column=column_letter(index),
                    )
                )
            elif year in year_cols:
                plan.add_problem(
                    ImportProblem(
                        _("Året %(year)d står i to kolonner (%(first)s og %(second)s).")
                        % {
                            "year": year,
                            "first": column_letter(year_cols[year]),
                            "second": column_letter(index),
                        },
                        sheet=sheet.title,
                        row=header_row,
                        column=column_letter(index),
                    )
                )
            else:
                year_cols[year] = index
    if title_col is None:
        plan.add_problem(
            ImportProblem(
                _("Overskriften »%(label)s« mangler i række %(row)d.")
                % {"label": excel.HEADER_TITLE, "row": header_row},
                sheet=sheet.title,
                row=header_row,
            )
        )
    for year in agreement.period_years:
        if year not in year_cols:
            plan.add_problem(
                ImportProblem(
                    _("Overskriften for året %(year)d mangler i række %(row)d.")
                    % {"year": year, "row": header_row},
                    sheet=sheet.title,
                    row=header_row,
                )
            )
    if len(plan.problems) + plan.problems_omitted > problems_before:
        return  # without a sound header the rows cannot be read

    seen: dict[int, int] = {}
    for row_number, values in rows:
        if row_number <= header_row or all(is_blank(value) for value in values):
            continue

        def problem(message: str, index: int | None, row_number: int = row_number) -> None:
            plan.add_problem(
                ImportProblem(
                    message,
                    sheet=sheet.title,
                    row=row_number,
                    column=column_letter(index) if index is not None else "",
                )
            )

        try:
            number = _initiative_number(values[number_col])
        except CellError as error:
            problem(error.message, number_col)
            continue
        try:
            part = cell_text(values[part_col]).strip() if part_col is not None else ""
        except CellError as error:
            problem(error.message, part_col)
            continue
        amounts: dict[int, Decimal | None] = {}
        for year, index in year_cols.items():
            try:
                amounts[year] = cell_amount(values[index])
            except CellError as error:
                problem(error.message, index)
        if not number:
            if any(amount is not None for amount in amounts.values()):
                problem(_("Rækken har beløb, men intet indsatsnummer."), number_col)
            continue  # a chapter heading or a note
        initiative = context.by_key.get((number, part))
        if initiative is None:
            known_parts = context.parts.get(number)
            if not known_parts:
                problem(
                    _("Indsats nr. %(number)s findes ikke i %(agreement)s.")
                    % {"number": number, "agreement": agreement.title},
                    number_col,
                )
            else:
                problem(
                    _(
                        "Indsats nr. %(number)s har delene %(parts)s; skriv delen i kolonnen "
                        "»%(label)s«."
                    )
                    % {
                        "number": number,
                        "parts": ", ".join(f"»{p}«" if p else "»(ingen)«" for p in known_parts),
                        "label": excel.HEADER_PART,
                    },
                    part_col if part_col is not None else number_col,
                )
            continue
        if initiative.pk in seen:
            problem(
                _("Indsats %(label)s står også i række %(row)d.")
                % {"label": initiative.label, "row": seen[initiative.pk]},
                number_col,
            )
            continue
        seen[initiative.pk] = row_number
        if initiative.pk not in context.scope:
            problem(
                _("Du kan ikke ændre bevillinger for indsatser under %(committee)s.")
                % {
                    "committee": initiative.responsible_committee
                    or _("indsatser uden ansvarligt udvalg")
                },
                number_col,
            )
            continue
        for year, amount in amounts.items():
            if amount is not None:
                desired[(initiative.pk, kind, year)] = amount


def plan_appropriation_upload(*, agreement: BudgetAgreement, user, data: bytes) -> ImportPlan:
    """Read an appropriation workbook (sheets DRIFT and ANLÆG) into a plan against the agreement.

    The workbook is the agreement's whole table for the initiatives the user may change: an
    amount creates or changes a row, a blank cell or a missing initiative removes it.
    """
    kind = ImportKind.APPROPRIATIONS
    try:
        workbook = open_workbook(data)
    except WorkbookRefused as refused:
        return ImportPlan.refused(kind, refused.message)
    plan = ImportPlan(kind=kind)
    desired: dict[tuple[int, str, int], Decimal] = {}
    context = AppropriationContext.load(agreement, user)
    try:
        for spending_kind, sheet_name in excel.KIND_SHEETS.items():
            sheet = find_sheet(workbook, sheet_name)
            if sheet is None:
                plan.add_problem(
                    ImportProblem(
                        _("Arket »%(sheet)s« mangler. Projektmappen skal have arkene %(sheets)s.")
                        % {"sheet": sheet_name, "sheets": " og ".join(excel.KIND_SHEETS.values())}
                    )
                )
                continue
            with openpyxl_quiet():
                _read_appropriation_sheet(sheet, spending_kind, context, plan, desired)
    except Exception as exc:  # openpyxl reads lazily: damage can surface while iterating
        logger.info("event=workbook_unreadable error=%s", type(exc).__name__)
        return ImportPlan.refused(kind, damaged_message())
    finally:
        workbook.close()
    if not plan.is_valid:
        return plan
    plan.rows = [
        {"initiative": initiative_id, "kind": str(kind_), "year": year, "amount": str(amount)}
        for (initiative_id, kind_, year), amount in sorted(desired.items())
    ]
    return plan_appropriation_rows(context=context, plan=plan)


def appropriation_base_digest(scope: set[int], current: dict) -> str:
    """A fingerprint of the appropriations an import may touch, to notice a change meanwhile."""
    cells = sorted(
        f"{initiative_id}:{kind}:{year}:{amount.normalize()}"
        for (initiative_id, kind, year), amount in current.items()
        if initiative_id in scope
    )
    return excel.values_digest(",".join(map(str, sorted(scope))), *cells)


def plan_appropriation_rows(*, context: AppropriationContext, plan: ImportPlan) -> ImportPlan:
    """The changes that make the agreement's appropriations equal ``plan.rows``."""
    desired: dict[tuple[int, str, int], Decimal] = {}
    for row in plan.rows:
        initiative_id = row["initiative"]
        initiative = context.by_id.get(initiative_id)
        if initiative is None:
            plan.add_problem(ImportProblem(_("En indsats i filen findes ikke længere i aftalen.")))
            continue
        if initiative_id not in context.scope:
            plan.add_problem(
                ImportProblem(
                    _("Du kan ikke længere ændre bevillinger for %(label)s.")
                    % {"label": initiative.label}
                )
            )
            continue
        desired[(initiative_id, row["kind"], row["year"])] = Decimal(row["amount"])
    if not plan.is_valid:
        return plan
    labels = context.by_id
    current = context.current
    in_scope = {key: amount for key, amount in current.items() if key[0] in context.scope}
    changes = []
    for key in sorted(set(in_scope) | set(desired), key=lambda k: _change_order(k, labels)):
        old, new = in_scope.get(key), desired.get(key)
        if old is not None and new is not None and old == new:
            plan.unchanged += 1
            continue
        initiative_id, spending_kind, year = key
        changes.append(
            {
                "action": "create" if old is None else "delete" if new is None else "update",
                "initiative": initiative_id,
                "label": labels[initiative_id].label,
                "kind": spending_kind,
                "year": year,
                "old": None if old is None else str(old.normalize() + 0),
                "new": None if new is None else str(new),
            }
        )
    plan.changes = changes
    plan.base_digest = appropriation_base_digest(context.scope, current)
    after = {key: amount for key, amount in current.items() if key[0] not in context.scope}
    after.update(desired)
    plan.totals = {
        "before": _totals(context.agreement, current),
        "after": _totals(context.agreement, after),
    }
    return plan


def _change_order(key: tuple[int, str, int], initiatives: dict[int, Initiative]) -> tuple:
    initiative = initiatives[key[0]]
    kinds = list(SpendingKind.values)
    return (kinds.index(key[1]), initiative.sort_key, initiative.part, key[0], key[2])


def _totals(agreement: BudgetAgreement, cells: dict) -> dict[str, dict[str, str]]:
    years = agreement.period_years
    totals = {kind: dict.fromkeys(years, Decimal(0)) for kind in SpendingKind.values}
    for (_initiative_id, kind, year), amount in cells.items():
        if year in totals[kind]:
            totals[kind][year] += amount
    return {
        kind: {str(year): str(amount.normalize() + 0) for year, amount in years.items()}
        for kind, years in totals.items()
    }


def replan_appropriations(*, agreement: BudgetAgreement, user, rows: list[dict]) -> ImportPlan:
    """The plan for rows read earlier, against the database as it is now."""
    plan = ImportPlan(kind=ImportKind.APPROPRIATIONS, rows=rows)
    return plan_appropriation_rows(context=AppropriationContext.load(agreement, user), plan=plan)
