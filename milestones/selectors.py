"""Reads of rounds, milestones, statuses and their history."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404, QueryDict
from django.utils import timezone

from agreements.models import Committee, Initiative
from agreements.permissions import committee_filter, has_role
from finance.models import EconomyLine
from milestones.filters import RoundRowFilter
from milestones.models import (
    FollowUpPoint,
    FollowUpRound,
    Milestone,
    MilestoneStatus,
    Smiley,
    point_label,
)


@dataclass
class PointRow:
    """One follow-up point of an initiative: its milestone and the status recorded for it."""

    point: int
    label: str
    milestone: Milestone | None
    round: FollowUpRound | None
    status: MilestoneStatus | None


def initiative_points(initiative: Initiative) -> list[PointRow]:
    """The four follow-up points of an initiative, in order. Three queries."""
    agreement = initiative.chapter.agreement
    milestones = {m.point: m for m in initiative.milestones.all()}
    rounds = {r.point: r for r in agreement.rounds.all()}
    statuses = {
        s.milestone_id: s
        for s in MilestoneStatus.objects.filter(milestone__initiative=initiative).select_related(
            "updated_by"
        )
    }
    rows = []
    for point in FollowUpPoint.values:
        milestone = milestones.get(point)
        rows.append(
            PointRow(
                point=point,
                label=point_label(point, agreement.year),
                milestone=milestone,
                round=rounds.get(point),
                status=statuses.get(milestone.pk) if milestone else None,
            )
        )
    return rows


def rounds_for_user(user) -> QuerySet[FollowUpRound]:
    if not has_role(user):
        raise PermissionDenied
    return FollowUpRound.objects.select_related("agreement", "locked_by").order_by(
        "-agreement__year", "point"
    )


def get_round_for_user(*, user, pk: int) -> FollowUpRound:
    """The round if the user has a role; rounds themselves are visible to every role, their
    rows only for the user's committees."""
    if not has_role(user):
        raise PermissionDenied
    try:
        return FollowUpRound.objects.select_related("agreement", "locked_by").get(pk=pk)
    except FollowUpRound.DoesNotExist as exc:
        raise Http404 from exc


@dataclass
class EarlierSmiley:
    label: str
    smiley: str


@dataclass
class RoundRow:
    status: MilestoneStatus
    economy: EconomyLine | None
    earlier: list[EarlierSmiley] = field(default_factory=list)

    @property
    def initiative(self) -> Initiative:
        return self.status.milestone.initiative

    @property
    def is_missing(self) -> bool:
        return self.status.smiley == Smiley.NOT_ASSESSED or (
            self.economy is not None and self.economy.smiley == Smiley.NOT_ASSESSED
        )


def _status_rows(round_: FollowUpRound, user) -> QuerySet[MilestoneStatus]:
    return (
        MilestoneStatus.objects.filter(round=round_)
        .filter(committee_filter(user, "milestone__initiative__responsible_committee"))
        .select_related(
            "milestone__initiative__chapter",
            "milestone__initiative__responsible_committee",
            "milestone__initiative__responsible_center",
            "updated_by",
        )
        .order_by(
            "milestone__initiative__responsible_committee__order",
            "milestone__initiative__chapter__number",
            "milestone__initiative__sort_key",
            "milestone__initiative__part",
            "milestone__initiative__order",
        )
    )


def round_rows(*, round: FollowUpRound, user, data: QueryDict | None):
    """The round's rows the user may read, filtered by the query string.

    Returns the filter (for the form) and the rows. A constant number of queries: statuses
    (with initiative, chapter, committee and center), economy lines, earlier smileys.
    """
    row_filter = RoundRowFilter(
        data=data or None, queryset=_status_rows(round, user), round=round, request_user=user
    )
    statuses = list(row_filter.qs)
    return row_filter, build_rows(round, statuses)


