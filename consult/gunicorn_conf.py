"""gunicorn settings for production: ``gunicorn -c python:consult.gunicorn_conf wsgi:app``.

Command-line options and ``GUNICORN_CMD_ARGS`` override these. The logs keep the
anonymity promise: no client address, user agent, referrer, query string or time of day
in the access log, and client addresses and query strings removed from the error log.
"""

import logging
import os
import re


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


bind = os.environ.get("CONSULT_BIND", "127.0.0.1:8000")
#: Sync workers, the usual 2 × CPUs + 1; WEB_CONCURRENCY overrides.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * _cpu_count() + 1))
worker_class = "sync"
timeout = 30
graceful_timeout = 20
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

accesslog = "-"
errorlog = "-"
#: Method, path without query string (%(U)s), status, bytes, duration. Deliberately left out:
#: client address (%(h)s), user agent (%(a)s), referrer (%(f)s), query string (%(q)s, %(r)s)
#: and time (%(t)s), which, matched with the order of stored responses, would date them.
access_log_format = '"%(m)s %(U)s" %(s)s %(B)s %(M)sms'

_CLIENT_DETAILS = [
    (re.compile(r"\bip=\S+"), "ip=-"),  # "Invalid request from ip=…"
    (re.compile(r"\?[^\s'\"]*"), ""),  # query strings, also in echoed bad request lines
]


class NoClientDetails(logging.Filter):
    """Remove client addresses and query strings from gunicorn's error log lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        for pattern, replacement in _CLIENT_DETAILS:
            message = pattern.sub(replacement, message)
        record.msg, record.args = message, ()
        return True


def on_starting(server) -> None:
    """Install the filter in the master before workers fork (they inherit it)."""
    logging.getLogger("gunicorn.error").addFilter(NoClientDetails())
