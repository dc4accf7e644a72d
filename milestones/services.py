"""Writes to follow-up rounds and their rows. Each is atomic, checks its actor and is audited.

Views, admin, the Excel import and commands call these functions, so every rule holds on every
path:

- a locked round refuses every write, and the check cannot race the lock: a write reads the
  round under a lock that ``round_lock`` waits for (``FollowUpRound.lock_shared``);
- a save writes only the fields the user changed. Each changed field carries the value the
  user started from (``FieldEdit``); a field someone else changed meanwhile is a conflict
  only if this user changed it too, and then nothing is written (``RowConflict`` says, field by
  field, what is stored and what the user typed, so the user can choose);
- texts follow the one text rule (``agreements.text``) and the length limit;
- every write leaves a history record with who and through which path (``ChangeSource``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from agreements.models import BudgetAgreement, Initiative
from agreements.permissions import (
    can_edit_initiative,
    can_maintain_agreements,
    can_manage_rounds,
    can_unlock_round,
)
from agreements.text import normalize_text, text_digest
from milestones.models import (
    ECONOMY_SMILEYS,
    MILESTONE_SMILEYS,
    TEXT_MAX_LENGTH,
    ChangeSource,
    EconomyLine,
    FollowUpRound,
    Milestone,
    MilestoneStatus,
    RoundLocked,
    RoundState,
    Smiley,
    point_label,
)
from milestones.reports.freeze import report_freeze, report_thaw

# Rows per bulk statement: well below PostgreSQL's 65,535 parameters per query.
BATCH_SIZE = 1000


class RoundExists(Exception):
    def __init__(self, round: FollowUpRound) -> None:
        self.round = round
        super().__init__(_("%(round)s findes allerede.") % {"round": round.label})


# What a save carries ---------------------------------------------------------------------


@dataclass(frozen=True)
class FieldEdit:
    """A field the user changed: the value wanted, and the value the user started from.

    A browser form carries the value itself (``original``); a workbook carries only its
    fingerprint (``original_digest``). Neither known: the user's starting point is unknown, so
    any stored value other than ``new`` is a conflict.
    """

    new: str
    original: str | None = None
    original_digest: str | None = None

    def started_from(self, stored: str) -> bool:
        if self.original_digest is not None:
            return text_digest(stored) == self.original_digest
        if self.original is not None:
            return normalize_text(self.original) == stored
        return False


@dataclass(frozen=True)
class RowField:
    """A field of a round's row: which record holds it, and how it is checked."""

    name: str
    part: str  # "milestone", "status" or "economy"
    attr: str
    label: str
    smileys: tuple[Smiley, ...] = ()

    @property
    def is_smiley(self) -> bool:
        return bool(self.smileys)

    def clean(self, value: str | None) -> str:
        """The value as it would be stored; ValidationError (keyed by the field) if invalid."""
        if self.is_smiley:
            if value not in [s.value for s in self.smileys]:
                raise ValidationError(
                    {
                        self.name: _("Vælg en af smileyerne (»%(value)s« findes ikke).")
                        % {"value": str(value)[:40]}
                    }
                )
            return value
        return clean_text(value, self.name)

    def display(self, value: str | None) -> str:
        if self.is_smiley and value:
            return str(Smiley(value).label)
        return value or ""


ROW_FIELDS: dict[str, RowField] = {
    f.name: f
    for f in (
        RowField("milestone_text", "milestone", "text", gettext_lazy("Milepæl")),
        RowField(
            "smiley",
            "status",
            "smiley",
            gettext_lazy("Smiley for milepælen"),
            tuple(MILESTONE_SMILEYS),
        ),
        RowField("text", "status", "text", gettext_lazy("Status")),
        RowField("economy_text", "economy", "text", gettext_lazy("Økonomi")),
        RowField(
            "economy_smiley",
            "economy",
            "smiley",
            gettext_lazy("Smiley for økonomien"),
            tuple(ECONOMY_SMILEYS),
        ),
        RowField(
            "economy_status_text", "economy", "status_text", gettext_lazy("Status på økonomien")
        ),
    )
}


