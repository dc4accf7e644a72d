"""Login lock-out, session expiry, password rules and security headers."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import StaffProfileFactory
from tests.ops.conftest import production_env, run_python

pytestmark = pytest.mark.django_db

PASSWORD = "korrekt-hest-batteri"
LOCKED_OUT = "Kontoen er midlertidigt spærret"


@pytest.fixture
def finance_login():
    return StaffProfileFactory(user__username="oekonomi-login").user


def login(client, username: str, password: str):
    return client.post("/login/", {"username": username, "password": password})


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_five_failed_logins_lock_the_account(client, finance_login):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(5):
        login(client, "oekonomi-login", "forkert")

    response = login(client, "oekonomi-login", PASSWORD)

    assert response.status_code == 429
    assert LOCKED_OUT in response.content.decode()
    assert not is_logged_in(client)


def test_four_failed_logins_do_not_lock_the_account(client, finance_login):
    for _ in range(4):
        response = login(client, "oekonomi-login", "forkert")
        assert LOCKED_OUT not in response.content.decode()

    response = login(client, "oekonomi-login", PASSWORD)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_a_lock_out_does_not_block_colleagues_behind_the_same_address(client, finance_login):
    # The whole town hall may reach the application from one address.
    StaffProfileFactory(user__username="kollega")
    for _ in range(5):
        login(client, "oekonomi-login", "forkert")

    response = login(client, "kollega", PASSWORD)

    assert response.status_code == 302
    assert is_logged_in(client)


@pytest.fixture
def clock(monkeypatch):
    """Moves Django's clock: ``clock.now`` is what ``timezone.now()`` returns."""

    class Clock:
        now = timezone.now()

        def advance(self, **delta) -> None:
            self.now += timedelta(**delta)

    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


def test_session_ends_after_inactivity(client, finance_login, clock):
    assert settings.SESSION_COOKIE_AGE == 2 * 60 * 60
    assert login(client, "oekonomi-login", PASSWORD).status_code == 302

    clock.advance(seconds=settings.SESSION_COOKIE_AGE + 1)
    response = client.get("/aftaler/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_activity_keeps_the_session_alive(client, finance_login, clock):
    assert login(client, "oekonomi-login", PASSWORD).status_code == 302

    for _ in range(3):
        # Each request within the limit moves the end of the session forward.
        clock.advance(seconds=settings.SESSION_COOKIE_AGE - 60)
        response = client.get("/aftaler/")
        assert response.status_code == 200

    assert is_logged_in(client)


@pytest.mark.parametrize(
    "password", ["demo", "kodeord", "123456789012", "password1234", "oekonomi-login1"]
)
def test_weak_passwords_are_refused(password):
    user = get_user_model()(username="oekonomi-login1", first_name="Ole")

    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_long_random_password_is_accepted():
    assert validate_password("Kildedal-Lautrup-budget-7", get_user_model()()) is None


def test_admin_refuses_to_create_a_user_with_a_weak_password(client, admin_user):
    client.force_login(admin_user)

    response = client.post(
        "/admin/auth/user/add/",
        {
            "username": "ny-bruger",
            "usable_password": "true",
            "password1": "12345678",
            "password2": "12345678",
        },
    )

    assert response.status_code == 200
    assert "Denne adgangskode er for kort" in response.content.decode()
    assert not get_user_model().objects.filter(username="ny-bruger").exists()


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_pages_send_the_security_headers(client, finance_login):
    client.force_login(finance_login)

    response = client.get("/aftaler/")

    csp = csp_directives(response["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in csp["script-src"] + csp["default-src"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_production_sends_hsts_and_secure_cookies(tmp_path):
    script = (
        "import json, django; django.setup();"
        "from django.conf import settings;"
        "from django.core.management import call_command; call_command('migrate', verbosity=0);"
        "call_command('collectstatic', interactive=False, verbosity=0);"
        "from django.test import Client; c = Client();"
        "r = c.get('/login/', secure=True, HTTP_HOST='example.org');"
        "cookie = r.cookies['csrftoken'];"
        "print(json.dumps({'status': r.status_code, 'hsts': r.get('Strict-Transport-Security'),"
        " 'csrf_secure': bool(cookie['secure']),"
        " 'session_secure': settings.SESSION_COOKIE_SECURE}))"
    )
    result = run_python(["-c", script], production_env(tmp_path))

    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome == {
        "status": 200,
        "hsts": "max-age=31536000; includeSubDomains; preload",
        "csrf_secure": True,
        "session_secure": True,
    }
