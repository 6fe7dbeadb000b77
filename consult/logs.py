"""Logging that keeps the anonymity promise: no client addresses, query strings or times."""

import logging
import re

#: "127.0.0.1 - - [27/Nov/2026 14:10:43] ": the client's address and the time of the request.
_ADDRESS_AND_TIME = re.compile(r"^\S+ - - (?:\[[^\]]*\] )?")
_QUERY = re.compile(r"\?[^\s\"]*")


class AnonymousRequestFilter(logging.Filter):
    """Strip the client address, the time and the query string from Werkzeug's request log
    lines (the time of a POST, matched with the order of stored responses, would date them)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = _QUERY.sub("", _ADDRESS_AND_TIME.sub("- - - ", record.msg))
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
