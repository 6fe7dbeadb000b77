"""Failed logins counted per account, beside the per-client limit on ``/login``.

The counters live only in the rate limiter's storage (memory, or Redis with an expiry),
never in the database. They are keyed by an HMAC of the normalised e-mail address, so
neither the address nor a guessable plain hash of it is stored, and unknown addresses
are counted exactly like real ones (the throttle tells nothing about which accounts exist).
"""

import hashlib
import hmac

from flask import current_app
from limits import RateLimitItem, parse

from ..extensions import limiter
from ..users import normalise_email

SCOPE = "login-account"


def _limit_and_key(email: str) -> tuple[RateLimitItem, str, str, str]:
    config = current_app.config
    secret = config["SECRET_KEY"]
    secret = secret if isinstance(secret, bytes) else secret.encode()
    digest = hmac.new(secret, normalise_email(email).encode(), hashlib.sha256).hexdigest()
    return parse(config["LOGIN_ACCOUNT_LIMIT"]), config["RATELIMIT_KEY_PREFIX"], SCOPE, digest


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def account_throttled(email: str) -> bool:
    """True when this address has used up its failed attempts for now."""
    return _enabled() and not limiter.limiter.test(*_limit_and_key(email))


def count_failed_login(email: str) -> None:
    if _enabled():
        limiter.limiter.hit(*_limit_and_key(email))
