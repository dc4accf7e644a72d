"""Reads of milestones and statuses."""

from __future__ import annotations

from dataclasses import dataclass

from agreements.models import Initiative
from milestones.models import FollowUpPoint, FollowUpRound, Milestone, MilestoneStatus, point_label


@dataclass
class PointRow:
    """One follow-up point of an initiative: its milestone and the status recorded for it."""

    point: int
    label: str
    milestone: Milestone | None
    round: FollowUpRound | None
    status: MilestoneStatus | None


def initiative_points(initiative: Initiative) -> list[PointRow]:
    """The four follow-up points of an initiative, in order. Two queries."""
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
