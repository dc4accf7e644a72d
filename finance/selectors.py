"""Reads of the agreement's money: appropriation tables, totals and the savings catalogue."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet, Sum

from agreements.models import BudgetAgreement, Initiative
from finance.models import Appropriation, EconomyLine, SavingsAmount, SavingsCase, SpendingKind


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


def initiative_economy_lines(initiative: Initiative) -> QuerySet[EconomyLine]:
    return initiative.economy_lines.select_related("round", "round__agreement", "updated_by")


@dataclass
class SavingsGroup:
    committee_name: str
    cases: list[SavingsCase]
    totals: YearTable


def savings_catalogue(agreement: BudgetAgreement) -> list[SavingsGroup]:
    """The savings cases grouped by committee, each case with its amounts as a YearTable."""
    cases = (
        SavingsCase.objects.filter(agreement=agreement)
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