def clean_text(value: str | None, field_name: str) -> str:
    """A text as stored (the one text rule), refused if longer than the limit."""
    text = normalize_text(value)
    if len(text) > TEXT_MAX_LENGTH:
        raise ValidationError(
            {
                field_name: _(
                    "Teksten er på %(length)s tegn; højst %(max)s er tilladt. Intet blev "
                    "gemt, og din tekst står stadig i feltet."
                )
                % {"length": f"{len(text):,}".replace(",", "."), "max": "4.000"}
            }
        )
    return text


def _clean_edits(edits: dict[str, FieldEdit], fields: dict) -> dict[str, str]:
    cleaned, errors = {}, {}
    for name, edit in edits.items():
        try:
            cleaned[name] = fields[name].clean(edit.new)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return cleaned


# Conflicts ---------------------------------------------------------------------------------


@dataclass
class FieldConflict:
    """A field both this user and someone else changed since the user's page was made."""

    name: str
    label: str
    stored: str
    yours: str
    stored_display: str
    yours_display: str
    changed_by: str = ""
    changed_at: datetime | None = None
    where: str = ""  # the workbook row or the point, where a list needs it


class RowConflict(Exception):
    """Nothing was saved: ``conflicts`` lists the fields changed on both sides."""

    def __init__(self, conflicts: list[FieldConflict], records=None) -> None:
        self.conflicts = conflicts
        self.records = records
        super().__init__(
            _("%(fields)s er ændret af en anden, efter du åbnede siden. Intet blev gemt.")
            % {"fields": ", ".join(c.label for c in conflicts)}
        )


