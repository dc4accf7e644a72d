"""The health endpoint for load balancers: is this instance up and can it reach its database?

Load balancers probe ``/healthz`` over plain HTTP, with whatever Host header they use (often
the instance's IP address), and without a session. ``HealthCheckMiddleware`` therefore sits
first in ``MIDDLEWARE`` and answers the probe before host validation, the HTTPS redirect,
sessions, CSRF, CSP and django-axes run. The URL is also routed normally, so it can be
reversed and works if the middleware is left out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"


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
