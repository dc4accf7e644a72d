"""Request and response rules every page shares."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

# C0 controls and DEL: no URL of the application has them, and a NUL cannot even be sent to
# PostgreSQL (it would end the request in an error rather than a "not found").
_CONTROL = re.compile("[\x00-\x1f\x7f]")


class BadPath(SuspiciousOperation):
    """A path with control characters or a query string with a NUL byte: answered 400
    (templates/400.html)."""


class RequestSanityMiddleware:
    """Refuses requests whose path carries control characters, or whose query string carries
    a NUL byte (which no filter can send to PostgreSQL), with 400."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _CONTROL.search(request.path) or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            raise BadPath("Control character in the request's path or NUL in its query.")
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages for signed-in users are never kept in the browser's cache.

    A page shown again from the cache (the Back button) would show values that are no longer
    stored, and a save from it would start from them. ``no-store`` makes the browser fetch the
    page again; a page restored from the back/forward cache reloads itself (static/js/app.js).
    Responses that set their own caching (files, reports) keep it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # The user as the view saw it: asking again would read the session and the database,
        # which on a 503 are the very things that failed. A view for signed-in users has read it.
        user = getattr(request, "_cached_user", None)
        if (
            user is not None
            and user.is_authenticated
            and "Cache-Control" not in response
            and response.get("Content-Type", "").startswith("text/html")
        ):
            add_never_cache_headers(response)
        return response
