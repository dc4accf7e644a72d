"""Log lines cannot be forged: every logged value is escaped, in the application's log and in
gunicorn's access log (budgetopfoelgning/logfmt.py)."""

from __future__ import annotations

import logging
import re
import runpy
from datetime import timedelta
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from budgetopfoelgning.logfmt import GunicornLogger, LogfmtAccessFormatter, LogfmtFormatter
from tests.ops.conftest import BASE_DIR

# CR, LF, NUL and the other characters a log viewer or collector may take for a line break or
# hide: escape (terminal colours), DEL, NEL (C1), the Unicode line separator, a right-to-left
# override, a lone surrogate.
NASTY = {
    "lf": "\n",
    "cr": "\r",
    "crlf": "\r\n",
    "nul": "\x00",
    "escape": "\x1b[31m",
    "del": "\x7f",
    "nel": "\x85",
    "line-separator": "\u2028",
    "rtl-override": "\u202e",
    "surrogate": "\udc80",
    "vertical-tab": "\x0b",
    "form-feed": "\x0c",
}
FORGED = ' time=2026-01-01T00:00:00Z level=ERROR logger=forged msg="hacked"'

PAIR_RE = re.compile(r'([\w.-]+)=("(?:[^"\\]|\\.)*"|[^ ]*)')


def parse_logfmt(line: str) -> dict[str, str]:
    """The fields of one logfmt line, unescaped: what a log collector would see."""
    fields = {}
    for key, raw in PAIR_RE.findall(line):
        if raw.startswith('"'):
            raw = raw[1:-1].encode("ascii", "backslashreplace").decode("unicode_escape")
        fields[key] = raw
    return fields


def assert_one_clean_line(line: str) -> None:
    assert line.isprintable(), repr(line)  # no control character at all, so no line break
    assert re.sub(PAIR_RE, "", line).strip() == "", f"text outside key=value pairs: {line!r}"


@pytest.mark.parametrize("char", NASTY.values(), ids=NASTY.keys())
def test_application_log_escapes_message_and_every_field(char):
    value = f"a{char}b{FORGED}"
    record = logging.LogRecord("accounts", logging.WARNING, __file__, 1, "%s", (value,), None)
    record.username = value
    record.client = value

    line = LogfmtFormatter().format(record)

    assert_one_clean_line(line)
    fields = parse_logfmt(line)
    assert fields["msg"] == fields["username"] == fields["client"] == value
    assert fields["logger"] == "accounts"


def access_line(**fields) -> str:
    """One access log line as gunicorn writes it with our configuration."""
    conf = runpy.run_path(str(BASE_DIR / "budgetopfoelgning" / "gunicorn.conf.py"))
    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("access_log_format", conf["access_log_format"])
    logger = GunicornLogger(cfg)
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger.access_log.handlers = [handler]
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "PATH_INFO": fields["path"],
        "QUERY_STRING": fields["query"],
        "HTTP_USER_AGENT": fields["user_agent"],
        "HTTP_REFERER": fields["referer"],
        "REMOTE_ADDR": "127.0.0.1",
    }
    request = SimpleNamespace(headers=[("X-FORWARDED-FOR", fields["remote"])])
    response = SimpleNamespace(status="200 OK", sent=12, headers=[])
    logger.access(response, request, environ, timedelta(milliseconds=7))
    (record,) = records
    return LogfmtAccessFormatter().format(record)


@pytest.mark.parametrize("char", NASTY.values(), ids=NASTY.keys())
def test_access_log_escapes_every_field(char):
    # PATH_INFO comes from gunicorn percent-decoded, as Latin-1 (so %0A is a real newline).
    path = f"/aftaler/{char}{FORGED}".encode("utf-8", "surrogatepass").decode("latin-1")
    sent = {
        "path": path,
        "query": f"q={char}{FORGED}",
        "user_agent": f"Mozilla{char}{FORGED}",
        "referer": f"https://example.org/{char}{FORGED}",
        "remote": f"203.0.113.7{char}{FORGED}",
    }

    line = access_line(**sent)

    assert_one_clean_line(line)
    logged = parse_logfmt(line)
    assert logged["logger"] == "gunicorn.access"
    assert logged["status"] == "200" and logged["duration_ms"] == "7"
    for key in ("query", "user_agent", "referer", "remote"):
        assert logged[key] == sent[key], key
    assert logged["path"].endswith(FORGED)


def test_access_log_writes_a_danish_path_readably():
    path = "/aftaler/udvalg/ØKU/".encode().decode("latin-1")
    values = dict.fromkeys(("query", "user_agent", "referer", "remote"), "")

    line = access_line(path=path, **values)

    assert " path=/aftaler/udvalg/ØKU/ " in line
    assert ' query="" ' in line


def test_a_request_with_a_newline_in_its_path_logs_one_line(client, caplog):
    response = client.get("/aftaler%0A" + FORGED.replace(" ", "%20") + "%00/")

    assert response.status_code in (302, 400, 404)  # 400: control characters in the path
    lines = [LogfmtFormatter().format(r) for r in caplog.records]
    assert lines
    for line in lines:
        assert_one_clean_line(line)
        assert not line.startswith("time=2026-01-01")
