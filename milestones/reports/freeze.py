"""Frozen reports: a locked round's report keeps the content it had when the round was locked.

``round_lock`` freezes the report, ``round_unlock`` thaws it (the next lock freezes again), and
every report of a locked round is rendered from the snapshot, so the appendix a committee
received can be reproduced later even if initiatives or milestones are edited.
"""

from __future__ import annotations

from django.db import transaction

from milestones.models import FollowUpRound, FrozenReport
from milestones.reports.data import ReportContent, report_content


@transaction.atomic
def report_freeze(*, round: FollowUpRound) -> FrozenReport:
    """Store the round's whole-municipality report content as it is now; replaces any older."""
    content = report_content(round)
    frozen, _ = FrozenReport.objects.update_or_create(
        round=round, defaults={"data": content.to_json()}
    )
    return frozen


def report_thaw(*, round: FollowUpRound) -> None:
    """Drop the round's snapshot: an unlocked round's report follows the live data again."""
    FrozenReport.objects.filter(round=round).delete()


def round_report_content(round: FollowUpRound) -> ReportContent:
    """The content of the round's whole-municipality report.

    A locked round's report comes from its snapshot (one query). A round locked without one
    (before reports were frozen, or by changing its state in Django admin) is frozen on first
    use, so from then on its report no longer changes. An open round's report is read live.
    """
    if not round.is_locked:
        return report_content(round)
    frozen = FrozenReport.objects.filter(round=round).first()
    if frozen is None:
        frozen = report_freeze(round=round)
    return ReportContent.from_json(frozen.data)
