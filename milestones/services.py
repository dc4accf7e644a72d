"""Writes to follow-up rounds, milestones and statuses. Each is atomic and audited.

Views, admin, imports and commands call these functions, so the rules hold on every path:
a locked round refuses every write (the models refuse it too), a stale edit is refused with
what the other person saved, and a save that changes nothing writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from agreements.models import BudgetAgreement, Initiative
from agreements.permissions import can_edit_committee, is_admin
from finance.models import EconomyLine
from milestones.models import (
    ECONOMY_SMILEYS,
    MILESTONE_SMILEYS,
    TEXT_MAX_LENGTH,
    FollowUpRound,
    Milestone,
    MilestoneStatus,
    RoundLocked,
    RoundState,
    Smiley,
)
from milestones.reports.freeze import report_freeze, report_thaw


class RoundExists(Exception):
    def __init__(self, round: FollowUpRound) -> None:
        self.round = round
        super().__init__(_("%(round)s findes allerede.") % {"round": round.label})


class StaleEdit(Exception):
    """Someone else saved the row after this user loaded it; ``current`` is what they saved."""

    def __init__(self, current: MilestoneStatus | EconomyLine | Milestone) -> None:
        self.current = current
        super().__init__(_("Rækken er ændret af en anden, efter du åbnede den."))


@transaction.atomic
def round_open(
    *, agreement: BudgetAgreement, point: int, deadline: date | None, actor=None
) -> FollowUpRound:
    """Open the follow-up round of ``point`` and give every active initiative a blank status.

    Each active initiative gets its milestone for the point (blank if nobody wrote one yet), a
    "not assessed" milestone status and an economy line, so the round page and the overview
    can count what is missing. Closed initiatives are not part of later rounds.
    """
    existing_round = FollowUpRound.objects.filter(agreement=agreement, point=point).first()
    if existing_round is not None:
        raise RoundExists(existing_round)
    round_ = FollowUpRound(agreement=agreement, point=point, deadline=deadline)
    round_._history_user = actor
    round_.full_clean()
    try:
        with transaction.atomic():
            round_.save()
    except IntegrityError as exc:  # a concurrent request opened it first
        raise RoundExists(FollowUpRound.objects.get(agreement=agreement, point=point)) from exc

    initiatives = list(Initiative.objects.for_agreement(agreement).active().only("pk"))
    existing = set(
        Milestone.objects.filter(initiative__in=initiatives, point=point).values_list(
            "initiative_id", flat=True
        )
    )
    new_milestones = [
        Milestone(initiative=i, point=point, text="") for i in initiatives if i.pk not in existing
    ]
    if new_milestones:
        bulk_create_with_history(new_milestones, Milestone, default_user=actor)
    milestones = Milestone.objects.filter(initiative__in=initiatives, point=point)
    bulk_create_with_history(
        [
            MilestoneStatus(milestone=m, round=round_, smiley=Smiley.NOT_ASSESSED)
            for m in milestones
        ],
        MilestoneStatus,
        default_user=actor,
    )
    bulk_create_with_history(
        [EconomyLine(initiative=i, round=round_, smiley=Smiley.NOT_ASSESSED) for i in initiatives],
        EconomyLine,
        default_user=actor,
    )
    return round_


@transaction.atomic
def round_lock(*, round: FollowUpRound, actor) -> FollowUpRound:
    """Lock the round: from now on nothing in it changes until an administrator unlocks it."""
    round_ = FollowUpRound.objects.select_for_update().get(pk=round.pk)
    if round_.is_locked:
        return round_
    round_.state = RoundState.LOCKED
    round_.locked_at = timezone.now()
    round_.locked_by = actor
    round_._history_user = actor
    round_._change_reason = _("Låst")
    round_.save()
    report_freeze(round=round_)
    return round_


@transaction.atomic
def round_unlock(*, round: FollowUpRound, actor, reason: str) -> FollowUpRound:
    """Unlock a locked round. Only administrators may, and only with a reason, recorded."""
    if not is_admin(actor):
        raise PermissionDenied(_("Kun en administrator kan låse en opfølgning op."))
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Skriv hvorfor opfølgningen låses op.")})
    if len(reason) > 100:
        raise ValidationError({"reason": _("Begrundelsen må højst være 100 tegn.")})
    round_ = FollowUpRound.objects.select_for_update().get(pk=round.pk)
    if not round_.is_locked:
        return round_
    round_.state = RoundState.OPEN
    round_.locked_at = None
    round_.locked_by = None
    round_._history_user = actor
    round_._change_reason = reason
    round_.save()
    report_thaw(round=round_)
    return round_


def _clean_text(value: str, field: str) -> str:
    value = (value or "").replace("\r\n", "\n").strip()
    if len(value) > TEXT_MAX_LENGTH:
        raise ValidationError(
            {
                field: _("Teksten må højst være %(max)d tegn (den er %(length)d).")
                % {"max": TEXT_MAX_LENGTH, "length": len(value)}
            }
        )
    return value


def _check_smiley(value: str, allowed: list[Smiley], field: str) -> Smiley:
    if value not in [s.value for s in allowed]:
        raise ValidationError({field: _("Ukendt smiley: %(value)s.") % {"value": value}})
    return Smiley(value)


def _validate_fields(obj) -> None:
    """Validate the field values in Python. The relations were just read in this transaction,
    and uniqueness and CHECKs are the database's, so no queries are spent re-checking them."""
    obj.clean_fields(exclude=[f.name for f in obj._meta.fields if f.is_relation])


