"""Gunicorn settings for ``make serve`` and production.

Run as ``gunicorn --config budgetopfoelgning/gunicorn.conf.py``.

Everything here can be tuned by environment variables (listed in the README). Logs go to stdout
as ``key=value`` lines like the application's own (see ``budgetopfoelgning/logfmt.py``); the
access log line carries method, path, status and duration of every request.
"""

import multiprocessing
import os

wsgi_app = "budgetopfoelgning.wsgi:application"

bind = [f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"]

# Four worker processes per core plus one, with two threads each (gthread): a status save is
# not stuck in the queue behind a PDF report (rendered in its own low-priority process), and
# few threads share a worker's GIL. The load benchmark (bench/load_bench.py) on 2 cores gave a
# save p95 of 61 ms inside gunicorn with 9 x 2, against 95 ms with 5 x 4.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 4 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
# A worker busy longer than this is killed and restarted; a large PDF report takes seconds.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak (e.g. in PDF rendering) cannot grow for ever.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# The heartbeat files live in memory, not on a possibly slow or full disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# Trust X-Forwarded-* only from these addresses (the TLS-terminating proxy).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# %(M)s: request time in milliseconds; %(U)s path; %(q)s query string; %(B)s response bytes;
# %(f)s referer. No quotes here: GunicornLogger writes every value as a logfmt value, quoted
# and escaped where needed, so a path with %0A or a header with control characters cannot
# forge or break a log line. remote is the X-Forwarded-For header as sent (only the trusted
# proxy's last entry is reliable); peer is the address of the connection.
logger_class = "budgetopfoelgning.logfmt.GunicornLogger"
access_log_format = (
    "method=%(m)s path=%(U)s query=%(q)s status=%(s)s duration_ms=%(M)s bytes=%(B)s "
    "remote=%({x-forwarded-for}i)s peer=%(h)s referer=%(f)s user_agent=%(a)s"
)
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "access": {"()": "budgetopfoelgning.logfmt.LogfmtAccessFormatter"},
        "logfmt": {"()": "budgetopfoelgning.logfmt.LogfmtFormatter"},
    },
    "handlers": {
        "access": {
            "class": "logging.StreamHandler",
            "formatter": "access",
            "stream": "ext://sys.stdout",
        },
        "error": {
            "class": "logging.StreamHandler",
            "formatter": "logfmt",
            "stream": "ext://sys.stdout",
        },
    },
    "root": {"handlers": ["error"], "level": "WARNING"},
    "loggers": {
        "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        "gunicorn.error": {"handlers": ["error"], "level": "INFO", "propagate": False},
    },
}
