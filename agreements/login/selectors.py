"""Reads for logging in: what a user's single sign-on groups grant."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from agreements.models import Role, SsoGroupMapping

# Finance staff may do all a secretary may (agreements/permissions.py), so when a user's groups
# grant both, the stronger role is the one kept. A new role takes its place in this order.
ROLE_ORDER = [Role.FINANCE, Role.SECRETARY]


@dataclass(frozen=True)
class GroupAccess:
    """What a set of provider groups grants. ``committee_ids`` empty: every committee for
    finance staff (as ``StaffProfile``), none for a secretary."""

    is_administrator: bool
    role: Role | None
    committee_ids: frozenset[int]
    matched_groups: tuple[str, ...]

    @property
    def grants_anything(self) -> bool:
        return self.is_administrator or self.role is not None


def normalize_group(name: str) -> str:
    return name.strip().casefold()


def access_for_groups(groups: Iterable[str]) -> GroupAccess:
    """Combine the mappings of every group the user is in (two queries).

    The mappings are few, so they are matched in Python: the same case folding on SQLite and
    PostgreSQL, for "Økonomi" as for "okonomi".
    """
    wanted = {normalize_group(g) for g in groups}
    matched = [
        m
        for m in SsoGroupMapping.objects.prefetch_related("committees")
        if normalize_group(m.group) in wanted
    ]
    roles = {m.role for m in matched if m.role}
    role = next((r for r in ROLE_ORDER if r in roles), None)
    with_role = [m for m in matched if role is not None and m.role == role]
    if role == Role.FINANCE and any(not m.committees.all() for m in with_role):
        # One finance group for every committee makes the union every committee.
        committee_ids = frozenset()
    else:
        committee_ids = frozenset(c.pk for m in with_role for c in m.committees.all())
    return GroupAccess(
        is_administrator=any(m.is_administrator for m in matched),
        role=role,
        committee_ids=committee_ids,
        matched_groups=tuple(sorted(m.group for m in matched)),
    )
