"""Writes for logging in: the single sign-on user and the role their groups grant."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.db import transaction

from agreements.login.selectors import GroupAccess, access_for_groups
from agreements.models import StaffProfile

logger = logging.getLogger(__name__)

User = get_user_model()


class LocalAccountConflict(Exception):
    """A local (password) account already has the user name a provider's subject maps to."""


def username_for_subject(subject: str) -> str:
    """The user name of the provider's subject (``sub``): the subject itself, which is stable
    and unique at the provider, or its SHA-256 when it is longer than a user name may be."""
    max_length = User._meta.get_field("username").max_length
    if len(subject) <= max_length:
        return subject
    return "sub-" + hashlib.sha256(subject.encode()).hexdigest()


def _fit(model_field: str, value: str) -> str:
    return value[: User._meta.get_field(model_field).max_length]


@transaction.atomic
def sso_user_sync(
    *,
    user: AbstractUser | None,
    subject: str,
    first_name: str,
    last_name: str,
    email: str,
    groups: Iterable[str],
) -> AbstractUser:
    """Create or update a single sign-on user from the provider's claims, and set their role
    from their groups, as at every single sign-on login.

    A single sign-on user has no usable password; a local account with the same user name is
    never taken over (``LocalAccountConflict``).
    """
    if user is None:
        username = username_for_subject(subject)
        if User.objects.filter(username=username).exists():
            raise LocalAccountConflict(username)
        user = User(username=username)
        user.set_unusable_password()
        logger.info("single sign-on: new user", extra={"username": username})
    values = {
        "first_name": _fit("first_name", first_name),
        "last_name": _fit("last_name", last_name),
        "email": _fit("email", email),
    }
    changed = [name for name, value in values.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, values[name])
    if user.pk is None:
        user.save()
    elif changed:
        user.save(update_fields=changed)
    staff_access_set_from_groups(user=user, groups=groups)
    return user


@transaction.atomic
def staff_access_set_from_groups(*, user: AbstractUser, groups: Iterable[str]) -> GroupAccess:
    """Give ``user`` exactly what their provider groups grant (``SsoGroupMapping``): the
    administrator flag, and the role and committees of their ``StaffProfile``, or no profile.
    What each role may see and do is decided in ``agreements/permissions.py``."""
    groups = list(groups)
    access = access_for_groups(groups)
    before = _describe(user)

    admin = access.is_administrator
    if user.is_superuser != admin or user.is_staff != admin:
        # Administrators use Django admin (is_staff); nobody else from single sign-on does.
        user.is_superuser = user.is_staff = admin
        user.save(update_fields=["is_superuser", "is_staff"])

    profile = StaffProfile.objects.select_for_update().filter(user=user).first()
    if access.role is None:
        if profile is not None:
            profile.delete()
    else:
        if profile is None:
            profile = StaffProfile.objects.create(user=user, role=access.role)
        elif profile.role != access.role:
            profile.role = access.role
            profile.save(update_fields=["role"])
        if set(profile.committees.values_list("pk", flat=True)) != access.committee_ids:
            profile.committees.set(access.committee_ids)
    # The user object goes on to be logged in: it must not keep a stale profile cached (the
    # relation, and agreements.permissions' committee ids).
    user._state.fields_cache.pop("staff_profile", None)
    user.__dict__.pop("_committee_ids", None)

    after = _describe(user)
    if after != before:
        logger.info(
            "single sign-on: access changed",
            extra={
                "username": user.get_username(),
                "before": before,
                "after": after,
                "groups": ",".join(access.matched_groups),
            },
        )
    return access


def _describe(user: AbstractUser) -> str:
    """The access as one line for the log: "administrator", "finance:ØKU,EBU", "none"."""
    if user.pk is None:
        return "none"
    parts = ["administrator"] if user.is_superuser else []
    profile = StaffProfile.objects.filter(user=user).first()
    if profile is not None:
        codes = sorted(profile.committees.values_list("code", flat=True))
        parts.append(f"{profile.role}:{','.join(codes) or '*'}")
    return " ".join(parts) or "none"