def build_rows(round_: FollowUpRound, statuses: list[MilestoneStatus]) -> list[RoundRow]:
    initiative_ids = [s.milestone.initiative_id for s in statuses]
    economy = {
        line.initiative_id: line
        for line in EconomyLine.objects.filter(
            round=round_, initiative_id__in=initiative_ids
        ).select_related("updated_by")
    }
    earlier: dict[int, list[EarlierSmiley]] = defaultdict(list)
    if round_.point > 1:
        for initiative_id, point, smiley in (
            MilestoneStatus.objects.filter(
                milestone__initiative_id__in=initiative_ids,
                round__agreement_id=round_.agreement_id,
                round__point__lt=round_.point,
            )
            .order_by("round__point")
            .values_list("milestone__initiative_id", "round__point", "smiley")
        ):
            earlier[initiative_id].append(
                EarlierSmiley(point_label(point, round_.agreement.year), smiley)
            )
    return [
        RoundRow(
            status=status,
            economy=economy.get(status.milestone.initiative_id),
            earlier=earlier.get(status.milestone.initiative_id, []),
        )
        for status in statuses
    ]


def round_row_for_user(*, round: FollowUpRound, user, initiative_id: int) -> RoundRow:
    """One row of the round, if the user may read its committee; else 404."""
    status = _status_rows(round, user).filter(milestone__initiative_id=initiative_id).first()
    if status is None:
        raise Http404
    return build_rows(round, [status])[0]


@dataclass
class SmileyCounts:
    green: int = 0
    yellow: int = 0
    red: int = 0
    not_assessed: int = 0

    @property
    def total(self) -> int:
        return self.green + self.yellow + self.red + self.not_assessed


@dataclass
class CommitteeCounts:
    committee: Committee
    milestones: SmileyCounts
    economy: SmileyCounts


def _count_by(queryset: QuerySet, committee_path: str) -> dict[int, SmileyCounts]:
    rows = (
        queryset.values(committee_path)
        .annotate(**{level.value: Count("pk", filter=Q(smiley=level.value)) for level in Smiley})
        .order_by()
    )
    return {
        row[committee_path]: SmileyCounts(**{s.value: row[s.value] for s in Smiley}) for row in rows
    }


@dataclass
class MissingItem:
    initiative: Initiative
    milestone_missing: bool
    economy_missing: bool


@dataclass
class RoundOverview:
    round: FollowUpRound
    committees: list[CommitteeCounts]
    totals: CommitteeCounts | None
    missing_by_center: list[tuple[str, list[MissingItem]]]
    days_to_deadline: int | None

    @property
    def days_overdue(self) -> int:
        return max(0, -(self.days_to_deadline or 0))

    @property
    def missing_count(self) -> int:
        return sum(len(items) for _, items in self.missing_by_center)


