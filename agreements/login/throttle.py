"""Failed password logins: lock-out per user name and client, and two throttles.

django-axes locks a user name out for an hour, but only from the client that failed
(``AXES_LOCKOUT_PARAMETERS``), so an attacker elsewhere cannot lock the real user out. Two
throttles, counted from django-axes' failure log (``AccessFailureLog``), add what that misses:

- per user name, from any client: after ``LOGIN_USER_FAILURES_BEFORE_DELAY`` failures within
  ``LOGIN_USER_WINDOW`` each further attempt must wait after the last failure, 15 s doubling up
  to ``LOGIN_USER_MAX_DELAY``: guessing one password from many addresses gets slow, yet the
  real user waits minutes at most;
- per client address, across user names (password spraying): at most
  ``LOGIN_CLIENT_FAILURE_LIMIT`` failures within ``LOGIN_CLIENT_WINDOW``.

A refused attempt checks no password and is not counted (django-axes'
``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT`` is off). Single sign-on logins carry no user
name and are not throttled.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessFailureLog
from django.conf import settings
from django.db.models import Count, Max
from django.http import HttpRequest
from django.utils import timezone

logger = logging.getLogger(__name__)


class Reason(StrEnum):
    ACCOUNT = "account"  # django-axes: this user name from this client
    USERNAME = "username"  # the user name, from any client
    CLIENT = "client"  # this client, across user names


@dataclass(frozen=True)
class Refusal:
    reason: Reason
    retry_after: int  # seconds


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, math.ceil((moment - now).total_seconds()))


def username_delay(failures: int) -> timedelta:
    """The wait after the last failure once a user name has ``failures`` recent failures."""
    excess = failures - settings.LOGIN_USER_FAILURES_BEFORE_DELAY
    if excess < 0:
        return timedelta(0)
    # Capped before doubling: the count can be large, the delay never exceeds the maximum.
    delay = settings.LOGIN_USER_FIRST_DELAY * 2 ** min(excess, 16)
    return min(delay, settings.LOGIN_USER_MAX_DELAY)


def password_login_refusal(
    *, username: str, client: str | None, now: datetime | None = None
) -> Refusal | None:
    """Whether a password login for ``username`` from ``client`` must wait (two queries)."""
    now = now or timezone.now()
    if client is not None:
        # The failure that has to leave the window before the client may try again.
        limit = settings.LOGIN_CLIENT_FAILURE_LIMIT
        oldest_counted = list(
            AccessFailureLog.objects.filter(
                ip_address=client, attempt_time__gt=now - settings.LOGIN_CLIENT_WINDOW
            )
            .order_by("-attempt_time")
            .values_list("attempt_time", flat=True)[limit - 1 : limit]
        )
        if oldest_counted:
            until = oldest_counted[0] + settings.LOGIN_CLIENT_WINDOW
            return Refusal(Reason.CLIENT, _seconds_until(until, now))
    recent = AccessFailureLog.objects.filter(
        username=username, attempt_time__gt=now - settings.LOGIN_USER_WINDOW
    ).aggregate(count=Count("pk"), last=Max("attempt_time"))
    if recent["count"]:
        until = recent["last"] + username_delay(recent["count"])
        if until > now:
            return Refusal(Reason.USERNAME, _seconds_until(until, now))
    return None


class LoginThrottleHandler(AxesDatabaseHandler):
    """django-axes' database handler with the two throttles added to its lock-out check.

    django-axes asks ``is_locked`` before every authentication (``AxesStandaloneBackend``), on
    the application's login page and the admin's alike; a refusal is answered by
    ``agreements.login.views.login_refused``, which reads ``request.login_refusal``.
    """

    def is_locked(self, request: HttpRequest, credentials: dict | None = None) -> bool:
        if super().is_locked(request, credentials):
            request.login_refusal = Refusal(
                Reason.ACCOUNT, int(settings.AXES_COOLOFF_TIME.total_seconds())
            )
            return True
        username = get_client_username(request, credentials)
        if not username:
            return False
        refusal = password_login_refusal(username=username, client=request.axes_ip_address)
        if refusal is None:
            return False
        request.login_refusal = refusal
        # Without the user name, which django-axes masks in its logs too: people type their
        # password into that field. The admin's "Access failures" has it.
        logger.warning(
            "login refused: too many failed logins",
            extra={
                "reason": str(refusal.reason),
                "client": request.axes_ip_address,
                "retry_after": refusal.retry_after,
            },
        )
        return True
