"""Reads of rounds and their rows, milestone plans, counts and history.

``round_rows`` is the one reader of a round's rows: the round page, the overview, the report,
the status and overview workbooks all format what it returns (one source, many formats), and
``count_smileys`` is the one place smileys are counted.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.http import Http404, QueryDict
from django.utils import timezone

from agreements.models import Center, Chapter, Committee, Initiative
from agreements.permissions import can_edit_initiative, committee_filter, has_role
from milestones.filters import RoundRowFilter
from milestones.models import (
    ECONOMY_SMILEYS,
    MILESTONE_SMILEYS,
    ChangeSource,
    EconomyLine,
    FollowUpPoint,
    FollowUpRound,
    Milestone,
    MilestoneStatus,
    Smiley,
    point_label,
)

# Rounds ------------------------------------------------------------------------------------


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


def previous_round(round: FollowUpRound) -> FollowUpRound | None:
    return (
        FollowUpRound.objects.filter(agreement_id=round.agreement_id, point__lt=round.point)
        .order_by("-point")
        .first()
    )


# The rows of a round -----------------------------------------------------------------------


@dataclass
class EarlierSmileys:
    """The smileys an initiative got at an earlier round of the agreement."""

    point: int
    label: str
    smiley: str | None
    economy_smiley: str | None


@dataclass
class RowPoint:
    """One follow-up point of a row's milestone plan, as the report prints it."""

    point: int
    label: str
    milestone: str
    # None for a point after the round: it has no assessment yet and shows no smiley.
    smiley: str | None
    status_text: str


@dataclass
class RoundRow:
    """One initiative of a round: its milestone for the round's point with the status, and its
    economy line. Either may be missing in old data; a round opened here has both."""

    initiative: Initiative
    status: MilestoneStatus | None
    economy: EconomyLine | None
    earlier: list[EarlierSmileys] = field(default_factory=list)
    points: list[RowPoint] = field(default_factory=list)
    can_edit: bool = False

    @property
    def milestone(self) -> Milestone | None:
        return self.status.milestone if self.status is not None else None

    @property
    def smiley(self) -> str:
        return self.status.smiley if self.status is not None else Smiley.NOT_ASSESSED

    @property
    def economy_smiley(self) -> str:
        return self.economy.smiley if self.economy is not None else Smiley.NOT_ASSESSED

    @property
    def smileys(self) -> tuple[str, str]:
        return self.smiley, self.economy_smiley

    @property
    def milestone_missing(self) -> bool:
        return self.status is not None and self.status.smiley == Smiley.NOT_ASSESSED

    @property
    def economy_missing(self) -> bool:
        return self.economy is not None and self.economy.smiley == Smiley.NOT_ASSESSED

    @property
    def is_missing(self) -> bool:
        return self.milestone_missing or self.economy_missing

    @property
    def previous(self) -> EarlierSmileys | None:
        return self.earlier[-1] if self.earlier else None


def _in_round(round: FollowUpRound) -> Q:
    """Initiatives that are part of the round: they have its status or its economy line."""
    return Q(
        Exists(MilestoneStatus.objects.filter(round=round, milestone__initiative=OuterRef("pk")))
    ) | Q(Exists(EconomyLine.objects.filter(round=round, initiative=OuterRef("pk"))))


LONG_TEXTS = ("description", "elaboration", "contributors", "source_reference")


def _attach_related(initiatives: list[Initiative], *, defer_introduction: bool) -> None:
    """Give the initiatives their chapter, committee and center: each read once (a join
    would build one copy per initiative, which is most of a big page's time)."""
    chapters = Chapter.objects.filter(pk__in={i.chapter_id for i in initiatives})
    if defer_introduction:
        chapters = chapters.defer("introduction")
    chapters = {c.pk: c for c in chapters}
    # Through the initiatives, so the number of queries does not depend on whether any has
    # a committee or a center.
    ids = [i.pk for i in initiatives]
    committees = {c.pk: c for c in Committee.objects.filter(initiatives__in=ids).distinct()}
    centers = {c.pk: c for c in Center.objects.filter(initiatives__in=ids).distinct()}
    for initiative in initiatives:
        cache = initiative._state.fields_cache
        cache["chapter"] = chapters[initiative.chapter_id]
        cache["responsible_committee"] = committees.get(initiative.responsible_committee_id)
        cache["responsible_center"] = centers.get(initiative.responsible_center_id)


def round_initiatives(*, round: FollowUpRound, user) -> QuerySet[Initiative]:
    """The initiatives of the round that ``user`` may read (``None``: every one, for reports
    and snapshots whose callers check access themselves)."""
    queryset = Initiative.objects.filter(chapter__agreement_id=round.agreement_id).filter(
        _in_round(round)
    )
    if user is not None:
        queryset = queryset.filter(committee_filter(user, "responsible_committee"))
    return queryset


