"""/healthz: database reachability for load balancers, without login, host check or HTTPS."""

from __future__ import annotations

import json

import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.db.utils import load_backend
from django.test import override_settings

from budgetopfoelgning.health import database_ok
from tests.ops.conftest import production_env, run_python

pytestmark = pytest.mark.django_db


def test_healthz_reports_the_database_without_login(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")
    assert "no-store" in response["Cache-Control"]


def test_healthz_reports_503_when_the_database_is_down(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connections["default"], "cursor", refuse)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error"}


def test_database_ok_is_false_for_an_unreachable_database(tmp_path):
    # A second connection whose database cannot be opened: a real connection failure.
    broken = {**connections.settings["default"], "NAME": str(tmp_path / "mangler" / "db")}
    if broken["ENGINE"] == "django.db.backends.postgresql":
        broken.update(HOST="127.0.0.1", PORT="1", NAME="findes_ikke")
    # Its own wrapper (not one in ``connections``), under the alias the test may use.
    connection = load_backend(broken["ENGINE"]).DatabaseWrapper(broken, DEFAULT_DB_ALIAS)
    try:
        assert database_ok(connection) is False
        assert database_ok() is True
    finally:
        connection.close()


def test_healthz_answers_any_host_header(client):
    # The load balancer probes with the instance's address, which is no allowed host.
    with override_settings(ALLOWED_HOSTS=["budget.example.org"]):
        probe = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")
        page = client.get("/login/", HTTP_HOST="10.0.0.7:8000")

    assert probe.status_code == 200
    assert page.status_code == 400


def test_healthz_refuses_writes(client):
    assert client.post("/healthz").status_code == 405


@override_settings(APPEND_SLASH=True)
def test_healthz_with_a_slash_is_not_the_probe(client):
    # Only the exact path is the probe; the slash variant is an ordinary unknown page.
    assert client.get("/healthz/").status_code == 404


def test_healthz_is_served_over_plain_http_in_production(tmp_path):
    # Production settings redirect every plain HTTP request to HTTPS, except the probe.
    script = (
        "import json, django; django.setup();"
        "from django.core.management import call_command; call_command('migrate', verbosity=0);"
        "from django.test import Client; c = Client();"
        "probe = c.get('/healthz', HTTP_HOST='10.0.0.7');"
        "page = c.get('/login/', HTTP_HOST='example.org');"
        "print(json.dumps({'probe': probe.status_code, 'body': probe.json(),"
        " 'page': page.status_code, 'location': page.get('Location')}))"
    )
    result = run_python(["-c", script], production_env(tmp_path))

    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["probe"] == 200
    assert outcome["body"] == {"status": "ok", "database": "ok"}
    assert outcome["page"] == 301
    assert outcome["location"] == "https://example.org/login/"
