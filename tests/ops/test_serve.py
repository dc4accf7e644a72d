"""``make serve``: refuses without PostgreSQL; gunicorn's settings; structured log lines."""

from __future__ import annotations

import json
import logging
import os
import runpy
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from budgetopfoelgning.logfmt import LogfmtAccessFormatter, LogfmtFormatter
from tests.ops.conftest import BASE_DIR, production_env


def make_serve(database_url: str | None):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    if database_url is not None:
        env["DATABASE_URL"] = database_url
    return subprocess.run(
        [shutil.which("make") or "make", "--no-print-directory", "serve"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_serve_refuses_to_start_without_database_url():
    result = make_serve(None)

    assert result.returncode != 0
    assert "make serve kører som i produktion og kræver DATABASE_URL til PostgreSQL" in (
        result.stderr
    )
    assert "gunicorn" not in result.stdout


def test_serve_refuses_sqlite():
    result = make_serve("sqlite:///db.sqlite3")

    assert result.returncode != 0
    assert "make serve kræver PostgreSQL" in result.stderr


def test_gunicorn_runs_several_workers_and_logs_requests(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("GUNICORN_THREADS", raising=False)
    config = runpy.run_path(str(BASE_DIR / "budgetopfoelgning" / "gunicorn.conf.py"))

    assert config["workers"] == (os.cpu_count() or 1) * 4 + 1
    assert config["threads"] == 2
    assert config["wsgi_app"] == "budgetopfoelgning.wsgi:application"
    assert config["accesslog"] == "-"
    assert config["logger_class"] == "budgetopfoelgning.logfmt.GunicornLogger"
    for field in ("method=%(m)s", "path=%(U)s", "status=%(s)s", "duration_ms=%(M)s"):
        assert field in config["access_log_format"]


def test_gunicorn_workers_can_be_tuned(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    config = runpy.run_path(str(BASE_DIR / "budgetopfoelgning" / "gunicorn.conf.py"))

    assert config["workers"] == 3


def test_gunicorn_accepts_the_configuration():
    # gunicorn --check-config loads the settings file and the WSGI application.
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "--check-config",
            "--config",
            "budgetopfoelgning/gunicorn.conf.py",
        ],
        cwd=BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "budgetopfoelgning.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_log_lines_are_key_value_pairs_on_one_line():
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, 'Fejl på "%s"', ("/aftaler/",), None
    )
    record.status_code = 500
    try:
        raise ValueError("linje 1\nlinje 2")
    except ValueError:
        record.exc_info = sys.exc_info()

    line = LogfmtFormatter().format(record)

    assert "\n" not in line
    assert " level=ERROR logger=django.request " in line
    assert 'msg="Fejl på \\"/aftaler/\\""' in line
    assert " status_code=500" in line
    assert "linje 1\\nlinje 2" in line
    assert line.startswith("time=20")


@pytest.mark.parametrize(
    ("message", "logged"),
    [
        ("", 'msg=""'),
        ("a b", 'msg="a b"'),
        ('a"b', 'msg="a\\"b"'),
        ("a=b", 'msg="a=b"'),
        ("ok", "msg=ok"),
    ],
)
def test_log_values_that_need_quotes_are_quoted(message, logged):
    record = logging.LogRecord("x", logging.INFO, __file__, 1, message, None, None)

    assert LogfmtFormatter().format(record).endswith(f" {logged}")


def test_access_log_lines_start_like_the_application_log():
    record = logging.LogRecord(
        "gunicorn.access",
        logging.INFO,
        __file__,
        1,
        "method=GET path=/healthz status=200 duration_ms=2",
        None,
        None,
    )

    line = LogfmtAccessFormatter().format(record)

    assert line.startswith("time=20")
    assert line.endswith(
        " level=INFO logger=gunicorn.access method=GET path=/healthz status=200 duration_ms=2"
    )


def test_gunicorn_serves_with_production_settings_and_logs_each_request(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = production_env(tmp_path, HOST="127.0.0.1", PORT=str(port), WEB_CONCURRENCY="2")
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "--config",
            "budgetopfoelgning/gunicorn.conf.py",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    body = json.loads(r.read())
                    break
            except OSError:
                time.sleep(0.1)
        # Every other page goes to HTTPS in production.
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/login/", headers={"Host": "example.org"}
        )
        opener = urllib.request.build_opener(NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as redirect:
            opener.open(request, timeout=5)
        # A path that decodes to a newline, a forged log line and a NUL byte.
        forged = "/healthz%0Atime=2026-01-01T00:00:00Z%20level=ERROR%20msg=forged%00"
        with pytest.raises(urllib.error.HTTPError):
            opener.open(
                urllib.request.Request(
                    f"http://127.0.0.1:{port}{forged}", headers={"Host": "example.org"}
                ),
                timeout=5,
            )
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)

    assert body == {"status": "ok", "database": "ok"}
    assert redirect.value.code == 301
    assert redirect.value.headers["Location"] == "https://example.org/login/"
    access = [line for line in output.splitlines() if "logger=gunicorn.access" in line]
    assert any(
        'method=GET path=/healthz query="" status=200 duration_ms=' in line for line in access
    ), output
    assert any("path=/login/ " in line and "status=301" in line for line in access), output
    assert any(
        'path="/healthz\\ntime=2026-01-01T00:00:00Z level=ERROR msg=forged\\x00"' in line
        for line in access
    ), output
    assert not any(line.startswith("time=2026-01-01") for line in output.splitlines())
    assert "\x00" not in output
    assert "Booting worker" in output
    assert "Traceback" not in output


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
