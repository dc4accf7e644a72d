"""The CI dependency audit fails on a known vulnerability and on an incomplete audit."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from tests.ops.conftest import BASE_DIR

spec = importlib.util.spec_from_file_location("ci_audit", BASE_DIR / ".ci" / "audit.py")
audit = importlib.util.module_from_spec(spec)
sys.modules["ci_audit"] = audit  # dataclasses look their module up there
spec.loader.exec_module(audit)

# pip-audit's JSON report (``--format json``), as it prints it.
CLEAN = {"name": "whitenoise", "version": "6.12.0", "vulns": []}
VULNERABLE = {
    "name": "django",
    "version": "5.2.1",
    "vulns": [
        {
            "id": "PYSEC-2025-47",
            "fix_versions": ["4.2.22", "5.1.10", "5.2.2"],
            "aliases": ["CVE-2025-48432"],
            "description": "Log injection in the internal HTTP response logging.",
        }
    ],
}
UNKNOWN = {
    "name": "gunicorn",
    "version": "23.0.0",
    "skip_reason": "Dependency not found on PyPI and could not be audited: gunicorn (23.0.0)",
}


@pytest.mark.parametrize("strict", [False, True])
def test_a_known_vulnerability_fails_the_audit(strict):
    verdict = audit.judge({"dependencies": [CLEAN, VULNERABLE], "fixes": []}, strict=strict)

    assert verdict.exit_code == 1
    assert "django 5.2.1: PYSEC-2025-47 (CVE-2025-48432); fixed in 4.2.22, 5.1.10, 5.2.2" in (
        verdict.message
    )


def test_clean_dependencies_pass():
    verdict = audit.judge({"dependencies": [CLEAN], "fixes": []}, strict=True)

    assert verdict.exit_code == 0
    assert "No known vulnerabilities in 1 locked dependencies." == verdict.message


def test_a_dependency_that_could_not_be_audited_fails_the_audit():
    verdict = audit.judge({"dependencies": [CLEAN, UNKNOWN], "fixes": []}, strict=False)

    assert verdict.exit_code == 1
    assert "1 dependencies could not be audited: gunicorn" in verdict.message


@pytest.mark.parametrize("report", [None, {"dependencies": [UNKNOWN], "fixes": []}])
def test_an_unreachable_feed_warns_and_fails_only_when_strict(report):
    relaxed = audit.judge(report, strict=False)
    strict = audit.judge(report, strict=True)

    assert relaxed.exit_code == 0
    assert relaxed.message.startswith("WARNING: the vulnerability feed could not be reached")
    assert strict.exit_code == 1
