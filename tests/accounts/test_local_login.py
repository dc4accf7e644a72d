"""LOCAL_LOGIN=off: single sign-on only; the password form is gone and passwords are refused."""

from __future__ import annotations

import json

import pytest
from axes.models import AccessFailureLog
from django.urls import reverse

from tests.accounts.oidc import sso_login
from tests.ops.conftest import production_env, run_python

pytestmark = pytest.mark.django_db

PASSWORD = "korrekt-hest-batteri"


@pytest.fixture
def sso_only(settings, sso):
    settings.LOCAL_LOGIN = False
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "agreements.login.backends.OidcBackend",
    ]


def test_the_login_page_has_only_single_sign_on(client, sso_only):
    page = client.get(reverse("login")).content.decode()

    assert "Log ind med Ballerup Kommune" in page
    assert 'name="password"' not in page
    assert "Brugernavn" not in page


def test_a_password_post_is_refused_with_a_danish_message(client, sso_only, finance_user):
    response = client.post(
        reverse("login"), {"username": finance_user.username, "password": PASSWORD}
    )

    assert response.status_code == 403
    assert "Log ind med brugernavn og adgangskode er slået fra" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not AccessFailureLog.objects.exists()  # no password was looked at


def test_the_admin_login_does_not_take_passwords_either(client, sso_only, admin_user):
    response = client.post("/admin/login/", {"username": admin_user.username, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_single_sign_on_still_logs_in(client, sso_only, provider_browser, group_mappings):
    response = sso_login(client, provider_browser, "bo.sekretaer")

    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def settings_in_production(tmp_path, **env) -> dict:
    script = (
        "import json, django; django.setup(); from django.conf import settings;"
        "print(json.dumps({'backends': settings.AUTHENTICATION_BACKENDS,"
        " 'local': settings.LOCAL_LOGIN, 'sso': settings.OIDC_ENABLED,"
        " 'form_action': settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action']}))"
    )
    result = run_python(["-c", script], production_env(tmp_path, **env))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


SSO_ENV = {
    "OIDC_ISSUER": "https://login.ballerup.example",
    "OIDC_CLIENT_ID": "budgetopfoelgning",
    "OIDC_CLIENT_SECRET": "hemmelig",
}


def test_production_with_sso_only_has_no_password_backend(tmp_path):
    configured = settings_in_production(tmp_path, LOCAL_LOGIN="off", **SSO_ENV)

    assert configured == {
        "backends": [
            "axes.backends.AxesStandaloneBackend",
            "agreements.login.backends.OidcBackend",
        ],
        "local": False,
        "sso": True,
        # The logout form's redirect to the provider's end_session_endpoint is allowed.
        "form_action": ["'self'", "https://login.ballerup.example"],
    }


def test_the_default_is_passwords_without_sso(tmp_path):
    configured = settings_in_production(tmp_path)

    assert configured["backends"] == [
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]
    assert (configured["local"], configured["sso"]) == (True, False)
    assert configured["form_action"] == ["'self'"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        pytest.param({"LOCAL_LOGIN": "off"}, "LOCAL_LOGIN=off needs single sign-on", id="nobody"),
        pytest.param(
            {**SSO_ENV, "OIDC_CLIENT_SECRET": ""}, "OIDC_CLIENT_SECRET must be set", id="secret"
        ),
        pytest.param(
            {**SSO_ENV, "OIDC_ISSUER": ""}, "Single sign-on needs OIDC_ISSUER", id="no-provider"
        ),
        pytest.param({**SSO_ENV, "OIDC_SIGN_ALGO": "none"}, "is not supported", id="alg-none"),
        pytest.param(
            {"FORWARDED_ALLOW_IPS": "proxy.local", "BEHIND_PROXY": "on"},
            "no IP address",
            id="proxy",
        ),
        pytest.param(
            {"LOGIN_USER_MAX_DELAY": "3600"}, "LOGIN_USER_MAX_DELAY", id="hour-long-delay"
        ),
    ],
)
def test_bad_login_settings_refuse_to_start(tmp_path, env, message):
    result = run_python(["manage.py", "check"], production_env(tmp_path, **env))

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr
