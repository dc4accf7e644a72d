"""Who may see and change what: one place for every role rule.

- Administrators (superusers) see and change everything, and alone unlock a locked round.
- Finance staff (Økonomi og Styring) see and change every committee's data, or only their
  assigned committees when an administrator has restricted them. Unrestricted finance staff
  open and lock rounds (they concern every committee) and read the whole municipality's report.
- Committee secretaries read the data of their own committees.
- A logged-in user without a role sees nothing.

Views, services, admin and imports ask these functions; none of them derives a rule itself.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from agreements.models import Committee, Role, StaffProfile

User = AbstractBaseUser | AnonymousUser


def _role_and_committees(user: User | None) -> tuple[str | None, frozenset[int]]:
    """The user's role and assigned committees, read in one query and kept on the user object
    for the rest of the request (as Django keeps the user itself)."""
    if user is None or not user.is_authenticated:
        return None, frozenset()
    cached = getattr(user, "_role_and_committees", None)
    if cached is None:
        rows = list(StaffProfile.objects.filter(user_id=user.pk).values_list("role", "committees"))
        role = rows[0][0] if rows else None
        cached = (role, frozenset(pk for _, pk in rows if pk is not None))
        user._role_and_committees = cached
    return cached


def role(user: User | None) -> str | None:
    return _role_and_committees(user)[0]


def is_admin(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_superuser)


def is_finance(user: User | None) -> bool:
    return is_admin(user) or role(user) == Role.FINANCE


def has_role(user: User | None) -> bool:
    return is_admin(user) or role(user) is not None


def committee_ids(user: User | None) -> frozenset[int] | None:
    """The committees whose data the user may read; None means every committee."""
    if is_admin(user):
        return None
    role_, ids = _role_and_committees(user)
    if role_ is None:
        return frozenset()
    if role_ == Role.FINANCE and not ids:
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


def can_edit_initiative(user: User, initiative) -> bool:
    """May ``user`` write the statuses, economy line and milestone plan of ``initiative``?"""
    return can_edit_committee(user, initiative.responsible_committee_id)


def can_manage_rounds(user: User) -> bool:
    """Open and lock follow-up rounds: they concern every committee, so finance staff for all
    committees (and administrators)."""
    return is_finance(user) and committee_ids(user) is None


def can_unlock_round(user: User) -> bool:
    return is_admin(user)


def can_maintain_agreements(user: User) -> bool:
    """Create and change agreements, chapters and initiatives."""
    return can_manage_rounds(user)


def can_read_whole_municipality(user: User) -> bool:
    """The whole municipality's report shows every committee: for those who read every one."""
    return has_role(user) and committee_ids(user) is None


def can_import(user: User) -> bool:
    """Upload Excel workbooks (each change is then checked per committee)."""
    return is_finance(user)
