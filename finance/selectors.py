"""Reads of the agreement's money: appropriation tables, totals and the savings catalogue."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q, Sum

from agreements.models import BudgetAgreement, Initiative
from agreements.permissions import committee_filter
from finance.models import Appropriation, SavingsAmount, SavingsCase, SpendingKind


@dataclass
class YearTable:
    """Amounts per year for a fixed list of years, with a total."""

    years: list[int]
    values: dict[int, Decimal] = field(default_factory=dict)

    @property
    def cells(self) -> list[Decimal | None]:
        return [self.values.get(year) for year in self.years]

    @property
    def total(self) -> Decimal:
        return sum(self.values.values(), Decimal(0))


def appropriation_totals(agreement: BudgetAgreement) -> dict[str, YearTable]:
    """The agreement's DRIFT and ANLÆG totals per year, in 1.000 kr. One query."""
    tables = {kind: YearTable(agreement.period_years) for kind in SpendingKind.values}
    rows = (
        Appropriation.objects.filter(agreement=agreement)
        .values("kind", "year")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for row in rows:
        tables[row["kind"]].values[row["year"]] = row["total"]
    return tables


def initiative_appropriations(initiative: Initiative) -> dict[str, YearTable]:
    years = initiative.chapter.agreement.period_years
    tables = {kind: YearTable(years) for kind in SpendingKind.values}
    for appropriation in initiative.appropriations.all():
        tables[appropriation.kind].values[appropriation.year] = appropriation.amount
    return {kind: table for kind, table in tables.items() if table.values}


@dataclass
class SavingsGroup:
    committee_name: str
    cases: list[SavingsCase]
    totals: YearTable


def savings_catalogue(agreement: BudgetAgreement, user) -> list[SavingsGroup]:
    """The savings cases of the committees ``user`` may read, grouped by committee, each case
    with its amounts as a YearTable. The page and the workbook both read it here."""
    cases = (
        SavingsCase.objects.filter(agreement=agreement)
        .filter(committee_filter(user, "committee"))
        .select_related("committee")
        .prefetch_related(Prefetch("amounts", queryset=SavingsAmount.objects.order_by("year")))
        .order_by("committee__order", "code")
    )
    groups: dict[int, SavingsGroup] = {}
    sums: dict[int, defaultdict[int, Decimal]] = {}
    for case in cases:
        case.year_table = YearTable(
            agreement.period_years, {a.year: a.amount for a in case.amounts.all()}
        )
        group = groups.get(case.committee_id)
        if group is None:
            group = groups[case.committee_id] = SavingsGroup(
                case.committee.name, [], YearTable(agreement.period_years)
            )
            sums[case.committee_id] = defaultdict(Decimal)
        group.cases.append(case)
        for year, amount in case.year_table.values.items():
            sums[case.committee_id][year] += amount
    for committee_id, group in groups.items():
        group.totals.values = dict(sums[committee_id])
    return list(groups.values())


def _initiative_scope(user, prefix: str = "", *, committee=None, center=None) -> Q:
    """Initiatives the user may read, optionally of one committee or center only."""
    scope = committee_filter(user, f"{prefix}responsible_committee")
    if committee is not None:
        scope &= Q(**{f"{prefix}responsible_committee": committee})
    if center is not None:
        scope &= Q(**{f"{prefix}responsible_center": center})
    return scope


def appropriation_rows(*, agreement: BudgetAgreement, user) -> list[Initiative]:
    """The agreement's initiatives the user may read, in the agreement's order, each with its
    appropriations as ``amounts[kind][year]``. Two queries."""
    initiatives = list(
        Initiative.objects.filter(chapter__agreement=agreement)
        .filter(_initiative_scope(user))
        .select_related("chapter", "responsible_committee")
        .prefetch_related(Prefetch("appropriations", queryset=Appropriation.objects.order_by()))
    )
    for initiative in initiatives:
        initiative.amounts = {kind: {} for kind in SpendingKind.values}
        for appropriation in initiative.appropriations.all():
            initiative.amounts[appropriation.kind][appropriation.year] = appropriation.amount
    return initiatives