def round_overview(*, round: FollowUpRound, user, today: datetime.date | None = None):
    """Counts per committee and what is missing per center. Four queries."""
    statuses = MilestoneStatus.objects.filter(round=round).filter(
        committee_filter(user, "milestone__initiative__responsible_committee")
    )
    lines = EconomyLine.objects.filter(round=round).filter(
        committee_filter(user, "initiative__responsible_committee")
    )
    milestone_counts = _count_by(statuses, "milestone__initiative__responsible_committee")
    economy_counts = _count_by(lines, "initiative__responsible_committee")
    committee_ids = set(milestone_counts) | set(economy_counts)
    committees = Committee.objects.filter(pk__in=[i for i in committee_ids if i is not None])
    rows = [
        CommitteeCounts(
            committee=c,
            milestones=milestone_counts.get(c.pk, SmileyCounts()),
            economy=economy_counts.get(c.pk, SmileyCounts()),
        )
        for c in committees
    ]
    totals = None
    if rows:
        totals = CommitteeCounts(committee=None, milestones=SmileyCounts(), economy=SmileyCounts())
        for row in rows:
            for level in Smiley:
                for part in ("milestones", "economy"):
                    counts = getattr(totals, part)
                    setattr(
                        counts,
                        level.value,
                        getattr(counts, level.value) + getattr(getattr(row, part), level.value),
                    )

    missing_ids_milestone = set(
        statuses.filter(smiley=Smiley.NOT_ASSESSED).values_list(
            "milestone__initiative_id", flat=True
        )
    )
    missing_ids_economy = set(
        lines.filter(smiley=Smiley.NOT_ASSESSED).values_list("initiative_id", flat=True)
    )
    missing = Initiative.objects.filter(
        pk__in=missing_ids_milestone | missing_ids_economy
    ).select_related("responsible_center", "responsible_committee", "chapter")
    by_center: dict[str, list[MissingItem]] = defaultdict(list)
    for initiative in missing:
        center = initiative.responsible_center.name if initiative.responsible_center else ""
        by_center[center].append(
            MissingItem(
                initiative=initiative,
                milestone_missing=initiative.pk in missing_ids_milestone,
                economy_missing=initiative.pk in missing_ids_economy,
            )
        )
    grouped = sorted(by_center.items(), key=lambda item: (item[0] == "", item[0]))
    days = None
    if round.deadline:
        days = (round.deadline - (today or timezone.localdate())).days
    return RoundOverview(round, rows, totals, grouped, days)


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: str
    what: str
    changes: list[tuple[str, str, str]]  # field label, old, new
    reason: str = ""


def _smiley_label(value: str) -> str:
    try:
        return str(Smiley(value).label)
    except ValueError:
        return value


def _entries(records, describe, fields: dict[str, str]) -> list[HistoryEntry]:
    previous: dict[int, object] = {}
    entries = []
    for record in records:
        before = previous.get(record.id)
        changes = []
        for name, label in fields.items():
            new = getattr(record, name)
            old = getattr(before, name) if before is not None else None
            if old != new and not (before is None and new in ("", Smiley.NOT_ASSESSED)):
                if name.endswith("smiley"):
                    old = _smiley_label(old) if old is not None else ""
                    new = _smiley_label(new)
                changes.append((label, old or "", new or ""))
        previous[record.id] = record
        if changes:
            user = record.history_user
            entries.append(
                HistoryEntry(
                    when=record.history_date,
                    who=(user.get_full_name() or user.get_username()) if user else "",
                    what=describe(record),
                    changes=changes,
                    reason=record.history_change_reason or "",
                )
            )
    return entries


def initiative_history(
    initiative: Initiative, rounds: list[FollowUpRound] | None = None
) -> list[HistoryEntry]:
    """Every recorded change of the initiative's milestones, statuses and economy lines, newest
    first. One query per historical table (and one for the rounds unless given)."""
    from django.utils.translation import gettext as _

    year = initiative.chapter.agreement.year
    if rounds is None:
        rounds = FollowUpRound.objects.filter(agreement_id=initiative.chapter.agreement_id)
    rounds = {r.pk: r for r in rounds}

    def round_label(record) -> str:
        round_ = rounds.get(record.round_id)
        return point_label(round_.point, year) if round_ else ""

    status_records = (
        MilestoneStatus.history.filter(milestone__initiative=initiative)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    economy_records = (
        EconomyLine.history.filter(initiative_id=initiative.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    milestone_records = (
        Milestone.history.filter(initiative_id=initiative.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )

    entries = (
        _entries(
            status_records,
            lambda r: _("Milepælsstatus, %s") % round_label(r),
            {"smiley": _("Smiley"), "text": _("Status")},
        )
        + _entries(
            economy_records,
            lambda r: _("Økonomi, %s") % round_label(r),
            {"text": _("Økonomi"), "smiley": _("Smiley"), "status_text": _("Status")},
        )
        + _entries(
            milestone_records,
            lambda r: _("Milepæl, %s") % point_label(r.point, year),
            {"text": _("Milepæl")},
        )
    )
    return sorted(entries, key=lambda e: e.when, reverse=True)