def _ensure_can_edit(actor, initiative: Initiative) -> None:
    if not can_edit_committee(actor, initiative.responsible_committee_id):
        raise PermissionDenied(_("Du kan ikke ændre indsatser under dette udvalg."))


@transaction.atomic
def status_set(
    *, status: MilestoneStatus, smiley: str, text: str, actor, expected_version: int
) -> MilestoneStatus:
    """Record the smiley and status text of a milestone at its round."""
    smiley = _check_smiley(smiley, MILESTONE_SMILEYS, "smiley")
    text = _clean_text(text, "text")
    current = (
        MilestoneStatus.objects.select_for_update()
        .select_related("round__agreement", "milestone__initiative")
        .get(pk=status.pk)
    )
    current.round.ensure_open()
    _ensure_can_edit(actor, current.milestone.initiative)
    if (current.smiley, current.text) == (smiley, text):
        return current
    if current.version != expected_version:
        raise StaleEdit(current)
    current.smiley, current.text = smiley, text
    current.version += 1
    current.updated_by = actor
    current._history_user = actor
    _validate_fields(current)
    current.save(round_checked=True)
    return current


@transaction.atomic
def economy_set(
    *, line: EconomyLine, text: str, smiley: str, status_text: str, actor, expected_version: int
) -> EconomyLine:
    """Record the economy line of an initiative at a round: its text, smiley and status."""
    smiley = _check_smiley(smiley, ECONOMY_SMILEYS, "economy_smiley")
    text = _clean_text(text, "economy_text")
    status_text = _clean_text(status_text, "economy_status_text")
    current = (
        EconomyLine.objects.select_for_update()
        .select_related("round__agreement", "initiative")
        .get(pk=line.pk)
    )
    current.round.ensure_open()
    _ensure_can_edit(actor, current.initiative)
    if (current.text, current.smiley, current.status_text) == (text, smiley, status_text):
        return current
    if current.version != expected_version:
        raise StaleEdit(current)
    current.text, current.smiley, current.status_text = text, smiley, status_text
    current.version += 1
    current.updated_by = actor
    current._history_user = actor
    _validate_fields(current)
    current.save(round_checked=True)
    return current


@transaction.atomic
def milestone_text_set(
    *,
    initiative: Initiative,
    point: int,
    text: str,
    actor,
    expected_text: str | None = None,
    round: FollowUpRound | None = None,
) -> Milestone:
    """Write or correct the milestone of ``initiative`` for ``point``.

    Refused once the round of that point is locked. ``expected_text`` is the text the user
    saw; if someone else changed it since, the edit is refused (StaleEdit).
    """
    text = _clean_text(text, "milestone_text")
    _ensure_can_edit(actor, initiative)
    round_ = round
    if round_ is None or round_.point != point:
        round_ = FollowUpRound.objects.filter(
            agreement_id=initiative.chapter.agreement_id, point=point
        ).first()
    if round_ is not None:
        round_.ensure_open()
    milestone = (
        Milestone.objects.select_for_update().filter(initiative=initiative, point=point).first()
    )
    if milestone is None:
        milestone = Milestone(initiative=initiative, point=point, text="")
    if milestone.text == text:
        return milestone
    if expected_text is not None and milestone.text != _clean_text(expected_text, "x"):
        raise StaleEdit(milestone)
    milestone.text = text
    milestone._history_user = actor
    _validate_fields(milestone)
    milestone.save(round_checked=True)
    return milestone


@dataclass
class PlanChange:
    point: int
    text: str
    expected_text: str | None = None


@transaction.atomic
def milestone_plan_set(*, initiative: Initiative, changes: list[PlanChange], actor) -> int:
    """Write several points of an initiative's milestone plan at once; all or nothing."""
    changed = 0
    for change in changes:
        before = Milestone.objects.filter(initiative=initiative, point=change.point).first()
        after = milestone_text_set(
            initiative=initiative,
            point=change.point,
            text=change.text,
            actor=actor,
            expected_text=change.expected_text,
        )
        changed += int(before is None or before.text != after.text)
    return changed


__all__ = [
    "PlanChange",
    "RoundExists",
    "RoundLocked",
    "StaleEdit",
    "economy_set",
    "milestone_plan_set",
    "milestone_text_set",
    "round_lock",
    "round_open",
    "round_unlock",
    "status_set",
]
