"""No path ever gives a 500: every URL pattern with every kind of bad value in its parameters.

The patterns come from the URL configuration, so a new view is fuzzed without a new test. Each
parameter gets a NUL byte, control characters, a very long value, non-ASCII letters, negative
and huge numbers and path tricks; each URL is requested as an administrator and as finance
staff, with GET and POST, and GET also with the same values in the query string. The answer
must be one a client can act on (400, 403, 404, 405, 409, 422, a redirect, or the page), never
a server error.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import open_round

pytestmark = pytest.mark.django_db

BAD_VALUES = [
    "1%00",
    "%0A%0D",
    "-1",
    "9" * 30,
    "x" * 3000,
    "%C3%A6%C3%B8%C3%A5%F0%9F%98%80",  # æøå and an emoji
    "%FF%FE",  # not UTF-8
    "%2e%2e",
]
# Admin's patterns are many and alike (Django's own code): the values that broke one before.
ADMIN_VALUES = ["1%00", "9" * 30, "%C3%A6%C3%B8%C3%A5", "-1"]
ALLOWED = {200, 301, 302, 400, 403, 404, 405, 409, 422}
PARAMETER = re.compile(r"<(?:[^:>]+:)?([^>]+)>")


def routes(patterns=None, prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    """(name, route) of every named pattern below the root, admin's included."""
    found = []
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            found += routes(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or route
            found.append((f"{namespace}:{name}" if namespace else name, route))
    return found


def fuzzed_paths(route: str, values: list[str] = BAD_VALUES) -> list[str]:
    """The route with each bad value in every parameter."""
    if route.startswith("^") or "(?P" in route:
        # A regular-expression pattern (admin's catch-all): try it with the values as its tail.
        return [f"/admin/{value}/" for value in values] if "admin" in route else []
    if not PARAMETER.findall(route):
        return []
    return ["/" + PARAMETER.sub(value, route) for value in values]


ROUTES = [(name, route) for name, route in routes() if fuzzed_paths(route)]
OWN = [(name, route) for name, route in ROUTES if not name.startswith("admin")]
ADMIN = [(name, route) for name, route in ROUTES if name.startswith("admin")]


@pytest.fixture
def world(committee_a, admin_user, finance_user):
    from tests.factories import BudgetAgreementFactory, ChapterFactory, InitiativeFactory

    agreement = BudgetAgreementFactory(year=2019)
    InitiativeFactory(
        chapter=ChapterFactory(agreement=agreement), responsible_committee=committee_a
    )
    open_round(agreement)
    return {"admin": admin_user, "finance": finance_user}


def request_all(client: Client, paths: list[str], methods=("get", "post")) -> list[str]:
    failures = []
    for path in paths:
        for method in methods:
            response = getattr(client, method)(path)
            if response.status_code not in ALLOWED:
                failures.append(f"{method.upper()} {path[:120]} → {response.status_code}")
        query = path.rsplit("/", 2)[-2] if path.count("/") > 2 else ""
        response = client.get(f"/opfoelgning/?q={query}&committee={query}")
        if response.status_code not in ALLOWED:
            failures.append(f"GET ...?q={query[:40]} → {response.status_code}")
    return failures


def test_the_fuzz_covers_the_application_s_patterns():
    names = {name for name, _ in OWN}
    assert {"milestones:row", "milestones:committee", "reports:committee"} <= names
    assert "finance:status_workbook_committee" in names


@pytest.mark.parametrize("role", ["admin", "finance"])
@pytest.mark.parametrize(("name", "route"), OWN, ids=[name for name, _ in OWN])
def test_no_bad_path_gives_a_server_error(world, role, name, route):
    client = Client(raise_request_exception=False)
    client.force_login(world[role])
    failures = request_all(client, fuzzed_paths(route))
    assert not failures, "\n".join(failures)


def test_no_bad_admin_path_gives_a_server_error(world):
    client = Client(raise_request_exception=False)
    client.force_login(world["admin"])
    paths = sorted({path for _, route in ADMIN for path in fuzzed_paths(route, ADMIN_VALUES)})
    failures = request_all(client, paths, methods=("get",))
    assert not failures, "\n".join(failures)
