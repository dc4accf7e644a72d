"""Faults fail cleanly and leave nothing half done (docs/faults.md)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.db import InterfaceError, OperationalError, connections
from django.template import TemplateSyntaxError
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import BudgetAgreement, Chapter, Initiative
from agreements.text import text_digest
from finance import fixture_loader
from finance import services as finance_services
from milestones import services as milestone_services
from milestones.models import EconomyLine, FrozenReport, MilestoneStatus
from milestones.reports import render
from milestones.services import round_lock, round_open
from tests.factories import BudgetAgreementFactory, ChapterFactory, InitiativeFactory
from tests.ops.conftest import production_env, run_python

pytestmark = pytest.mark.django_db

ERROR_PAGE = "Der opstod en fejl"
OUTAGE_PAGE = "Prøv igen om lidt"


@pytest.fixture
def browser():
    """A client that gets the error page a user would, instead of the exception."""
    return Client(raise_request_exception=False)


@pytest.fixture
def open_round(committee_a, admin_user):
    agreement = BudgetAgreementFactory(year=2019)
    chapter = ChapterFactory(agreement=agreement, number=5)
    for number in ("5.1", "5.2"):
        InitiativeFactory(chapter=chapter, number=number, responsible_committee=committee_a)
    return round_open(agreement=agreement, point=1, deadline=None, actor=admin_user)


def test_a_page_says_try_again_shortly_when_the_database_fails(
    browser, finance_user, monkeypatch, caplog
):
    browser.force_login(finance_user)

    def refuse(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(connections["default"], "cursor", refuse)
    response = browser.get(reverse("agreements:list"))

    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    assert OUTAGE_PAGE in page
    assert '<html lang="da">' in page
    assert "Traceback" not in page and "OperationalError" not in page
    # Logged once (django.request, with the cause), though the session could not be read either.
    logged = [r for r in caplog.records if r.name == "django.request"]
    assert [(r.levelname, r.getMessage()) for r in logged] == [
        ("ERROR", "Service Unavailable: /aftaler/")
    ]
    assert "server closed the connection unexpectedly" in str(logged[0].exc_info[1])


@pytest.mark.parametrize(
    "error",
    [InterfaceError("connection already closed"), OperationalError("could not connect")],
    ids=["interface-error", "operational-error"],
)
def test_a_save_during_a_database_outage_gets_503(browser, finance_user, monkeypatch, error):
    browser.force_login(finance_user)

    def refuse(*args, **kwargs):
        raise error

    monkeypatch.setattr(connections["default"], "cursor", refuse)
    response = browser.post(reverse("milestones:open"), {"agreement": 2019, "point": 1})

    assert response.status_code == 503
    assert OUTAGE_PAGE in response.content.decode()


def test_a_refused_database_connection_gives_503_in_production(tmp_path):
    # A real fault, no patching: PostgreSQL on a port where nothing listens refuses at once.
    script = (
        "import json, django; django.setup(); from django.test import Client;"
        "c = Client(raise_request_exception=False, HTTP_HOST='example.org');"
        "c.cookies['sessionid'] = 'x' * 32;"
        "page = c.get('/aftaler/', secure=True);"
        "login = c.post('/login/', {'username': 'admin', 'password': 'demo'}, secure=True);"
        "print(json.dumps([[r.status_code, r.get('Retry-After'), r.content.decode()]"
        " for r in (page, login)]))"
    )
    result = run_python(
        ["-c", script],
        production_env(tmp_path, DATABASE_URL="postgres://postgres@127.0.0.1:1/budgetopfoelgning"),
    )

    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    for status, retry_after, page in answers:
        assert (status, retry_after) == (503, "30")
        assert OUTAGE_PAGE in page
    # One log line per request, naming the cause.
    logged = [line for line in result.stderr.splitlines() if "logger=django.request" in line]
    assert len(logged) == 2, result.stderr
    assert all("Service Unavailable" in line and "Connection refused" in line for line in logged)


def report_url(round_, committee) -> str:
    return reverse("reports:committee", args=[round_.pk, committee.code])


@pytest.mark.parametrize("step", ["template", "pdf"])
def test_a_failed_report_render_gives_an_error_page_and_no_file(
    browser, secretary_a, committee_a, open_round, monkeypatch, step
):
    def broken(*args, **kwargs):
        if step == "template":
            raise TemplateSyntaxError("Unclosed tag on line 3: 'if'")
        raise RuntimeError("WeasyPrint failed")

    monkeypatch.setattr(render, "render_to_string" if step == "template" else "html_to_pdf", broken)
    browser.force_login(secretary_a)

    response = browser.get(report_url(open_round, committee_a))

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in response
    assert not response.content.startswith(b"%PDF")
    assert ERROR_PAGE in response.content.decode()


def test_a_failed_render_leaves_the_frozen_report_of_a_locked_round(
    browser, secretary_a, committee_a, open_round, admin_user, monkeypatch
):
    locked = round_lock(round=open_round, actor=admin_user)
    frozen = list(FrozenReport.objects.values_list("round_id", "data"))
    monkeypatch.setattr(render, "html_to_pdf", lambda *a, **k: 1 / 0)
    browser.force_login(secretary_a)

    response = browser.get(report_url(locked, committee_a))

    assert response.status_code == 500
    assert list(FrozenReport.objects.values_list("round_id", "data")) == frozen


def test_the_demo_import_dying_midway_keeps_nothing(monkeypatch):
    load = fixture_loader.load_agreement
    loaded = []

    def load_then_die(path, actor):
        if loaded:
            raise OSError("the disk went away")
        loaded.append(load(path, actor))
        return loaded[-1]

    monkeypatch.setattr(fixture_loader, "load_agreement", load_then_die)

    with pytest.raises(OSError):
        call_command("load_demo", stdout=io.StringIO())

    assert loaded, "the first agreement was loaded before the failure"
    assert not BudgetAgreement.objects.exists()
    assert not Chapter.objects.exists()
    assert not Initiative.objects.exists()


def test_a_status_import_dying_midway_changes_nothing(open_round, finance_user, monkeypatch):
    statuses = list(
        MilestoneStatus.objects.filter(round=open_round).select_related("milestone").order_by("pk")
    )

    def state():
        return (
            list(MilestoneStatus.objects.order_by("pk").values_list()),
            list(EconomyLine.objects.order_by("pk").values_list()),
            MilestoneStatus.history.count(),
            EconomyLine.history.count(),
        )

    before = state()
    # Every row gets a new status and economy line; the disk goes away after the statuses
    # are written and before the economy lines are.
    changes = [
        {
            "row": n,
            "initiative": status.milestone.initiative_id,
            "edits": {
                "smiley": {"new": "green", "digest": text_digest(status.smiley)},
                "text": {"new": "Importeret status.", "digest": text_digest(status.text)},
                "economy_text": {"new": "Importeret.", "digest": text_digest("")},
            },
        }
        for n, status in enumerate(statuses, start=4)
    ]
    write = milestone_services._bulk_write

    def write_then_die(part, *args, **kwargs):
        if part == "economy":
            raise OSError("the disk went away")
        return write(part, *args, **kwargs)

    monkeypatch.setattr(milestone_services, "_bulk_write", write_then_die)
    with CaptureQueriesContext(connections["default"]) as queries, pytest.raises(OSError):
        finance_services.statuses_bulk_set(round=open_round, changes=changes, actor=finance_user)

    wrote_statuses = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith(("INSERT", "UPDATE")) and "milestonestatus" in q["sql"]
    ]
    assert wrote_statuses, "the statuses were written before the failure"
    assert state() == before
