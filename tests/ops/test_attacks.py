"""Attacks on our own views. Each attempt must get a 4xx and change nothing in the database.

The POST views are found in the URL configuration, so a new view cannot be forgotten: a view
that accepts POST and has no entry in ``POST_VIEWS`` fails
``test_every_post_view_has_attack_cases``.
"""

from __future__ import annotations

import inspect
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views.generic import RedirectView
from pypdf import PdfReader

from agreements.models import Role
from milestones.models import TEXT_MAX_LENGTH, FollowUpRound, MilestoneStatus
from milestones.services import round_lock, round_open
from tests.factories import (
    BudgetAgreementFactory,
    ChapterFactory,
    InitiativeFactory,
    MilestoneFactory,
    StaffProfileFactory,
)

pytestmark = pytest.mark.django_db

# Django's own admin is tested by Django; everything else in the URL configuration is ours.
FOREIGN_NAMESPACES = {"admin"}
HTMX = {"HTTP_HX_REQUEST": "true"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- Finding the POST views ---------------------------------------------------------------


def iter_views(patterns=None, namespace: str = "") -> Iterator[tuple[str, Callable]]:
    """(namespaced URL name, view callable) for every named URL pattern."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in FOREIGN_NAMESPACES:
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from iter_views(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern.callback


def allowed_methods(view: Callable) -> set[str] | None:
    """The methods a view accepts, from its class or its require_http_methods decorator;
    None if the view does not restrict them."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return {m.upper() for m in view_class.http_method_names if hasattr(view_class, m)}
    layer = view
    while layer is not None:
        closure = inspect.getclosurevars(layer).nonlocals
        if "request_method_list" in closure:
            return {m.upper() for m in closure["request_method_list"]}
        layer = getattr(layer, "__wrapped__", None)
    return None


def accepts_post(view: Callable) -> bool:
    if issubclass(getattr(view, "view_class", object), RedirectView):
        return False  # answers every method with the same redirect; reads nothing
    methods = allowed_methods(view)
    if methods is not None:
        return "POST" in methods
    # An unrestricted function view accepts POST; count it if it, or a function of its module
    # that it calls, reads the submitted data or looks at the method.
    return any(
        marker in source
        for source in _sources(inspect.unwrap(view), depth=3)
        for marker in ("request.POST", "request.FILES", '"POST"')
    )


def _sources(function: Callable, depth: int) -> Iterator[str]:
    source = inspect.getsource(function)
    yield source
    if depth == 0:
        return
    module = inspect.getmodule(function)
    for name, value in vars(module).items():
        if (
            inspect.isfunction(value)
            and value is not function
            and getattr(value, "__module__", None) == module.__name__
            and f"{name}(" in source
        ):
            yield from _sources(inspect.unwrap(value), depth - 1)


def post_view_names() -> set[str]:
    return {name for name, view in iter_views() if accepts_post(view)}


# --- The world the attacks run in ---------------------------------------------------------


@dataclass
class World:
    committee_a: object
    committee_b: object
    agreement: object
    initiative_a: object
    initiative_b: object
    open_round: FollowUpRound
    locked_round: FollowUpRound
    users: dict[str, object] = field(default_factory=dict)
    _batch: object = None

    def status(self, round_: FollowUpRound, initiative) -> MilestoneStatus:
        return MilestoneStatus.objects.get(round=round_, milestone__initiative=initiative)

    def economy(self, round_: FollowUpRound, initiative):
        return round_.economy_lines.get(initiative=initiative)

    def row_data(self, round_: FollowUpRound, initiative, **overrides) -> dict:
        """A row post as the browser sends it: the values shown (``initial-...``) and the
        new ones."""
        status = self.status(round_, initiative)
        economy = self.economy(round_, initiative)
        shown = {
            "milestone_text": status.milestone.text,
            "smiley": status.smiley,
            "text": status.text,
            "economy_text": economy.text,
            "economy_smiley": economy.smiley,
            "economy_status_text": economy.status_text,
        }
        data = {f"initial-{name}": value for name, value in shown.items()} | {
            "milestone_text": status.milestone.text,
            "smiley": "yellow",
            "text": "Processen er forsinket.",
            "economy_text": "Besparelse i 2019: 0,5 mio. kr.",
            "economy_smiley": "green",
            "economy_status_text": "Besparelsen er opnået.",
        }
        data.update(overrides)
        return data

    def workbook(self, round_: FollowUpRound | None = None) -> bytes:
        from finance import exports

        return exports.status_workbook(round=round_ or self.open_round, user=self.users["finance"])

    def appropriation_template(self) -> bytes:
        from finance import exports

        return exports.appropriation_template(agreement=self.agreement, user=self.users["finance"])

    def upload(self, content: bytes | None = None, name: str = "status.xlsx") -> dict:
        from django.core.files.uploadedfile import SimpleUploadedFile

        content = self.workbook() if content is None else content
        return {"file": SimpleUploadedFile(name, content, content_type=XLSX)}

    def batch(self):
        """An import of the open round's status workbook, uploaded by finance, pending."""
        if self._batch is None:
            from django.core.files.uploadedfile import SimpleUploadedFile

            from finance.models import ImportKind
            from finance.services import import_batch_create

            self._batch = import_batch_create(
                kind=ImportKind.STATUSES,
                upload=SimpleUploadedFile("status.xlsx", self.workbook(), content_type=XLSX),
                actor=self.users["finance"],
                round=self.open_round,
            )
        return self._batch

    def plan_data(self, initiative, **overrides) -> dict:
        texts = {m.point: m.text for m in initiative.milestones.all()}
        locked = set(
            FollowUpRound.objects.filter(
                agreement_id=initiative.chapter.agreement_id, state="locked"
            ).values_list("point", flat=True)
        )
        data = {}
        for point in (1, 2, 3, 4):
            # As a browser: the field of a locked point is disabled and not sent.
            if point not in locked:
                data[f"text_{point}"] = f"Ny milepæl {point}."
            data[f"initial-text_{point}"] = texts.get(point, "")
        data.update(overrides)
        return data


@pytest.fixture
def world(committee_a, committee_b, admin_user, finance_user, secretary_a, secretary_b):
    agreement = BudgetAgreementFactory(year=2019, title="Aftale om budget 2019")
    chapter = ChapterFactory(agreement=agreement, number=5, title="En førende erhvervsby")
    initiative_a = InitiativeFactory(
        chapter=chapter,
        number="5.1",
        title="Udvikling af Kildedal",
        responsible_committee=committee_a,
    )
    initiative_b = InitiativeFactory(
        chapter=chapter,
        number="5.2",
        title="Skolernes madordning",
        responsible_committee=committee_b,
    )
    for initiative in (initiative_a, initiative_b):
        for point in (1, 2):
            MilestoneFactory(initiative=initiative, point=point, text=f"Milepæl {point}.")
    open_round = round_open(agreement=agreement, point=1, deadline=None, actor=admin_user)
    locked_round = round_open(agreement=agreement, point=2, deadline=None, actor=admin_user)
    locked_round = round_lock(round=locked_round, actor=admin_user)
    finance_a = StaffProfileFactory(
        user__username="oekonomi-a", role=Role.FINANCE, committees=[committee_a]
    ).user
    return World(
        committee_a=committee_a,
        committee_b=committee_b,
        agreement=agreement,
        initiative_a=initiative_a,
        initiative_b=initiative_b,
        open_round=open_round,
        locked_round=locked_round,
        users={
            "admin": admin_user,
            "finance": finance_user,
            "finance_a": finance_a,
            "secretary_a": secretary_a,
            "secretary_b": secretary_b,
        },
    )


def snapshot() -> dict[str, list[tuple]]:
    """Every row of our apps (history included) and of the users: what must not change."""
    rows = {}
    model_list = [get_user_model()]
    for label in ("agreements", "milestones", "finance"):
        model_list.extend(apps.get_app_config(label).get_models())
    tables = set(connection.introspection.table_names())
    for model in model_list:
        if model._meta.db_table in tables:  # a model whose migration is still to come
            rows[model._meta.label] = list(model._base_manager.order_by("pk").values_list())
    return rows


def client_as(user, *, enforce_csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf)
    if user is not None:
        client.force_login(user)
    return client


# --- The attack cases of each POST view ---------------------------------------------------


@dataclass
class Attempt:
    """One forbidden request: who, where, what; the statuses that count as refused."""

    label: str
    user: str | None
    url: Callable[[World], str]
    data: Callable[[World], dict]
    expected: tuple[int, ...]
    method: str = "post"
    headers: dict = field(default_factory=dict)


@dataclass
class PostView:
    """A POST view: the allowed request (used for the CSRF attack) and the refused ones."""

    user: str
    url: Callable[[World], str]
    data: Callable[[World], dict]
    post_only: bool
    attempts: list[Attempt]


def save_url(round_attr: str, initiative_attr: str) -> Callable[[World], str]:
    return lambda w: reverse(
        "milestones:row",
        args=[getattr(w, round_attr).pk, getattr(w, initiative_attr).pk],
    )


def save_data(round_attr: str, initiative_attr: str, **overrides) -> Callable[[World], dict]:
    return lambda w: w.row_data(getattr(w, round_attr), getattr(w, initiative_attr), **overrides)


def plan_url(initiative_attr: str) -> Callable[[World], str]:
    return lambda w: reverse("finance:milestone_plan", args=[getattr(w, initiative_attr).pk])


def plan_data(initiative_attr: str, **overrides) -> Callable[[World], dict]:
    return lambda w: w.plan_data(getattr(w, initiative_attr), **overrides)


def round_url(name: str, round_attr: str = "open_round") -> Callable[[World], str]:
    return lambda w: reverse(name, args=[getattr(w, round_attr).pk])


def open_data(**overrides) -> Callable[[World], dict]:
    return lambda w: {
        "agreement": w.agreement.pk,
        "point": 3,
        "deadline": "2019-05-01",
        **overrides,
    }


TOO_LONG = "x" * (TEXT_MAX_LENGTH + 1)
NOT_FOUND_OR_FORBIDDEN = (403, 404)
MISSING_ROUND = lambda name: lambda w: reverse(name, args=[999_999])  # noqa: E731

POST_VIEWS: dict[str, PostView] = {
    "milestones:row": PostView(
        user="finance",
        url=save_url("open_round", "initiative_a"),
        data=save_data("open_round", "initiative_a"),
        post_only=False,  # GET opens the row
        attempts=[
            Attempt(
                "other committee's row (restricted finance)",
                "finance_a",
                save_url("open_round", "initiative_b"),
                save_data("open_round", "initiative_b"),
                NOT_FOUND_OR_FORBIDDEN,
            ),
            Attempt(
                "other committee's row via htmx",
                "finance_a",
                save_url("open_round", "initiative_b"),
                save_data("open_round", "initiative_b"),
                NOT_FOUND_OR_FORBIDDEN,
                headers=HTMX,
            ),
            Attempt(
                "secretary writes own committee's row",
                "secretary_a",
                save_url("open_round", "initiative_a"),
                save_data("open_round", "initiative_a"),
                (403,),
            ),
            Attempt(
                "secretary writes other committee's row",
                "secretary_a",
                save_url("open_round", "initiative_b"),
                save_data("open_round", "initiative_b"),
                NOT_FOUND_OR_FORBIDDEN,
            ),
            Attempt(
                "user without role",
                "no_role",
                save_url("open_round", "initiative_a"),
                save_data("open_round", "initiative_a"),
                (403,),
            ),
            Attempt(
                "anonymous is sent to the login",
                None,
                save_url("open_round", "initiative_a"),
                save_data("open_round", "initiative_a"),
                (302,),
            ),
            Attempt(
                "locked round",
                "finance",
                save_url("locked_round", "initiative_a"),
                save_data("locked_round", "initiative_a"),
                (403,),
            ),
            Attempt(
                "locked round via htmx",
                "finance",
                save_url("locked_round", "initiative_a"),
                save_data("locked_round", "initiative_a"),
                (403,),
                headers=HTMX,
            ),
            Attempt(
                "locked round by admin",
                "admin",
                save_url("locked_round", "initiative_a"),
                save_data("locked_round", "initiative_a"),
                (403,),
            ),
            Attempt(
                "round that does not exist",
                "finance",
                lambda w: reverse("milestones:row", args=[999_999, w.initiative_a.pk]),
                save_data("open_round", "initiative_a"),
                (404,),
            ),
            Attempt(
                "initiative that does not exist",
                "finance",
                lambda w: reverse("milestones:row", args=[w.open_round.pk, 999_999]),
                save_data("open_round", "initiative_a"),
                (404,),
            ),
            Attempt(
                "status text too long",
                "finance",
                save_url("open_round", "initiative_a"),
                save_data("open_round", "initiative_a", text=TOO_LONG),
                (422,),
            ),
            Attempt(
                "milestone text too long",
                "finance",
                save_url("open_round", "initiative_a"),
                save_data("open_round", "initiative_a", milestone_text=TOO_LONG),
                (422,),
            ),
            Attempt(
                "economy text too long",
                "finance",
                save_url("open_round", "initiative_a"),
                save_data("open_round", "initiative_a", economy_text=TOO_LONG),
                (422,),
            ),
            Attempt(
                "economy status too long",
                "finance",
                save_url("open_round", "initiative_a"),
                save_data("open_round", "initiative_a", economy_status_text=TOO_LONG),
                (422,),
            ),
            Attempt(
                "unknown smiley",
                "finance",
                save_url("open_round", "initiative_a"),
                save_data("open_round", "initiative_a", smiley="purple"),
                (422,),
            ),
            Attempt(
                "yellow is no economy smiley",
                "finance",
                save_url("open_round", "initiative_a"),
                save_data("open_round", "initiative_a", economy_smiley="yellow"),
                (422,),
            ),
            Attempt(
                "absurd starting value",
                "finance",
                save_url("open_round", "initiative_a"),
                save_data("open_round", "initiative_a", **{"initial-text": "9" * 40}),
                (409, 422),
            ),
            Attempt(
                "stale starting value",
                "finance",
                save_url("open_round", "initiative_a"),
                save_data("open_round", "initiative_a", **{"initial-smiley": "red"}),
                (409,),
            ),
            Attempt(
                "PUT",
                "finance",
                save_url("open_round", "initiative_a"),
                save_data("open_round", "initiative_a"),
                (405,),
                method="put",
            ),
        ],
    ),
    "finance:milestone_plan": PostView(
        user="finance",
        url=plan_url("initiative_a"),
        data=plan_data("initiative_a"),
        post_only=True,
        attempts=[
            Attempt(
                "other committee's initiative (restricted finance)",
                "finance_a",
                plan_url("initiative_b"),
                plan_data("initiative_b"),
                NOT_FOUND_OR_FORBIDDEN,
            ),
            Attempt(
                "secretary",
                "secretary_a",
                plan_url("initiative_a"),
                plan_data("initiative_a"),
                (403,),
            ),
            Attempt(
                "secretary of another committee",
                "secretary_b",
                plan_url("initiative_a"),
                plan_data("initiative_a"),
                NOT_FOUND_OR_FORBIDDEN,
            ),
            Attempt(
                "initiative that does not exist",
                "finance",
                lambda w: reverse("finance:milestone_plan", args=[999_999]),
                plan_data("initiative_a"),
                (404,),
            ),
            Attempt(
                "milestone of a locked round",
                "finance",
                plan_url("initiative_a"),
                lambda w: w.plan_data(
                    w.initiative_a,
                    text_1="Milepæl 1.",
                    text_2="Ændret efter låsning.",
                    text_3="",
                    text_4="",
                ),
                (403, 422),
            ),
            Attempt(
                "text too long",
                "finance",
                plan_url("initiative_a"),
                plan_data("initiative_a", text_1=TOO_LONG),
                (422,),
            ),
            Attempt(
                "stale edit",
                "finance",
                plan_url("initiative_a"),
                plan_data("initiative_a", **{"initial-text_1": "Noget andet."}),
                (409,),
            ),
            Attempt(
                "PUT",
                "finance",
                plan_url("initiative_a"),
                plan_data("initiative_a"),
                (405,),
                method="put",
            ),
        ],
    ),
    "milestones:open": PostView(
        user="finance",
        url=lambda w: reverse("milestones:open"),
        data=open_data(),
        post_only=False,
        attempts=[
            Attempt(
                "restricted finance",
                "finance_a",
                lambda w: reverse("milestones:open"),
                open_data(),
                (403,),
            ),
            Attempt(
                "secretary",
                "secretary_a",
                lambda w: reverse("milestones:open"),
                open_data(),
                (403,),
            ),
            Attempt(
                "round that exists",
                "finance",
                lambda w: reverse("milestones:open"),
                open_data(point=1),
                (422,),
            ),
            Attempt(
                "point out of range",
                "finance",
                lambda w: reverse("milestones:open"),
                open_data(point=9),
                (422,),
            ),
            Attempt(
                "agreement that does not exist",
                "finance",
                lambda w: reverse("milestones:open"),
                open_data(agreement=999_999),
                (422,),
            ),
            Attempt(
                "garbage date",
                "finance",
                lambda w: reverse("milestones:open"),
                open_data(deadline="x" * 5000),
                (422,),
            ),
            Attempt(
                "PUT",
                "finance",
                lambda w: reverse("milestones:open"),
                open_data(),
                (405,),
                method="put",
            ),
        ],
    ),
    "milestones:lock": PostView(
        user="finance",
        url=round_url("milestones:lock"),
        data=lambda w: {},
        post_only=False,
        attempts=[
            Attempt(
                "restricted finance",
                "finance_a",
                round_url("milestones:lock"),
                lambda w: {},
                (403,),
            ),
            Attempt("secretary", "secretary_a", round_url("milestones:lock"), lambda w: {}, (403,)),
            Attempt(
                "round that does not exist",
                "finance",
                MISSING_ROUND("milestones:lock"),
                lambda w: {},
                (404,),
            ),
            Attempt(
                "PUT", "finance", round_url("milestones:lock"), lambda w: {}, (405,), method="put"
            ),
        ],
    ),
    "milestones:unlock": PostView(
        user="admin",
        url=round_url("milestones:unlock", "locked_round"),
        data=lambda w: {"reason": "Rettelse af en fejl."},
        post_only=False,
        attempts=[
            Attempt(
                "finance",
                "finance",
                round_url("milestones:unlock", "locked_round"),
                lambda w: {"reason": "Rettelse."},
                (403,),
            ),
            Attempt(
                "secretary",
                "secretary_a",
                round_url("milestones:unlock", "locked_round"),
                lambda w: {"reason": "Rettelse."},
                (403,),
            ),
            Attempt(
                "no reason",
                "admin",
                round_url("milestones:unlock", "locked_round"),
                lambda w: {"reason": "   "},
                (422,),
            ),
            Attempt(
                "reason too long",
                "admin",
                round_url("milestones:unlock", "locked_round"),
                lambda w: {"reason": "x" * 101},
                (422,),
            ),
            Attempt(
                "round that does not exist",
                "admin",
                MISSING_ROUND("milestones:unlock"),
                lambda w: {"reason": "Rettelse."},
                (404,),
            ),
            Attempt(
                "PUT",
                "admin",
                round_url("milestones:unlock", "locked_round"),
                lambda w: {"reason": "Rettelse."},
                (405,),
                method="put",
            ),
        ],
    ),
    "finance:status_import": PostView(
        user="finance",
        url=round_url("finance:status_import"),
        data=lambda w: w.upload(),
        post_only=False,
        attempts=[
            Attempt(
                "secretary",
                "secretary_a",
                round_url("finance:status_import"),
                lambda w: w.upload(),
                (403,),
            ),
            Attempt(
                "user without role",
                "no_role",
                round_url("finance:status_import"),
                lambda w: w.upload(),
                (403,),
            ),
            Attempt(
                "anonymous is sent to the login",
                None,
                round_url("finance:status_import"),
                lambda w: w.upload(),
                (302,),
            ),
            Attempt(
                "round that does not exist",
                "finance",
                MISSING_ROUND("finance:status_import"),
                lambda w: w.upload(),
                (404,),
            ),
            Attempt(
                "locked round",
                "finance",
                round_url("finance:status_import", "locked_round"),
                lambda w: w.upload(w.workbook(w.locked_round)),
                (403, 409, 422),
            ),
            Attempt(
                "not a workbook",
                "finance",
                round_url("finance:status_import"),
                lambda w: w.upload(b"<script>alert(1)</script>", "status.xlsx"),
                (422,),
            ),
            Attempt(
                "path in the file name",
                "finance",
                round_url("finance:status_import"),
                lambda w: w.upload(b"PK\x03\x04", "../../budgetopfoelgning/urls.py"),
                (422,),
            ),
            Attempt(
                "PUT",
                "finance",
                round_url("finance:status_import"),
                lambda w: {},
                (405,),
                method="put",
            ),
        ],
    ),
    "finance:appropriation_import": PostView(
        user="finance",
        url=lambda w: reverse("finance:appropriation_import", args=[w.agreement.year]),
        data=lambda w: w.upload(w.appropriation_template(), "bevillinger.xlsx"),
        post_only=False,
        attempts=[
            Attempt(
                "secretary",
                "secretary_a",
                lambda w: reverse("finance:appropriation_import", args=[w.agreement.year]),
                lambda w: w.upload(),
                (403,),
            ),
            Attempt(
                "agreement that does not exist",
                "finance",
                lambda w: reverse("finance:appropriation_import", args=[2190]),
                lambda w: w.upload(),
                (404,),
            ),
            Attempt(
                "not a workbook",
                "finance",
                lambda w: reverse("finance:appropriation_import", args=[w.agreement.year]),
                lambda w: w.upload(b"\x00" * 100, "bevillinger.xlsx"),
                (422,),
            ),
            Attempt(
                "PUT",
                "finance",
                lambda w: reverse("finance:appropriation_import", args=[w.agreement.year]),
                lambda w: {},
                (405,),
                method="put",
            ),
        ],
    ),
    "finance:import_confirm": PostView(
        user="finance",
        url=lambda w: reverse("finance:import_confirm", args=[w.batch().pk]),
        data=lambda w: {},
        post_only=True,
        attempts=[
            Attempt(
                "another finance user's import",
                "finance_a",
                lambda w: reverse("finance:import_confirm", args=[w.batch().pk]),
                lambda w: {},
                (404,),
            ),
            Attempt(
                "secretary",
                "secretary_a",
                lambda w: reverse("finance:import_confirm", args=[w.batch().pk]),
                lambda w: {},
                (403, 404),
            ),
            Attempt(
                "import that does not exist",
                "finance",
                lambda w: reverse("finance:import_confirm", args=[999_999]),
                lambda w: {},
                (404,),
            ),
            Attempt(
                "PUT",
                "finance",
                lambda w: reverse("finance:import_confirm", args=[w.batch().pk]),
                lambda w: {},
                (405,),
                method="put",
            ),
        ],
    ),
    "finance:import_cancel": PostView(
        user="finance",
        url=lambda w: reverse("finance:import_cancel", args=[w.batch().pk]),
        data=lambda w: {},
        post_only=True,
        attempts=[
            Attempt(
                "another finance user's import",
                "finance_a",
                lambda w: reverse("finance:import_cancel", args=[w.batch().pk]),
                lambda w: {},
                (404,),
            ),
            Attempt(
                "secretary",
                "secretary_a",
                lambda w: reverse("finance:import_cancel", args=[w.batch().pk]),
                lambda w: {},
                (403, 404),
            ),
            Attempt(
                "PUT",
                "finance",
                lambda w: reverse("finance:import_cancel", args=[w.batch().pk]),
                lambda w: {},
                (405,),
                method="put",
            ),
        ],
    ),
    # Django's own views in our URL configuration.
    "login": PostView(
        user=None,
        url=lambda w: reverse("login"),
        data=lambda w: {"username": "oekonomi-test", "password": "korrekt-hest-batteri"},
        post_only=False,
        attempts=[
            Attempt(
                "wrong password",
                None,
                lambda w: reverse("login"),
                lambda w: {"username": "oekonomi-test", "password": "forkert"},
                (200,),
            ),
        ],
    ),
    "logout": PostView(
        user="finance",
        url=lambda w: reverse("logout"),
        data=lambda w: {},
        post_only=True,
        attempts=[],
    ),
}

ATTEMPTS = [
    pytest.param(name, attempt, id=f"{name}: {attempt.label}")
    for name, view in POST_VIEWS.items()
    for attempt in view.attempts
]


def test_every_post_view_has_attack_cases():
    missing = post_view_names() - set(POST_VIEWS)

    assert not missing, (
        f"POST views without attack cases in tests/ops/test_attacks.py: {sorted(missing)}. "
        "Add an entry to POST_VIEWS: the allowed request and the refused attempts."
    )


def test_the_attack_cases_name_real_post_views():
    assert set(POST_VIEWS) <= post_view_names()


@pytest.fixture
def users(world, no_role_user):
    return {**world.users, "no_role": no_role_user, None: None}


@pytest.mark.parametrize("name", sorted(POST_VIEWS))
def test_post_without_csrf_token_is_refused(world, users, name, caplog):
    view = POST_VIEWS[name]
    client = client_as(users[view.user], enforce_csrf=True)
    url, data = view.url(world), view.data(world)
    before = snapshot()

    response = client.post(url, data)

    assert response.status_code == 403
    # Refused by the CSRF check (which logs it), not by some other 403 further on.
    assert any(r.name == "django.security.csrf" for r in caplog.records)
    assert snapshot() == before
    if name == "logout":
        assert "_auth_user_id" in client.session


@pytest.mark.parametrize("name", sorted(POST_VIEWS))
def test_post_with_csrf_token_is_accepted(world, users, name):
    # The control of the CSRF attack: the same request with the token gets through.
    view = POST_VIEWS[name]
    client = client_as(users[view.user], enforce_csrf=True)
    # A page with a form sets the CSRF cookie: the login page, or any page with "Log ud".
    client.get(reverse("login") if view.user is None else reverse("agreements:list"))
    token = client.cookies["csrftoken"].value

    response = client.post(view.url(world), {**view.data(world), "csrfmiddlewaretoken": token})

    assert response.status_code in (200, 302)


@pytest.mark.parametrize("name", sorted(n for n, v in POST_VIEWS.items() if v.post_only))
def test_get_on_a_post_only_view_is_refused(world, users, name):
    view = POST_VIEWS[name]
    client = client_as(users[view.user])
    url = view.url(world)
    before = snapshot()

    response = client.get(url)

    assert response.status_code == 405
    assert snapshot() == before


@pytest.mark.parametrize(("name", "attempt"), ATTEMPTS)
def test_attack_is_refused_and_changes_nothing(world, users, name, attempt):
    client = client_as(users[attempt.user])
    url, data = attempt.url(world), attempt.data(world)
    before = snapshot()

    send = getattr(client, attempt.method)
    if attempt.method == "put":
        response = send(url, data, content_type="application/x-www-form-urlencoded")
    else:
        response = send(url, data, **attempt.headers)

    assert response.status_code in attempt.expected, response.content.decode()[:2000]
    assert snapshot() == before
    if attempt.user is None and response.status_code == 302:
        assert response["Location"].startswith(reverse("login"))


# --- Script in free text is shown as text -------------------------------------------------

PAYLOAD = '<script>alert("{key}")</script><img src=x onerror=alert("{key}")>'


def payload(key: str) -> str:
    return PAYLOAD.format(key=key)


def escaped_marker(key: str) -> str:
    return f"&lt;script&gt;alert(&quot;{key}"


def free_text_fields() -> Iterator[tuple[type[models.Model], models.Field]]:
    """Every free-text field of our models that a person writes (not codes, numbers, choices)."""
    tables = set(connection.introspection.table_names())
    for label in ("agreements", "milestones", "finance"):
        for model in apps.get_app_config(label).get_models():
            if model.__name__.startswith("Historical") or model._meta.db_table not in tables:
                continue
            for model_field in model._meta.get_fields():
                if (
                    isinstance(model_field, models.CharField | models.TextField)
                    and not isinstance(model_field, models.EmailField)
                    and not model_field.choices
                    and model_field.editable
                    and model_field.name not in {"number", "code", "sort_key", "case_id"}
                ):
                    yield model, model_field


def test_script_in_saved_texts_is_escaped_on_every_page(world, users):
    finance = client_as(users["finance"])
    texts = {
        name: payload(name)
        for name in ("milestone_text", "text", "economy_text", "economy_status_text")
    }

    response = finance.post(
        reverse("milestones:row", args=[world.open_round.pk, world.initiative_a.pk]),
        world.row_data(world.open_round, world.initiative_a, **texts),
        **HTMX,
    )

    fragment = response.content.decode()
    assert response.status_code == 200
    status = world.status(world.open_round, world.initiative_a)
    assert status.text == texts["text"]  # stored as typed, escaped when shown
    pages = [fragment] + [
        finance.get(url).content.decode()
        for url in (
            world.open_round.get_absolute_url(),
            reverse("milestones:overview", args=[world.open_round.pk]),
            world.initiative_a.get_absolute_url(),
        )
    ]
    for page in pages:
        assert "<script>alert(" not in page
        assert "<img src=x onerror" not in page
    shown = "".join(pages)
    for key in texts:
        assert escaped_marker(key) in shown, f"{key} is not shown on any page"


def test_script_in_any_free_text_field_is_escaped_on_every_page(world, users):
    # A short script per field and row, so it fits every field; the key says where it is from.
    field_of: dict[str, str] = {}
    for n, (model, model_field) in enumerate(free_text_fields()):
        for pk in model._base_manager.values_list("pk", flat=True):
            key = f"f{n}x{pk}"
            value = f"<script>{key}</script>"
            if model_field.max_length and len(value) > model_field.max_length:
                continue
            # Straight to the database (past the lock guard too): the admin accepts such texts.
            model._base_manager.filter(pk=pk).update(**{model_field.name: value})
            field_of[key] = f"{model.__name__}.{model_field.name}"
    assert len(set(field_of.values())) >= 15, sorted(set(field_of.values()))

    admin = client_as(users["admin"])
    urls = [
        reverse("agreements:list"),
        world.agreement.get_absolute_url(),
        world.initiative_a.get_absolute_url(),
        reverse("milestones:committee", args=[world.committee_a.code]),
        reverse("milestones:list"),
        world.open_round.get_absolute_url(),
        world.locked_round.get_absolute_url(),
        reverse("milestones:overview", args=[world.open_round.pk]),
        reverse("milestones:lock", args=[world.open_round.pk]),
    ]
    shown = set()
    for url in urls:
        response = admin.get(url)
        page = response.content.decode()
        assert response.status_code == 200, url
        assert "<script>f" not in page, url
        shown |= {
            name for key, name in field_of.items() if f"&lt;script&gt;{key}&lt;/script&gt;" in page
        }
    for key in (
        "Initiative.title",
        "Initiative.description",
        "Milestone.text",
        "MilestoneStatus.text",
        "EconomyLine.text",
        "Chapter.title",
        "Committee.name",
    ):
        assert key in shown, f"{key} is not shown on any page"


def test_script_in_texts_is_printed_as_text_in_the_pdf_report(world, users):
    texts = {"text": payload("status"), "economy_text": payload("economy")}
    client_as(users["finance"]).post(
        reverse("milestones:row", args=[world.open_round.pk, world.initiative_a.pk]),
        world.row_data(world.open_round, world.initiative_a, **texts),
    )
    world.initiative_a.title = payload("title")
    world.initiative_a.save()

    response = client_as(users["secretary_a"]).get(
        reverse("reports:committee", args=[world.open_round.pk, world.committee_a.code])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages).replace("\n", " ")
    for key in ("status", "economy", "title"):
        assert f'<script>alert("{key}")<' in text, text
    # Nothing in the PDF can run: no JavaScript actions, no names tree of scripts.
    catalog = reader.trailer["/Root"]
    assert "/OpenAction" not in catalog
    assert "/JavaScript" not in catalog.get("/Names", {})
    assert b"/JavaScript" not in response.content and b"/JS " not in response.content


# --- Uploads are never kept as files -----------------------------------------------------


def test_no_model_stores_files():
    file_fields = [
        f"{model._meta.label}.{f.name}"
        for model in apps.get_models()
        for f in model._meta.get_fields()
        if isinstance(f, models.FileField)
    ]

    assert file_fields == []


def test_an_upload_is_parsed_in_memory_and_never_stored_under_its_name(
    world, users, tmp_path, settings
):
    from finance.models import ImportBatch

    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # even a file Django spools to disk
    (tmp_path / "uploads").mkdir()
    client = client_as(users["finance"])

    response = client.post(
        reverse("finance:status_import", args=[world.open_round.pk]),
        world.upload(name="../../media/../budgetopfoelgning/urls.xlsx"),
    )

    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert "/" not in batch.file_name and "\\" not in batch.file_name
    assert len(batch.file_sha256) == 64
    assert not (tmp_path / "media").exists()
    assert list((tmp_path / "uploads").iterdir()) == []
    preview = client.get(response["Location"])
    assert preview["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in preview
