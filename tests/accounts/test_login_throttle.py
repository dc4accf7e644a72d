"""A hardened password login: lock-out per user name and client, behind the proxy, plus a
back-off per user name and a limit per client address (password spraying).

Every request comes through the reverse proxy (REMOTE_ADDR is the proxy), which names the
client in X-Forwarded-For, as in production.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings as django_settings
from django.db.models import F
from django.test import Client
from django.urls import reverse

from agreements.login.throttle import username_delay
from tests.factories import StaffProfileFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"
USER_CLIENT = "203.0.113.7"
ATTACKER = "198.51.100.66"
PASSWORD = "korrekt-hest-batteri"
LOCKED_OUT = "Kontoen er midlertidigt spærret"
CLIENT_THROTTLED = "Der har været for mange mislykkede forsøg på at logge ind fra din adresse."
USER_THROTTLED = "Der har været mange mislykkede forsøg på at logge ind som denne bruger."


@pytest.fixture(autouse=True)
def behind_proxy(settings):
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXIES = [PROXY]


@pytest.fixture
def user(db):
    return StaffProfileFactory(user__username="oekonomi-login").user


def login(client_address: str, username: str, password: str, *, via: str = PROXY):
    client = Client()
    response = client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=via,
        HTTP_X_FORWARDED_FOR=client_address,
    )
    response.logged_in = "_auth_user_id" in client.session
    return response


def age_failures(delta: timedelta) -> None:
    """As if every failure so far happened ``delta`` earlier."""
    AccessFailureLog.objects.update(attempt_time=F("attempt_time") - delta)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - delta)


def test_an_attacker_on_another_client_cannot_lock_the_user_out(user):
    for _ in range(8):
        login(ATTACKER, "oekonomi-login", "forkert")

    response = login(USER_CLIENT, "oekonomi-login", PASSWORD)

    assert response.status_code == 302
    assert response.logged_in


def test_five_failures_lock_that_user_name_out_on_that_client_only(user):
    answers = [login(ATTACKER, "oekonomi-login", "forkert").status_code for _ in range(5)]

    refused = login(ATTACKER, "oekonomi-login", PASSWORD)

    assert answers == [200, 200, 200, 200, 429]  # the fifth failure locks
    assert refused.status_code == 429
    assert LOCKED_OUT in refused.content.decode()
    assert refused["Retry-After"] == "3600"
    assert not refused.logged_in
    # Recorded under the client's address, not the proxy's.
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


def test_refused_attempts_are_not_counted(user):
    for _ in range(5):
        login(ATTACKER, "oekonomi-login", "forkert")
    failures = AccessFailureLog.objects.count()

    for _ in range(10):
        assert login(ATTACKER, "oekonomi-login", "forkert").status_code == 429

    assert AccessFailureLog.objects.count() == failures
    assert AccessAttempt.objects.get().failures_since_start == 5


def test_proxy_headers_from_an_untrusted_source_are_ignored(user):
    # The attacker connects directly and claims to be the user's address.
    for _ in range(5):
        login(USER_CLIENT, "oekonomi-login", "forkert", via=ATTACKER)

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    assert login(USER_CLIENT, "oekonomi-login", PASSWORD).logged_in
    assert login(USER_CLIENT, "oekonomi-login", PASSWORD, via=ATTACKER).status_code == 429


def test_password_spraying_from_one_address_is_throttled(user, settings):
    assert settings.LOGIN_CLIENT_FAILURE_LIMIT == 20
    answers = [login(ATTACKER, f"bruger{n}", "Sommer2024!").status_code for n in range(30)]

    assert answers == [200] * 20 + [429] * 10
    assert AccessFailureLog.objects.filter(ip_address=ATTACKER).count() == 20
    refused = login(ATTACKER, "oekonomi-login", PASSWORD)
    assert refused.status_code == 429
    assert not refused.logged_in
    page = refused.content.decode()
    assert "For mange forsøg fra din adresse" in page
    assert CLIENT_THROTTLED in page
    assert 0 < int(refused["Retry-After"]) <= 15 * 60
    # Other addresses are not affected; the sprayer may try again once the window has passed.
    assert login(USER_CLIENT, "oekonomi-login", PASSWORD).logged_in
    age_failures(settings.LOGIN_CLIENT_WINDOW)
    assert login(ATTACKER, "oekonomi-login", PASSWORD).logged_in


@pytest.mark.parametrize(
    ("failures", "seconds"),
    [(0, 0), (9, 0), (10, 15), (11, 30), (12, 60), (14, 240), (15, 300), (500, 300)],
)
def test_the_per_user_name_delay_doubles_up_to_minutes(failures, seconds):
    assert username_delay(failures) == timedelta(seconds=seconds)


def test_guessing_one_user_name_from_many_clients_slows_down_but_never_locks_for_an_hour(
    user, settings
):
    answers = [
        login(f"192.0.2.{n + 1}", "oekonomi-login", "forkert").status_code
        for n in range(10)  # two attempts from each of ten addresses: no client is locked out
        for _ in range(2)
    ]
    # From the tenth failure on, each attempt has to wait: refused, and not counted.
    assert answers == [200] * 10 + [429] * 10
    assert AccessFailureLog.objects.count() == settings.LOGIN_USER_FAILURES_BEFORE_DELAY == 10

    waiting = login(USER_CLIENT, "oekonomi-login", PASSWORD)

    assert waiting.status_code == 429
    assert not waiting.logged_in
    assert "Vent lidt, før du prøver igen" in waiting.content.decode()
    assert USER_THROTTLED in waiting.content.decode()
    retry_after = int(waiting["Retry-After"])
    assert 0 < retry_after <= settings.LOGIN_USER_MAX_DELAY.total_seconds() < 3600
    # The wait is counted from the last failure; after it the real user gets in.
    age_failures(timedelta(seconds=retry_after))
    assert login(USER_CLIENT, "oekonomi-login", PASSWORD).logged_in


def test_a_few_failures_do_not_delay_the_user_name(user):
    for n in range(django_settings.LOGIN_USER_FAILURES_BEFORE_DELAY - 1):
        login(f"192.0.2.{n + 1}", "oekonomi-login", "forkert")

    assert login(USER_CLIENT, "oekonomi-login", PASSWORD).logged_in


def test_the_admin_login_goes_through_the_application_login(user, client):
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "oekonomi-login", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/admin/"
    assert "_auth_user_id" not in client.session


def test_a_logged_in_user_without_admin_access_gets_the_admins_explanation(client, user):
    client.force_login(user)

    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 200
    assert "oekonomi-login" in response.content.decode()
