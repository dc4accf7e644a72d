"""Every URL of the application × every role → the expected response.

The list of URLs comes from the URL configuration: a new view without an entry in EXPECTED
fails ``test_every_url_has_an_expectation``, so no view can be forgotten.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from milestones.services import round_open
from tests.factories import (
    BudgetAgreementFactory,
    ChapterFactory,
    InitiativeFactory,
    MilestoneFactory,
    row_post_data,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "no_role", "secretary_other", "secretary", "finance", "admin"]
SKIPPED_NAMESPACES = {"admin"}  # Django admin has its own permission checks, tested there


@dataclass
class Case:
    method: str
    args: Callable[[dict], list]
    expected: dict[str, int]  # role -> status code
    data: Callable[[dict], dict] | None = None


def _read(args=lambda w: []) -> Case:
    return Case(
        "get",
        args,
        {
            "anonymous": 302,
            "no_role": 403,
            "secretary_other": 200,
            "secretary": 200,
            "finance": 200,
            "admin": 200,
        },
    )


def _read_object(args) -> Case:
    # Objects of committee A: a secretary of committee B does not see them (404).
    return Case(
        "get",
        args,
        {
            "anonymous": 302,
            "no_role": 403,
            "secretary_other": 404,
            "secretary": 200,
            "finance": 200,
            "admin": 200,
        },
    )


def _row_data(w) -> dict:
    return row_post_data(w["round"], w["initiative"], smiley="green", economy_smiley="green")


def _finance_only(args) -> Case:
    return Case(
        "get",
        args,
        {
            "anonymous": 302,
            "no_role": 403,
            "secretary_other": 403,
            "secretary": 403,
            "finance": 200,
            "admin": 200,
        },
    )


# An Excel import belongs to the finance user who uploaded it; others get 404.
_IMPORT = {
    "anonymous": 302,
    "no_role": 403,
    "secretary_other": 403,
    "secretary": 403,
    "finance": 302,
    "admin": 404,
}


def _import_batch(w) -> int:
    from django.contrib.auth import get_user_model

    from finance.models import ImportBatch

    return ImportBatch.objects.create(
        kind="statuses",
        round=w["round"],
        file_sha256="0" * 64,
        file_size=1,
        uploaded_by=get_user_model().objects.get(username="oekonomi-test"),
        plan={"kind": "statuses"},
    ).pk


EXPECTED: dict[str, Case | list[Case]] = {
    "home": Case("get", lambda w: [], {r: 302 for r in ROLES}),
    "login": Case(
        "get",
        lambda w: [],
        {
            "anonymous": 200,
            "no_role": 302,
            "secretary_other": 302,
            "secretary": 302,
            "finance": 302,
            "admin": 302,
        },
    ),
    "logout": Case("post", lambda w: [], {r: 302 for r in ROLES}),
    "healthz": Case("get", lambda w: [], {r: 200 for r in ROLES}),
    # Single sign-on is not configured in the tests' settings (tests/accounts/ configure it).
    "accounts:oidc_login": Case("get", lambda w: [], {r: 404 for r in ROLES}),
    "accounts:oidc_callback": Case("get", lambda w: [], {r: 404 for r in ROLES}),
    "agreements:list": _read(),
    "finance:agreement": _read(lambda w: [w["agreement"].year]),
    "finance:initiative": _read_object(lambda w: [w["initiative"].pk]),
    "milestones:committee": _read_object(lambda w: [w["committee"].code]),
    "finance:milestone_plan": Case(
        "post",
        lambda w: [w["initiative"].pk],
        {
            "anonymous": 302,
            "no_role": 403,
            "secretary_other": 404,
            "secretary": 403,
            "finance": 302,
            "admin": 302,
        },
        data=lambda w: {
            "text_1": "Ny milepæl",
            "initial-text_1": w["status"].milestone.text,
            **{f"text_{p}": "" for p in (2, 3, 4)},
            **{f"initial-text_{p}": "" for p in (2, 3, 4)},
        },
    ),
    "milestones:list": _read(),
    "milestones:round": _read(lambda w: [w["round"].pk]),
    "milestones:overview": _read(lambda w: [w["round"].pk]),
    "milestones:open": Case(
        "get",
        lambda w: [],
        {
            "anonymous": 302,
            "no_role": 403,
            "secretary_other": 403,
            "secretary": 403,
            "finance": 200,
            "admin": 200,
        },
    ),
    "milestones:row": [
        # The row opened (for editing, or read-only for a secretary).
        _read_object(lambda w: [w["round"].pk, w["initiative"].pk]),
        Case(
            "post",
            lambda w: [w["round"].pk, w["initiative"].pk],
            {
                "anonymous": 302,
                "no_role": 403,
                "secretary_other": 404,
                "secretary": 403,
                "finance": 302,
                "admin": 302,
            },
            data=_row_data,
        ),
    ],
    "milestones:lock": Case(
        "get",
        lambda w: [w["round"].pk],
        {
            "anonymous": 302,
            "no_role": 403,
            "secretary_other": 403,
            "secretary": 403,
            "finance": 200,
            "admin": 200,
        },
    ),
    "milestones:unlock": Case(
        "get",
        lambda w: [w["round"].pk],
        {
            "anonymous": 302,
            "no_role": 403,
            "secretary_other": 403,
            "secretary": 403,
            "finance": 403,
            "admin": 200,
        },
    ),
    # Reports (PDF): a committee's for whoever reads the committee, the whole municipality's
    # only for those who read every committee.
    "reports:committee": _read_object(lambda w: [w["round"].pk, w["committee"].code]),
    "reports:municipality": Case(
        "get",
        lambda w: [w["round"].pk],
        {
            "anonymous": 302,
            "no_role": 403,
            "secretary_other": 403,
            "secretary": 403,
            "finance": 200,
            "admin": 200,
        },
    ),
    # Excel: overviews for every reader (of their committees), collection workbooks and
    # uploads for finance; an import's preview only for its uploader (finance here).
    "finance:appropriation_overview": _read(lambda w: [w["agreement"].year]),
    "finance:round_overview": _read(lambda w: [w["round"].pk]),
    "finance:appropriation_template": _finance_only(lambda w: [w["agreement"].year]),
    "finance:appropriation_import": _finance_only(lambda w: [w["agreement"].year]),
    "finance:status_import": _finance_only(lambda w: [w["round"].pk]),
    "finance:status_workbook_center": _finance_only(
        lambda w: [w["round"].pk, w["initiative"].responsible_center_id]
    ),
    "finance:status_workbook_committee": Case(
        "get",
        lambda w: [w["round"].pk, w["committee"].code],
        {
            "anonymous": 302,
            "no_role": 403,
            "secretary_other": 404,
            "secretary": 403,
            "finance": 200,
            "admin": 200,
        },
    ),
    "finance:import_preview": Case("get", lambda w: [_import_batch(w)], _IMPORT | {"finance": 200}),
    "finance:import_confirm": Case("post", lambda w: [_import_batch(w)], _IMPORT),
    "finance:import_cancel": Case("post", lambda w: [_import_batch(w)], _IMPORT),
}


def _url_names(patterns, namespace: str = "") -> list[str]:
    names = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in SKIPPED_NAMESPACES:
                continue
            inner = pattern.namespace or namespace
            if namespace and pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}"
            names += _url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.append(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


URL_NAMES = sorted(set(_url_names(get_resolver().url_patterns)))


def test_every_url_has_an_expectation():
    missing = [name for name in URL_NAMES if name not in EXPECTED]
    assert not missing, f"Add these URLs to the permission matrix: {missing}"


@pytest.fixture
def world(committee_a, committee_b, admin_user):
    agreement = BudgetAgreementFactory(year=2019)
    chapter = ChapterFactory(agreement=agreement, number=1)
    initiative = InitiativeFactory(chapter=chapter, number="1.1", responsible_committee=committee_a)
    MilestoneFactory(initiative=initiative, point=1, text="Milepæl")
    round_ = round_open(agreement=agreement, point=1, deadline=None, actor=admin_user)
    return {
        "agreement": agreement,
        "initiative": initiative,
        "committee": committee_a,
        "round": round_,
        "status": round_.milestone_statuses.get(),
        "economy": round_.economy_lines.get(),
    }


@pytest.fixture
def users(admin_user, finance_user, secretary_a, secretary_b, no_role_user):
    return {
        "anonymous": None,
        "no_role": no_role_user,
        "secretary_other": secretary_b,
        "secretary": secretary_a,
        "finance": finance_user,
        "admin": admin_user,
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", URL_NAMES)
def test_permission_matrix(name, role, world, users):
    cases = EXPECTED.get(name)
    assert cases is not None, f"{name} has no entry in the permission matrix"
    for case in cases if isinstance(cases, list) else [cases]:
        client = Client()
        if users[role] is not None:
            client.force_login(users[role])
        url = reverse(name, args=case.args(world))
        data = case.data(world) if case.data else {}
        response = getattr(client, case.method)(url, data)
        assert response.status_code == case.expected[role], (
            f"{case.method.upper()} {url} as {role}: {response.status_code}, "
            f"expected {case.expected[role]}"
        )
