"""The answers to logins that are refused."""

from __future__ import annotations

import math

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.throttle import Reason, Refusal


def _wait(seconds: int) -> str:
    if seconds < 60:
        return ngettext("%(n)d sekund", "%(n)d sekunder", seconds) % {"n": seconds}
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return ngettext("%(n)d minut", "%(n)d minutter", minutes) % {"n": minutes}
    hours = math.ceil(minutes / 60)
    return ngettext("%(n)d time", "%(n)d timer", hours) % {"n": hours}


def login_refused(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer (``AXES_LOCKOUT_CALLABLE``) to a locked-out or throttled login."""
    refusal = getattr(request, "login_refusal", None) or Refusal(
        Reason.ACCOUNT, int(settings.AXES_COOLOFF_TIME.total_seconds())
    )
    wait = _wait(refusal.retry_after)
    if refusal.reason == Reason.CLIENT:
        title = _("For mange forsøg fra din adresse")
        message = _(
            "Der har været for mange mislykkede forsøg på at logge ind fra din adresse. "
            "Prøv igen om %(wait)s."
        ) % {"wait": wait}
    elif refusal.reason == Reason.USERNAME:
        title = _("Vent lidt, før du prøver igen")
        message = _(
            "Der har været mange mislykkede forsøg på at logge ind som denne bruger. "
            "Vent %(wait)s, og prøv så igen."
        ) % {"wait": wait}
    else:
        title = _("Kontoen er midlertidigt spærret")
        message = _(
            "Der har været for mange mislykkede forsøg på at logge ind som denne bruger fra din "
            "adresse. Prøv igen om %(wait)s, eller kontakt en administrator."
        ) % {"wait": wait}
    response = render(
        request,
        "registration/locked_out.html",
        {"title": title, "message": message},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    response["Retry-After"] = str(refusal.retry_after)
    return response
