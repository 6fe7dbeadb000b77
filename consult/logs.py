"""Logging that keeps the anonymity promise: no client addresses, no query strings."""

import logging
import re

_ADDRESS = re.compile(r"^\S+ - - ")
_QUERY = re.compile(r"\?[^\s\"]*")


class AnonymousRequestFilter(logging.Filter):
    """Strip the client address and query string from Werkzeug's request log lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = _QUERY.sub("", _ADDRESS.sub("- - - ", record.msg))
        if isinstance(record.args, tuple):
            record.args = tuple(
                _QUERY.sub("", arg) if isinstance(arg, str) else arg for arg in record.args
            )
        return True


def anonymise_request_logs() -> None:
    """Install the filter once on the development server's logger."""
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, AnonymousRequestFilter) for f in logger.filters):
        logger.addFilter(AnonymousRequestFilter())
