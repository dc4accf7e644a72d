"""Reads of agreements and initiatives, with their related rows fetched up front."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404, QueryDict

from agreements.filters import InitiativeFilter
from agreements.models import BudgetAgreement, Committee, Initiative
from agreements.permissions import committee_filter, committee_ids, has_role


def agreement_list() -> QuerySet[BudgetAgreement]:
    return BudgetAgreement.objects.annotate(
        chapter_count=Count("chapters", distinct=True),
        initiative_count=Count("chapters__initiatives", distinct=True),
    ).order_by("-year")


def get_agreement_for_user(*, user, year: int) -> BudgetAgreement:
    if not has_role(user):
        raise PermissionDenied
    try:
        return BudgetAgreement.objects.get(year=year)
    except BudgetAgreement.DoesNotExist as exc:
        raise Http404 from exc


def initiatives_for_user(user) -> QuerySet[Initiative]:
    """Every initiative the user may read, with chapter, committee and center joined."""
    return Initiative.objects.filter(
        committee_filter(user, "responsible_committee")
    ).select_related("chapter", "chapter__agreement", "responsible_committee", "responsible_center")


def agreement_initiatives(
    *, agreement: BudgetAgreement, user, data: QueryDict | None
) -> InitiativeFilter:
    """The agreement's initiatives the user may read, filtered by the request's query string."""
    queryset = initiatives_for_user(user).filter(chapter__agreement=agreement)
    return InitiativeFilter(data=data or None, queryset=queryset, request_user=user)


def get_initiative_for_user(*, user, pk: int) -> Initiative:
    """The initiative if the user may read it; 404 for what they may not see."""
    if not has_role(user):
        raise PermissionDenied
    try:
        return initiatives_for_user(user).get(pk=pk)
    except Initiative.DoesNotExist as exc:
        raise Http404 from exc


def get_committee_for_user(*, user, code: str) -> Committee:
    if not has_role(user):
        raise PermissionDenied
    ids = committee_ids(user)
    try:
        committee = Committee.objects.get(code=code)
    except Committee.DoesNotExist as exc:
        raise Http404 from exc
    if ids is not None and committee.pk not in ids:
        raise Http404
    return committee


def committee_initiatives(*, committee: Committee) -> QuerySet[Initiative]:
    return (
        Initiative.objects.filter(responsible_committee=committee)
        .select_related("chapter", "chapter__agreement", "responsible_center")
        .order_by("-chapter__agreement__year", "chapter__number", "sort_key", "part", "order")
    )