def _agreement_order(initiative: Initiative) -> tuple:
    return (
        initiative.chapter.number,
        initiative.sort_key,
        initiative.part,
        initiative.order,
        initiative.title,
    )


def committee_order(initiative: Initiative) -> tuple:
    committee = initiative.responsible_committee
    return (
        committee is None,
        committee.order if committee else 0,
        committee.name if committee else "",
        *_agreement_order(initiative),
    )


def round_rows(
    *,
    round: FollowUpRound,
    user,
    initiatives: QuerySet[Initiative] | None = None,
    committee: Committee | None = None,
    center: Center | None = None,
    initiative_ids: Iterable[int] | None = None,
    with_earlier: bool = True,
    with_plan: bool = False,
    order: Callable[[Initiative], tuple] = _agreement_order,
) -> list[RoundRow]:
    """The round's rows that ``user`` may read, in the agreement's order (or ``order``).

    Narrowed to ``initiatives`` (a filtered queryset of ``round_initiatives``), one committee,
    one center or some initiatives. A constant number of queries, whatever the number of rows:
    initiatives (with chapter, committee and center), statuses (with milestone), economy
    lines; with ``with_earlier`` the smileys (and texts) of the earlier rounds; with
    ``with_plan`` the milestones of every point.
    """
    queryset = initiatives if initiatives is not None else round_initiatives(round=round, user=user)
    if committee is not None:
        queryset = queryset.filter(responsible_committee=committee)
    if center is not None:
        queryset = queryset.filter(responsible_center=center)
    if initiative_ids is not None:
        queryset = queryset.filter(pk__in=list(initiative_ids))
    if not with_plan:
        # Only the report (with the plan) prints the long texts; the rows of a page or a
        # workbook need the titles, so the paragraphs are not read.
        queryset = queryset.defer(*LONG_TEXTS)
    found = list(queryset.order_by())
    if not found:
        return []
    _attach_related(found, defer_introduction=not with_plan)
    by_id = {initiative.pk: initiative for initiative in found}
    ids = list(by_id)
    statuses = {
        status.milestone.initiative_id: status
        for status in MilestoneStatus.objects.filter(
            round=round, milestone__initiative_id__in=ids
        ).select_related("milestone")
    }
    # Who changed a row last is shown from its milestone status; the economy line's is not read.
    lines = {
        line.initiative_id: line
        for line in EconomyLine.objects.filter(round=round, initiative_id__in=ids)
    }
    year = round.agreement.year
    earlier: dict[int, dict[int, EarlierSmileys]] = defaultdict(dict)
    status_texts: dict[tuple[int, int], str] = {}
    if (with_earlier or with_plan) and round.point > FollowUpPoint.FIRST:
        for initiative_id, point, smiley, text in _earlier_statuses(round, ids):
            earlier[initiative_id][point] = EarlierSmileys(
                point, point_label(point, year), smiley, None
            )
            status_texts[(initiative_id, point)] = text
        if with_earlier:
            for initiative_id, point, smiley in EconomyLine.objects.filter(
                round__agreement_id=round.agreement_id,
                round__point__lt=round.point,
                initiative_id__in=ids,
            ).values_list("initiative_id", "round__point", "smiley"):
                entry = earlier[initiative_id].get(point)
                if entry is None:
                    entry = earlier[initiative_id][point] = EarlierSmileys(
                        point, point_label(point, year), None, None
                    )
                entry.economy_smiley = smiley
    plan: dict[tuple[int, int], str] = {}
    if with_plan:
        plan = {
            (initiative_id, point): text
            for initiative_id, point, text in Milestone.objects.filter(
                initiative_id__in=ids
            ).values_list("initiative_id", "point", "text")
        }

    rows = []
    for initiative in sorted(found, key=order):
        status = statuses.get(initiative.pk)
        row = RoundRow(
            initiative=initiative,
            status=status,
            economy=lines.get(initiative.pk),
            earlier=[earlier[initiative.pk][p] for p in sorted(earlier.get(initiative.pk, {}))]
            if with_earlier
            else [],
            can_edit=user is not None
            and not round.is_locked
            and can_edit_initiative(user, initiative),
        )
        if with_plan:
            row.points = _row_points(round, row, plan, earlier, status_texts)
        rows.append(row)
    return rows


