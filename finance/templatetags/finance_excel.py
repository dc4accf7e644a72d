"""Template helpers for the Excel links included on the agreement and round pages."""

from __future__ import annotations

from django import template
from django.db.models import QuerySet

from agreements.models import Center, Committee
from agreements.permissions import can_import
from milestones.models import FollowUpRound
from milestones.selectors import round_centers

register = template.Library()


@register.simple_tag
def finance_can_import(user) -> bool:
    """Whether the user works in Økonomi og Styring (or is an administrator)."""
    return can_import(user)


@register.simple_tag
def round_excel_centers(round: FollowUpRound, committees: QuerySet[Committee]) -> list[Center]:
    """The responsible centers of the round's initiatives under ``committees``."""
    return list(round_centers(round=round, committees=committees))
