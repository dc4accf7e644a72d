"""Production mode refuses to start with an insecure configuration; --deploy checks are clean."""

from __future__ import annotations

import pytest

from budgetopfoelgning.settings import DEV_SECRET_KEY
from tests.ops.conftest import production_env, run_python

KEY_MESSAGE = "SECRET_KEY must be set to a random value of at least 50 characters"
HOSTS_MESSAGE = "ALLOWED_HOSTS must name at least one host when DEBUG is off"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param({"SECRET_KEY": "", "DEBUG": "off"}, KEY_MESSAGE, id="missing-key"),
        pytest.param({"SECRET_KEY": DEV_SECRET_KEY, "DEBUG": "off"}, KEY_MESSAGE, id="dev-key"),
        pytest.param({"SECRET_KEY": "kort-hemmelighed"}, KEY_MESSAGE, id="short-key"),
        pytest.param({"SECRET_KEY": "ab" * 40}, KEY_MESSAGE, id="low-entropy-key"),
        pytest.param({"ALLOWED_HOSTS": ""}, HOSTS_MESSAGE, id="no-allowed-hosts"),
    ],
)
def test_production_refuses_to_start_with_insecure_settings(tmp_path, overrides, message):
    result = run_python(["manage.py", "check"], production_env(tmp_path, **overrides))

    assert result.returncode != 0
    assert "django.core.exceptions.ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_production_settings_start(tmp_path):
    result = run_python(["manage.py", "check"], production_env(tmp_path))

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_deploy_check_reports_nothing_with_production_settings(tmp_path):
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "DEBUG"], production_env(tmp_path)
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_deploy_check_reports_a_local_http_override(tmp_path):
    # The override documented for a local try without TLS is reported, not hidden.
    result = run_python(
        ["manage.py", "check", "--deploy"], production_env(tmp_path, SECURE_SSL_REDIRECT="off")
    )

    assert "security.W008" in result.stdout + result.stderr
