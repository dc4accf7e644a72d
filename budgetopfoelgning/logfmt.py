"""Log records as ``key=value`` lines (logfmt), one record per line, for stdout.

Log collectors (journald, Loki, Splunk, Elastic) split such lines into fields without a
parser of their own. Values with spaces, quotes or any control character are quoted and
escaped (``\n``, ``\x00``, ``\u2028`` ...), so a traceback stays on one line and a value
sent by a client (a path with ``%0A``, a user name, a user agent) can never start a line of its
own or hide part of one. Gunicorn's access log goes through the same escaping
(``GunicornLogger``).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from gunicorn.glogging import Logger as _GunicornLogger

# Attributes every LogRecord has; anything else was passed in ``extra=`` and is logged too.
_STANDARD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
}


_NAMED_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_char(char: str) -> str:
    if char in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[char]
    if char == " " or char.isprintable():
        return char
    # Control characters (C0, DEL, C1 such as NEL), format characters (e.g. right-to-left
    # overrides), line separators, unusual spaces, lone surrogates: as their code.
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def logfmt_value(value: object) -> str:
    text = str(value)
    if text and text.isprintable() and not any(c in ' ="\\' for c in text):
        return text
    return '"' + "".join(_escape_char(c) for c in text) + '"'


def _head(record: logging.LogRecord) -> dict[str, object]:
    return {
        "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
        "level": record.levelname,
        "logger": record.name,
    }


class LogfmtFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields = _head(record) | {"msg": record.getMessage()}
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRIBUTES and not key.startswith("_"):
                # django.request passes the request object; its repr names method and path.
                fields[key] = value
        if record.exc_info:
            fields["exc"] = self.formatException(record.exc_info)
        return " ".join(f"{key}={logfmt_value(value)}" for key, value in fields.items())


class LogfmtAccessFormatter(logging.Formatter):
    """For gunicorn's access log, whose message is already ``key=value`` pairs."""

    def format(self, record: logging.LogRecord) -> str:
        head = " ".join(f"{key}={logfmt_value(value)}" for key, value in _head(record).items())
        return f"{head} {record.getMessage()}"


class _LogfmtAtoms(dict):
    """Gunicorn's access log atoms, each written as a logfmt value: quoted and escaped when it
    needs to be, so ``access_log_format`` has no quotes of its own (``path=%(U)s``)."""

    def __init__(self, atoms: dict) -> None:
        super().__init__(
            (key.lower() if key.startswith("{") else key, v) for key, v in atoms.items()
        )

    def __getitem__(self, key: str) -> str:
        if key.startswith("{"):
            key = key.lower()
        value = super().get(key, "-")
        if key == "U" and isinstance(value, str):
            value = _wsgi_text(value)
        return logfmt_value("-" if value is None else value)


def _wsgi_text(value: str) -> str:
    """PATH_INFO as the client meant it: WSGI hands over UTF-8 bytes decoded as Latin-1."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value


class GunicornLogger(_GunicornLogger):
    """Gunicorn's logger with every access log value escaped (``logger_class``)."""

    atoms_wrapper_class = _LogfmtAtoms
