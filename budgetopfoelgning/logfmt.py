"""Log records as ``key=value`` lines (logfmt), one record per line, for stdout.

Log collectors (journald, Loki, Splunk, Elastic) split such lines into fields without a
parser of their own. Values with spaces, quotes or newlines are quoted and escaped, so a
traceback stays on one line.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

# Attributes every LogRecord has; anything else was passed in ``extra=`` and is logged too.
_STANDARD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
}


def logfmt_value(value: object) -> str:
    text = str(value)
    if text and not any(c in text for c in ' "=\\\n\r\t'):
        return text
    escaped = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    return f'"{escaped}"'


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
