"""The health endpoint for load balancers: is this instance up and can it reach its database?

Load balancers probe ``/healthz`` over plain HTTP, with whatever Host header they use (often
the instance's IP address), and without a session. ``HealthCheckMiddleware`` therefore sits
first in ``MIDDLEWARE`` and answers the probe before host validation, the HTTPS redirect,
sessions, CSRF, CSP and django-axes run. The URL is also routed normally, so it can be
reversed and works if the middleware is left out.

``server_error`` (the URL configuration's ``handler500``) answers a request that failed
because the database is unreachable with 503 and a Danish "try again shortly" page, like
``/healthz``, instead of the generic error page.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, OperationalError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
# Seconds after which a client may try again during a database outage.
RETRY_AFTER = 30


def database_ok(connection: BaseDatabaseWrapper | None = None) -> bool:
    """True if the database (the default one unless given) answers ``SELECT 1``."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError as exc:
        # Django closes the broken connection when the request finishes, so the next
        # request of this worker connects afresh.
        logger.warning("health check: database %s unreachable: %s", connection.alias, exc)
        return False


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    ok = database_ok()
    response = JsonResponse(
        {"status": "ok" if ok else "error", "database": "ok" if ok else "error"},
        status=200 if ok else 503,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


class HealthCheckMiddleware:
    """Answers ``/healthz`` before any other middleware, so the probe needs no allowed host."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == HEALTH_PATH:
            return healthz(request)
        return self.get_response(request)


def is_database_unavailable(exc: BaseException | None) -> bool:
    """True if the exception (or one it was raised from) says the database cannot be used:
    refused or lost connections, timeouts (OperationalError), a closed connection
    (InterfaceError)."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def database_unavailable_response() -> HttpResponse:
    # Rendered without the request: its session and user would need the database.
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    response.database_unavailable = True
    return response


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: 503 while the database is unavailable, else the usual error page.

    Django calls it inside the handling of the exception and logs the request once
    (django.request, with the traceback), whichever status it gets.
    """
    if is_database_unavailable(sys.exc_info()[1]):
        return database_unavailable_response()
    return defaults.server_error(request)


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's session middleware, except that it leaves the session alone when the answer is
    the database-outage page: reading the session would fail again and log the outage twice."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if getattr(response, "database_unavailable", False):
            return response
        return super().process_response(request, response)