def _earlier_statuses(round: FollowUpRound, ids: list[int]):
    """(initiative, point, smiley, text) of the statuses at the agreement's earlier rounds; a
    status belongs to the round of its milestone's point."""
    return MilestoneStatus.objects.filter(
        round__agreement_id=round.agreement_id,
        round__point__lt=round.point,
        milestone__point=F("round__point"),
        milestone__initiative_id__in=ids,
    ).values_list("milestone__initiative_id", "round__point", "smiley", "text")


def _row_points(round, row, plan, earlier, status_texts) -> list[RowPoint]:
    year = round.agreement.year
    points = []
    for point in FollowUpPoint.values:
        key = (row.initiative.pk, point)
        if point > round.point:
            smiley, text = None, ""
        elif point == round.point:
            smiley = row.smiley
            text = row.status.text if row.status is not None else ""
        else:
            entry = earlier.get(row.initiative.pk, {}).get(point)
            smiley = entry.smiley if entry and entry.smiley else Smiley.NOT_ASSESSED.value
            text = status_texts.get(key, "")
        points.append(RowPoint(point, point_label(point, year), plan.get(key, ""), smiley, text))
    return points


def round_page_rows(*, round: FollowUpRound, user, data: QueryDict | None):
    """The round page's filter (for its form) and rows, ordered by committee for grouping."""
    row_filter = RoundRowFilter(
        data=data or None,
        queryset=round_initiatives(round=round, user=user),
        round=round,
        request_user=user,
    )
    rows = round_rows(round=round, user=user, initiatives=row_filter.qs, order=committee_order)
    return row_filter, rows


def get_row_for_user(
    *, round: FollowUpRound, user, initiative_id: int, with_earlier: bool = True
) -> RoundRow:
    """One row of the round, if the user may read its committee (else 404); ``row.can_edit``
    says whether they may change it."""
    rows = round_rows(
        round=round, user=user, initiative_ids=[initiative_id], with_earlier=with_earlier
    )
    if not rows:
        raise Http404
    return rows[0]


def get_round_initiative_for_user(
    *, round: FollowUpRound, user, initiative_id: int
) -> tuple[Initiative, bool]:
    """An initiative of the round the user may read (else 404), and whether they may change
    its row. One query; a save reads the row's records itself, under lock."""
    try:
        initiative = (
            round_initiatives(round=round, user=user)
            .select_related("chapter", "responsible_committee", "responsible_center")
            .get(pk=initiative_id)
        )
    except Initiative.DoesNotExist as exc:
        raise Http404 from exc
    return initiative, not round.is_locked and can_edit_initiative(user, initiative)


def missing_q(round: FollowUpRound) -> Q:
    """Initiatives whose milestone or economy line at the round is not assessed yet."""
    return Q(
        Exists(
            MilestoneStatus.objects.filter(
                round=round, milestone__initiative=OuterRef("pk"), smiley=Smiley.NOT_ASSESSED
            )
        )
    ) | Q(
        Exists(
            EconomyLine.objects.filter(
                round=round, initiative=OuterRef("pk"), smiley=Smiley.NOT_ASSESSED
            )
        )
    )


@dataclass
class RoundProgress:
    initiatives: int
    missing: int


def round_progress(
    *, round: FollowUpRound, user, rows: list[RoundRow] | None = None
) -> RoundProgress:
    """How many of the round's rows the user may read, and how many still miss an assessment
    (whatever the page's filters show); the page and every save show it. Counted from
    ``rows`` when they are all of them (an unfiltered page), else in one query."""
    if rows is not None:
        return RoundProgress(len(rows), sum(1 for row in rows if row.is_missing))
    counts = round_initiatives(round=round, user=user).aggregate(
        initiatives=Count("pk"), missing=Count("pk", filter=missing_q(round))
    )
    return RoundProgress(**counts)


# Counting ----------------------------------------------------------------------------------


@dataclass
class SmileyCounts:
    """How many initiatives got each smiley, for the milestones and for the economy."""

    initiatives: int = 0
    milestones: dict[str, int] = field(
        default_factory=lambda: {s.value: 0 for s in MILESTONE_SMILEYS}
    )
    economy: dict[str, int] = field(default_factory=lambda: {s.value: 0 for s in ECONOMY_SMILEYS})
    missing: int = 0

    def add(self, milestone: str | None, economy: str | None) -> None:
        self.initiatives += 1
        milestone = milestone or Smiley.NOT_ASSESSED
        economy = economy or Smiley.NOT_ASSESSED
        self.milestones[milestone] += 1
        self.economy[economy] += 1
        if Smiley.NOT_ASSESSED in (milestone, economy):
            self.missing += 1

    @property
    def milestone_counts(self) -> list[int]:
        return [self.milestones[s.value] for s in MILESTONE_SMILEYS]

    @property
    def economy_counts(self) -> list[int]:
        return [self.economy[s.value] for s in ECONOMY_SMILEYS]

    @property
    def done(self) -> int:
        return self.initiatives - self.missing


