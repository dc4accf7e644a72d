"""Who may see and change what: one place for the role and committee rules.

- Administrators (superusers) see and change everything.
- Finance staff (Økonomi og Styring) see and change every committee's data, or only their
  assigned committees when an administrator has restricted them.
- Committee secretaries read the data of their own committees.
- A logged-in user without a role sees nothing.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from agreements.models import Committee, Role, StaffProfile

User = AbstractBaseUser | AnonymousUser


def _profile(user: User) -> StaffProfile | None:
    if not user.is_authenticated:
        return None
    try:
        return user.staff_profile
    except StaffProfile.DoesNotExist:
        return None


def is_admin(user: User) -> bool:
    return bool(user.is_authenticated and user.is_superuser)


def is_finance(user: User) -> bool:
    profile = _profile(user)
    return is_admin(user) or (profile is not None and profile.role == Role.FINANCE)


def has_role(user: User) -> bool:
    return is_admin(user) or _profile(user) is not None


def committee_ids(user: User) -> set[int] | None:
    """The committees whose data the user may read; None means every committee.

    Kept on the user object for the rest of the request, as Django keeps the user itself.
    """
    if not hasattr(user, "_committee_ids"):
        user._committee_ids = _committee_ids(user)
    return user._committee_ids


def _committee_ids(user: User) -> set[int] | None:
    if is_admin(user):
        return None
    profile = _profile(user)
    if profile is None:
        return set()
    ids = set(profile.committees.values_list("pk", flat=True))
    if profile.role == Role.FINANCE and not ids:
        return None
    return ids


def visible_committees(user: User) -> QuerySet[Committee]:
    ids = committee_ids(user)
    committees = Committee.objects.all()
    return committees if ids is None else committees.filter(pk__in=ids)


def committee_filter(user: User, field: str) -> Q:
    """A Q object restricting ``field`` (a path to a Committee) to what the user may read."""
    ids = committee_ids(user)
    if ids is None:
        return Q()
    return Q(**{f"{field}__in": ids})


def can_read_committee(user: User, committee_id: int | None) -> bool:
    ids = committee_ids(user)
    return ids is None or committee_id in ids


def can_edit_committee(user: User, committee_id: int | None) -> bool:
    return is_finance(user) and can_read_committee(user, committee_id)
