"""Reads of the agreement's money: appropriation tables, totals and the savings catalogue."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet, Sum

from agreements.models import BudgetAgreement, Center, Committee, Initiative
from agreements.permissions import committee_filter
from finance.models import Appropriation, EconomyLine, SavingsAmount, SavingsCase, SpendingKind
from milestones.models import FollowUpRound, MilestoneStatus


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


def _agreement_order(initiative: Initiative) -> tuple:
    return (
        initiative.chapter.number,
        initiative.sort_key,
        initiative.part,
        initiative.order,
        initiative.title,
    )


@dataclass
class StatusRow:
    """One initiative of a round: its milestone status (if it has a milestone at the round's
    point) and its economy line."""

    initiative: Initiative
    status: MilestoneStatus | None = None
    economy: EconomyLine | None = None


def round_status_rows(
    *, round: FollowUpRound, user, committee: Committee | None = None, center: Center | None = None
) -> list[StatusRow]:
    """The round's statuses and economy lines the user may read, one row per initiative, in
    the agreement's order; optionally only one committee's or one center's. Two queries."""
    related = ["chapter", "responsible_committee", "responsible_center"]
    statuses = (
        MilestoneStatus.objects.filter(round=round)
        .filter(
            _initiative_scope(user, "milestone__initiative__", committee=committee, center=center)
        )
        .select_related("milestone", *[f"milestone__initiative__{name}" for name in related])
    )
    lines = (
        EconomyLine.objects.filter(round=round)
        .filter(_initiative_scope(user, "initiative__", committee=committee, center=center))
        .select_related(*[f"initiative__{name}" for name in related])
    )
    rows: dict[int, StatusRow] = {}
    for status in statuses:
        initiative = status.milestone.initiative
        rows.setdefault(initiative.pk, StatusRow(initiative)).status = status
    for line in lines:
        rows.setdefault(line.initiative_id, StatusRow(line.initiative)).economy = line
    return sorted(rows.values(), key=lambda row: _agreement_order(row.initiative))


def round_centers(*, round: FollowUpRound, committees: QuerySet[Committee]) -> QuerySet[Center]:
    """The responsible centers of the round's initiatives under ``committees``. One query."""
    in_round = Q(initiatives__milestones__statuses__round=round) | Q(
        initiatives__economy_lines__round=round
    )
    return (
        Center.objects.filter(in_round, initiatives__responsible_committee__in=committees)
        .distinct()
        .order_by("name")
    )


@dataclass
class OverviewRow:
    """An initiative with its milestone and economy smileys per follow-up point so far."""

    initiative: Initiative
    milestone: dict[int, str] = field(default_factory=dict)
    economy: dict[int, str] = field(default_factory=dict)


@dataclass
class CommitteeOverview:
    committee: Committee | None
    rows: list[OverviewRow]


@dataclass
class RoundOverviewData:
    round: FollowUpRound
    rounds: list[FollowUpRound]
    committees: list[CommitteeOverview]


def round_overview_rows(*, round: FollowUpRound, user) -> RoundOverviewData:
    """Every initiative the user may read with the smileys of all rounds of the agreement up to
    ``round``, grouped by committee. Four queries (rounds, statuses, economy lines,
    initiatives)."""
    rounds = list(
        FollowUpRound.objects.filter(
            agreement_id=round.agreement_id, point__lte=round.point
        ).order_by("point")
    )
    points = {r.pk: r.point for r in rounds}
    rows: dict[int, OverviewRow] = {}
    statuses = (
        MilestoneStatus.objects.filter(round__in=points)
        .filter(_initiative_scope(user, "milestone__initiative__"))
        .values_list("milestone__initiative_id", "round_id", "smiley")
    )
    for initiative_id, round_id, smiley in statuses:
        rows.setdefault(initiative_id, OverviewRow(None)).milestone[points[round_id]] = smiley
    lines = (
        EconomyLine.objects.filter(round__in=points)
        .filter(_initiative_scope(user, "initiative__"))
        .values_list("initiative_id", "round_id", "smiley")
    )
    for initiative_id, round_id, smiley in lines:
        rows.setdefault(initiative_id, OverviewRow(None)).economy[points[round_id]] = smiley
    initiatives = Initiative.objects.filter(pk__in=rows).select_related(
        "chapter", "responsible_committee", "responsible_center"
    )
    for initiative in initiatives:
        rows[initiative.pk].initiative = initiative
    groups: dict[int | None, CommitteeOverview] = {}
    for row in sorted(rows.values(), key=lambda row: _agreement_order(row.initiative)):
        committee = row.initiative.responsible_committee
        key = committee.pk if committee else None
        groups.setdefault(key, CommitteeOverview(committee, [])).rows.append(row)
    ordered = sorted(
        groups.values(),
        key=lambda group: (
            group.committee is None,
            group.committee.order if group.committee else 0,
            group.committee.name if group.committee else "",
        ),
    )
    return RoundOverviewData(round=round, rounds=rounds, committees=ordered)