T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


def count_smileys(
    items: Iterable[T],
    smileys: Callable[[T], tuple[str | None, str | None]] = lambda row: row.smileys,
    key: Callable[[T], K] | None = None,
) -> tuple[dict[K, SmileyCounts], SmileyCounts]:
    """Count the (milestone, economy) smileys of ``items``: per ``key`` and in total. The one
    count of the application: page counters, overview, report summary and workbooks."""
    groups: dict[K, SmileyCounts] = {}
    total = SmileyCounts()
    for item in items:
        milestone, economy = smileys(item)
        total.add(milestone, economy)
        if key is not None:
            groups.setdefault(key(item), SmileyCounts()).add(milestone, economy)
    return groups, total


@dataclass
class CommitteeCounts:
    committee: Committee | None
    counts: SmileyCounts


@dataclass
class MissingItem:
    initiative: Initiative
    milestone_missing: bool
    economy_missing: bool


@dataclass
class RoundOverview:
    round: FollowUpRound
    committees: list[CommitteeCounts]
    totals: SmileyCounts
    missing_by_center: list[tuple[str, list[MissingItem]]]
    days_to_deadline: int | None

    @property
    def days_overdue(self) -> int:
        return max(0, -(self.days_to_deadline or 0))

    @property
    def missing_count(self) -> int:
        return self.totals.missing


def days_to_deadline(round: FollowUpRound, today: datetime.date | None = None) -> int | None:
    if round.deadline is None:
        return None
    return (round.deadline - (today or timezone.localdate())).days


def round_overview(*, round: FollowUpRound, user, today: datetime.date | None = None):
    """Counts per committee and what is missing per center: the round's rows, counted."""
    rows = round_rows(round=round, user=user, with_earlier=False, order=committee_order)
    by_committee, totals = count_smileys(rows, key=lambda row: row.initiative.responsible_committee)
    committees = [CommitteeCounts(committee, counts) for committee, counts in by_committee.items()]
    by_center: dict[str, list[MissingItem]] = defaultdict(list)
    for row in rows:
        if row.is_missing:
            center = row.initiative.responsible_center
            by_center[center.name if center else ""].append(
                MissingItem(row.initiative, row.milestone_missing, row.economy_missing)
            )
    grouped = sorted(by_center.items(), key=lambda item: (item[0] == "", item[0]))
    return RoundOverview(round, committees, totals, grouped, days_to_deadline(round, today))


def row_centers(rows: list[RoundRow]) -> list[Center]:
    """The responsible centers of ``rows``, by name."""
    centers = {row.initiative.responsible_center for row in rows} - {None}
    return sorted(centers, key=lambda center: center.name)


def round_centers(*, round: FollowUpRound, committees: QuerySet[Committee]) -> QuerySet[Center]:
    """The responsible centers of the round's initiatives under ``committees``. One query."""
    return Center.objects.filter(
        Exists(
            round_initiatives(round=round, user=None).filter(
                responsible_center=OuterRef("pk"), responsible_committee__in=committees
            )
        )
    ).order_by("name")


# An initiative's milestone plan --------------------------------------------------------------


@dataclass
class PointRow:
    """One follow-up point of an initiative: its milestone, the round and the status."""

    point: int
    label: str
    milestone: Milestone | None
    round: FollowUpRound | None
    status: MilestoneStatus | None

    @property
    def in_round(self) -> bool:
        """Whether the initiative takes part in the point's round (it has a status there)."""
        return self.status is not None

    @property
    def is_locked(self) -> bool:
        return self.round is not None and self.round.is_locked


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


def initiative_economy_lines(initiative: Initiative) -> QuerySet[EconomyLine]:
    return initiative.economy_lines.select_related("round", "round__agreement", "updated_by")


# History -----------------------------------------------------------------------------------


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: str
    what: str
    changes: list[tuple[str, str, str]]  # field label, old, new
    reason: str = ""
    source: str = ""


def _smiley_label(value: str) -> str:
    try:
        return str(Smiley(value).label)
    except ValueError:
        return value


def _source_label(value: str) -> str:
    try:
        return str(ChangeSource(value).label)
    except ValueError:
        return ""


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
        reason = record.history_change_reason or ""
        # A row created with a reason (an initiative that joined an open round) is shown too.
        if changes or (before is None and reason):
            user = record.history_user
            entries.append(
                HistoryEntry(
                    when=record.history_date,
                    who=(user.get_full_name() or user.get_username()) if user else "",
                    what=describe(record),
                    changes=changes,
                    reason=reason,
                    source=_source_label(getattr(record, "history_source", "")),
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
