"""Strict response headers for every page."""

from flask import Flask, Response, session

from .auth.sessions import USER_KEY

#: No 'unsafe-inline' and no 'unsafe-eval', board pages included: plotly.js draws the board's
#: bar and scatter (SVG) charts without eval (its few ``Function(...)`` calls sit in WebGL and
#: map code those pages never run), and its inline styles are avoided (board/assets.py).
#: tests/browser/test_board.py fails on any console error, CSP violations included.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def register(app: Flask) -> None:
    @app.after_request
    def _set_headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        if USER_KEY in session:  # staff and board pages hold data no cache should keep
            response.headers.setdefault("Cache-Control", "no-store")  # unless the view chose
        return response