def _who(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


# The records of a row ----------------------------------------------------------------------


@dataclass
class RowRecords:
    """The three records of a round's row, as read (and locked) for a save."""

    initiative_id: int
    status: MilestoneStatus | None = None
    economy: EconomyLine | None = None

    @property
    def milestone(self) -> Milestone | None:
        return self.status.milestone if self.status is not None else None

    def part(self, name: str):
        return getattr(self, name)


def row_records(
    round: FollowUpRound, initiative_ids: Iterable[int], *, lock: bool
) -> dict[int, RowRecords]:
    """The rows' records by initiative; with ``lock``, locked FOR UPDATE. Two queries."""
    ids = list(initiative_ids)
    statuses = MilestoneStatus.objects.filter(
        round=round, milestone__initiative_id__in=ids
    ).select_related("milestone", "updated_by")
    lines = EconomyLine.objects.filter(round=round, initiative_id__in=ids).select_related(
        "updated_by"
    )
    if lock:
        statuses = statuses.select_for_update(of=("self", "milestone"))
        lines = lines.select_for_update(of=("self",))
    records = {initiative_id: RowRecords(initiative_id) for initiative_id in ids}
    for status in statuses:
        records[status.milestone.initiative_id].status = status
    for line in lines:
        records[line.initiative_id].economy = line
    return records


@dataclass
class RowPlan:
    writes: dict[str, str] = field(default_factory=dict)  # field name -> value to store
    conflicts: list[FieldConflict] = field(default_factory=list)


def plan_row(records: RowRecords, edits: dict[str, FieldEdit], cleaned: dict[str, str]) -> RowPlan:
    """The row logic every path shares: what to write and what conflicts, field by field.

    A field already holding the wanted value needs nothing. A field still holding what the user
    started from gets the new value. Any other field was changed by someone else as well as by
    this user: a conflict.
    """
    plan = RowPlan()
    for name, edit in edits.items():
        row_field = ROW_FIELDS[name]
        record = records.part(row_field.part)
        if record is None:
            raise ValidationError(
                {
                    name: _("Indsatsen har ingen milepæl i denne opfølgning.")
                    if row_field.part != "economy"
                    else _("Indsatsen har ingen økonomilinje i denne opfølgning.")
                }
            )
        stored = getattr(record, row_field.attr)
        new = cleaned[name]
        if new == stored:
            continue
        if edit.started_from(stored):
            plan.writes[name] = new
            continue
        who = getattr(record, "updated_by", None)
        plan.conflicts.append(
            FieldConflict(
                name=name,
                label=str(row_field.label),
                stored=stored,
                yours=new,
                stored_display=row_field.display(stored),
                yours_display=row_field.display(new),
                changed_by=_who(who),
                changed_at=getattr(record, "updated_at", None),
            )
        )
    return plan


def _mark(record, actor, source: str, reason: str = "") -> None:
    record._history_user = actor
    record._history_source = source
    if reason:
        record._change_reason = reason


def _apply_row(records: RowRecords, writes: dict[str, str], actor, source: str) -> None:
    by_part: dict[str, list[RowField]] = defaultdict(list)
    for name in writes:
        by_part[ROW_FIELDS[name].part].append(ROW_FIELDS[name])
    for part, fields in by_part.items():
        record = records.part(part)
        for row_field in fields:
            setattr(record, row_field.attr, writes[row_field.name])
        update_fields = [row_field.attr for row_field in fields]
        if part != "milestone":
            record.version += 1
            record.updated_by = actor
            update_fields += ["version", "updated_by", "updated_at"]
        _mark(record, actor, source)
        record.save(update_fields=update_fields, round_checked=True)


def _ensure_open(round: FollowUpRound) -> FollowUpRound:
    current = FollowUpRound.lock_shared(round.pk)
    if current.is_locked:
        raise RoundLocked(round)
    return current


# Saving a row ------------------------------------------------------------------------------


def row_save(
    *,
    round: FollowUpRound,
    initiative: Initiative,
    edits: dict[str, FieldEdit],
    actor,
    source: str,
    commit: bool = True,
) -> RowRecords:
    """Save the fields of one initiative's row in a round that the user changed.

    Raises PermissionDenied (the actor may not edit the initiative), ValidationError (keyed by
    field), RoundLocked, or RowConflict (nothing written). ``commit=False`` checks all of it,
    holding the locks until the caller's transaction ends, without writing (admin validates a
    form this way before it saves). Returns the row's records as stored.

    Queries: the round (locked shared), the status with its milestone and the economy line
    (locked), then an update and a history record per record changed.
    """
    if not can_edit_initiative(actor, initiative):
        raise PermissionDenied(_("Du kan ikke ændre indsatser under dette udvalg."))
    cleaned = _clean_edits(edits, ROW_FIELDS)
    with transaction.atomic():
        _ensure_open(round)
        records = row_records(round, [initiative.pk], lock=True)[initiative.pk]
        plan = plan_row(records, edits, cleaned)
        if plan.conflicts:
            raise RowConflict(plan.conflicts, records)
        if commit and plan.writes:
            _apply_row(records, plan.writes, actor, source)
    return records


@dataclass
class BulkResult:
    written: int  # records (status, economy line, milestone) changed
    conflicts: list[tuple[int, FieldConflict]]  # (initiative id, conflict)


def rows_bulk_save(
    *,
    round: FollowUpRound,
    edits: dict[int, dict[str, FieldEdit]],
    actor,
    source: str,
    reason: str = "",
    commit: bool = True,
) -> BulkResult:
    """Save many rows of a round at once (an Excel import), under ``row_save``'s rules.

    Every row goes through the same row logic (``plan_row``); only the writes are batched, so
    the number of queries does not grow with the rows. All or nothing: any conflict raises
    RowConflict (with every conflicting field, ``where`` naming the initiative) and nothing is
    written. One history record per changed record names the actor, the path and ``reason``.
    """
    initiatives = {
        i.pk: i
        for i in Initiative.objects.filter(pk__in=list(edits)).only(
            "pk", "number", "title", "part", "responsible_committee_id"
        )
    }
    errors: dict[str, list] = {}
    cleaned_by_row = {}
    for initiative_id, row_edits in edits.items():
        initiative = initiatives.get(initiative_id)
        if initiative is None:
            raise ValidationError(_("En af indsatserne findes ikke længere. Intet blev gemt."))
        if not can_edit_initiative(actor, initiative):
            raise PermissionDenied(_("Du kan ikke ændre indsatser under dette udvalg."))
        try:
            cleaned_by_row[initiative_id] = _clean_edits(row_edits, ROW_FIELDS)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors.setdefault(name, []).extend(
                    f"{initiative.label}: {message}" for message in messages
                )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        _ensure_open(round)
        records = row_records(round, list(edits), lock=True)
        to_write: dict[str, list] = defaultdict(list)
        conflicts: list[tuple[int, FieldConflict]] = []
        for initiative_id, row_edits in edits.items():
            plan = plan_row(records[initiative_id], row_edits, cleaned_by_row[initiative_id])
            for conflict in plan.conflicts:
                conflict.where = initiatives[initiative_id].label
                conflicts.append((initiative_id, conflict))
            for name, value in plan.writes.items():
                to_write[ROW_FIELDS[name].part].append((records[initiative_id], name, value))
        if conflicts:
            raise RowConflict([c for _, c in conflicts])
        written = 0
        if commit:
            for part, writes in to_write.items():
                written += _bulk_write(part, writes, actor, source, reason, now)
    return BulkResult(written=written, conflicts=[])


def _bulk_write(part: str, writes: list, actor, source: str, reason: str, now) -> int:
    changed: dict[int, object] = {}
    names: set[str] = set()
    for records, name, value in writes:
        record = records.part(part)
        setattr(record, ROW_FIELDS[name].attr, value)
        names.add(ROW_FIELDS[name].attr)
        changed[record.pk] = record
    model = type(next(iter(changed.values())))
    update_fields = sorted(names)
    if part != "milestone":
        for record in changed.values():
            record.version += 1
            record.updated_by = actor
            record.updated_at = now
        update_fields += ["version", "updated_by", "updated_at"]
    objs = list(changed.values())
    # The rows exist and are locked: writing them back as an upsert costs one statement per
    # batch, where bulk_update would build a CASE expression per row and field.
    model.objects.bulk_create(
        objs,
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["id"],
        update_fields=update_fields,
    )
    model.history.bulk_history_create(
        objs,
        batch_size=BATCH_SIZE,
        update=True,
        default_user=actor,
        default_change_reason=reason,
        default_date=now,
        custom_historical_attrs={"history_source": source},
    )
    return len(objs)


# Milestone plans ---------------------------------------------------------------------------


class PlanConflict(RowConflict):
    """Milestones of the plan changed by someone else too; nothing was saved."""


def _lock_agreement_rounds(agreement_id: int) -> dict[int, FollowUpRound]:
    """The agreement's rounds by point, read under the shared lock (see ``lock_shared``), and
    the agreement itself, so no round can be opened (and locked) while the plan is saved."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM {connection.ops.quote_name(BudgetAgreement._meta.db_table)} "
                "WHERE id = %s FOR KEY SHARE",
                [agreement_id],
            )
        table = connection.ops.quote_name(FollowUpRound._meta.db_table)
        rounds = FollowUpRound.objects.raw(
            f"SELECT * FROM {table} WHERE agreement_id = %s FOR KEY SHARE", [agreement_id]
        )
    else:
        rounds = FollowUpRound.objects.filter(agreement_id=agreement_id)
    return {r.point: r for r in rounds}


def milestone_plan_set(
    *,
    initiative: Initiative,
    edits: dict[int, FieldEdit],
    actor,
    source: str,
    commit: bool = True,
) -> int:
    """Write milestones of an initiative's plan, by follow-up point; returns how many changed.

    The same rules as a row save: points whose round is locked are refused (RoundLocked), the
    round cannot be locked while the plan is saved, only changed milestones are written and a
    milestone someone else changed meanwhile is a conflict (PlanConflict, nothing written).
    """
    if not can_edit_initiative(actor, initiative):
        raise PermissionDenied(_("Du kan ikke ændre indsatser under dette udvalg."))
    cleaned, errors = {}, {}
    for point, edit in edits.items():
        try:
            cleaned[point] = clean_text(edit.new, f"text_{point}")
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    agreement = initiative.chapter.agreement
    with transaction.atomic():
        rounds = _lock_agreement_rounds(agreement.pk)
        for point in sorted(edits):
            round_ = rounds.get(point)
            if round_ is not None and round_.is_locked:
                round_.agreement = agreement
                raise RoundLocked(round_)
        milestones = {}
        if initiative.pk is not None:
            milestones = {
                m.point: m
                for m in Milestone.objects.select_for_update().filter(
                    initiative=initiative, point__in=list(edits)
                )
            }
        writes, conflicts = {}, []
        for point, edit in edits.items():
            stored = milestones[point].text if point in milestones else ""
            if cleaned[point] == stored:
                continue
            if edit.started_from(stored):
                writes[point] = cleaned[point]
            else:
                conflicts.append(
                    FieldConflict(
                        name=f"text_{point}",
                        label=point_label(point, agreement.year),
                        stored=stored,
                        yours=cleaned[point],
                        stored_display=stored,
                        yours_display=cleaned[point],
                    )
                )
        if conflicts:
            raise PlanConflict(conflicts)
        if commit:
            for point, text in writes.items():
                milestone = milestones.get(point) or Milestone(initiative=initiative, point=point)
                milestone.text = text
                _mark(milestone, actor, source)
                milestone.save(round_checked=True)
    return len(writes)


# Rounds ------------------------------------------------------------------------------------


def _create_round_rows(
    round: FollowUpRound, initiatives: list[Initiative], actor, source: str, reason: str = ""
) -> None:
    """Give ``initiatives`` their milestone for the round's point (blank if nobody wrote one
    yet), a "not assessed" status and an economy line, with history. Skips what exists."""
    point = round.point
    ids = [i.pk for i in initiatives]
    milestones = {
        m.initiative_id: m for m in Milestone.objects.filter(initiative_id__in=ids, point=point)
    }
    new_milestones = [
        Milestone(initiative_id=pk, point=point, text="") for pk in ids if pk not in milestones
    ]
    attrs = {"history_source": source}
    if new_milestones:
        bulk_create_with_history(
            new_milestones, Milestone, default_user=actor, custom_historical_attrs=attrs
        )
        milestones = {
            m.initiative_id: m for m in Milestone.objects.filter(initiative_id__in=ids, point=point)
        }
    has_status = set(
        MilestoneStatus.objects.filter(round=round, milestone__initiative_id__in=ids).values_list(
            "milestone__initiative_id", flat=True
        )
    )
    has_line = set(
        EconomyLine.objects.filter(round=round, initiative_id__in=ids).values_list(
            "initiative_id", flat=True
        )
    )
    bulk_create_with_history(
        [
            MilestoneStatus(milestone=milestones[pk], round=round, smiley=Smiley.NOT_ASSESSED)
            for pk in ids
            if pk not in has_status
        ],
        MilestoneStatus,
        default_user=actor,
        default_change_reason=reason,
        custom_historical_attrs=attrs,
    )
    bulk_create_with_history(
        [
            EconomyLine(initiative_id=pk, round=round, smiley=Smiley.NOT_ASSESSED)
            for pk in ids
            if pk not in has_line
        ],
        EconomyLine,
        default_user=actor,
        default_change_reason=reason,
        custom_historical_attrs=attrs,
    )


def round_open(
    *,
    agreement: BudgetAgreement,
    point: int,
    deadline: date | None,
    actor,
    source: str = ChangeSource.BROWSER,
) -> FollowUpRound:
    """Open the follow-up round of ``point`` and give every active initiative its row.

    Each active initiative gets its milestone for the point (blank if nobody wrote one yet), a
    "not assessed" status and an economy line, so the round page and the overview can count
    what is missing. Closed initiatives are not part of later rounds.
    """
    if not can_manage_rounds(actor):
        raise PermissionDenied(_("Kun Økonomi og Styring kan åbne en opfølgning."))
    with transaction.atomic():
        # Milestone plans and late initiatives hold the agreement shared while they check the
        # rounds; opening one waits for them.
        BudgetAgreement.objects.select_for_update().get(pk=agreement.pk)
        existing = FollowUpRound.objects.filter(agreement=agreement, point=point).first()
        if existing is not None:
            raise RoundExists(existing)
        round_ = FollowUpRound(agreement=agreement, point=point, deadline=deadline)
        _mark(round_, actor, source, _("Åbnet"))
        round_.full_clean()
        try:
            with transaction.atomic():
                round_.save()
        except IntegrityError as exc:  # a concurrent request opened it first
            raise RoundExists(FollowUpRound.objects.get(agreement=agreement, point=point)) from exc
        initiatives = list(Initiative.objects.for_agreement(agreement).active().only("pk"))
        _create_round_rows(round_, initiatives, actor, source)
    return round_


def round_lock(*, round: FollowUpRound, actor, source: str = ChangeSource.BROWSER) -> FollowUpRound:
    """Lock the round: from now on nothing in it changes until an administrator unlocks it.

    Takes the round FOR UPDATE, which waits for every write under way (they hold it shared)
    and is seen by every later one; the report is frozen in the same transaction.
    """
    if not can_manage_rounds(actor):
        raise PermissionDenied(_("Kun Økonomi og Styring kan låse en opfølgning."))
    with transaction.atomic():
        round_ = FollowUpRound.objects.select_for_update().get(pk=round.pk)
        if round_.is_locked:
            return round_
        round_.state = RoundState.LOCKED
        round_.locked_at = timezone.now()
        round_.locked_by = actor
        _mark(round_, actor, source, _("Låst"))
        round_.save()
        report_freeze(round=round_)
    return round_


def round_unlock(
    *, round: FollowUpRound, actor, reason: str, source: str = ChangeSource.BROWSER
) -> FollowUpRound:
    """Unlock a locked round. Only administrators may, and only with a reason, recorded."""
    if not can_unlock_round(actor):
        raise PermissionDenied(_("Kun en administrator kan låse en opfølgning op."))
    reason = normalize_text(reason, single_line=True)
    if not reason:
        raise ValidationError({"reason": _("Skriv hvorfor opfølgningen låses op.")})
    if len(reason) > 100:
        raise ValidationError({"reason": _("Begrundelsen må højst være 100 tegn.")})
    with transaction.atomic():
        round_ = FollowUpRound.objects.select_for_update().get(pk=round.pk)
        if not round_.is_locked:
            return round_
        round_.state = RoundState.OPEN
        round_.locked_at = None
        round_.locked_by = None
        _mark(round_, actor, source, reason)
        round_.save()
        report_thaw(round=round_)
    return round_


# Initiatives that arrive late --------------------------------------------------------------


def initiative_save(
    *, initiative: Initiative, actor, source: str, validate: bool = True
) -> Initiative:
    """Create or change an initiative. An active initiative (new, or reopened) joins every
    open round of its agreement that it is not part of yet: milestone, "not assessed" status,
    economy line and a history entry, so the round page, overview, report and workbooks show
    it at once. A closed initiative stays in the rounds it is in and joins no later ones."""
    if not can_maintain_agreements(actor):
        raise PermissionDenied(_("Kun Økonomi og Styring kan oprette og ændre indsatser."))
    with transaction.atomic():
        if validate:
            initiative.full_clean()
        initiative.save()
        if not initiative.closed:
            initiative_join_open_rounds(initiative=initiative, actor=actor, source=source)
    return initiative


def initiative_join_open_rounds(*, initiative: Initiative, actor, source: str) -> list:
    """Add an active initiative to the open rounds of its agreement it is not part of."""
    joined = []
    with transaction.atomic():
        rounds = _lock_agreement_rounds(initiative.chapter.agreement_id)
        for round_ in sorted(rounds.values(), key=lambda r: r.point):
            if round_.state != RoundState.OPEN:
                continue
            in_round = MilestoneStatus.objects.filter(
                round=round_, milestone__initiative=initiative
            ).exists()
            if in_round:
                continue
            _create_round_rows(
                round_,
                [initiative],
                actor,
                source,
                reason=_("Indsatsen er kommet med i opfølgningen, efter den blev åbnet"),
            )
            joined.append(round_)
    return joined


__all__ = [
    "ROW_FIELDS",
    "BulkResult",
    "FieldConflict",
    "FieldEdit",
    "PlanConflict",
    "RoundExists",
    "RoundLocked",
    "RowConflict",
    "RowRecords",
    "initiative_join_open_rounds",
    "initiative_save",
    "milestone_plan_set",
    "plan_row",
    "round_lock",
    "round_open",
    "round_unlock",
    "row_records",
    "row_save",
    "rows_bulk_save",
]
