"""Writes to follow-up rounds, milestones and statuses. Each is atomic and audited."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from agreements.models import BudgetAgreement, Initiative
from finance.models import EconomyLine
from milestones.models import FollowUpRound, Milestone, MilestoneStatus, Smiley


class RoundExists(Exception):
    def __init__(self, round: FollowUpRound) -> None:
        self.round = round
        super().__init__(_("%(round)s findes allerede.") % {"round": round.label})


@transaction.atomic
def round_open(
    *, agreement: BudgetAgreement, point: int, deadline: date | None, actor=None
) -> FollowUpRound:
    """Open the follow-up round of ``point`` and give every active initiative a blank status.

    Each active initiative gets its milestone for the point (blank if nobody wrote one yet), a
    "not assessed" milestone status and an economy line, so the round page and the overview
    can count what is missing. Closed initiatives are not part of later rounds.
    """
    if FollowUpRound.objects.filter(agreement=agreement, point=point).exists():
        raise RoundExists(FollowUpRound.objects.get(agreement=agreement, point=point))
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
    Milestone.objects.bulk_create(
        [Milestone(initiative=i, point=point, text="") for i in initiatives if i.pk not in existing]
    )
    milestones = Milestone.objects.filter(initiative__in=initiatives, point=point)
    # bulk_create writes no history rows: the created rows are blank and "not assessed";
    # the first real assessment is the first history entry.
    MilestoneStatus.objects.bulk_create(
        [MilestoneStatus(milestone=m, round=round_, smiley=Smiley.NOT_ASSESSED) for m in milestones]
    )
    EconomyLine.objects.bulk_create(
        [EconomyLine(initiative=i, round=round_, smiley=Smiley.NOT_ASSESSED) for i in initiatives]
    )
    return round_
