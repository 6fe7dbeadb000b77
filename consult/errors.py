"""Error pages: a clear message in the visitor's language, never a stack trace."""

from flask import Flask, current_app, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from .extensions import db

MESSAGES = {
    400: (
        _l("Felaktig begäran"),
        _l("Sidan kunde inte ta emot det som skickades. Gå tillbaka och försök igen."),
    ),
    403: (_l("Ingen behörighet"), _l("Ditt konto har inte behörighet till den här sidan.")),
    404: (
        _l("Sidan finns inte"),
        _l("Kontrollera adressen, eller gå till startsidan och välj en enkät där."),
    ),
    405: (_l("Felaktig begäran"), _l("Sidan kan inte användas på det sättet.")),
    410: (_l("Sidan finns inte längre"), _l("Det som fanns här har tagits bort eller stängts.")),
    413: (
        _l("För mycket data"),
        _l("Det som skickades var för stort. Korta ner svaren och försök igen."),
    ),
    429: (_l("För många försök"), _l("Vänta en stund och försök sedan igen.")),
    503: (
        _l("Tillfälligt ur funktion"),
        _l("Just nu går det inte att svara eller se svar. Ingenting sparades. Försök snart igen."),
    ),
    500: (
        _l("Något gick fel"),
        _l("Ett fel uppstod hos oss. Ingenting sparades. Försök igen om en stund."),
    ),
}


def render_error(code: int, message: str | None = None):
    title, default = MESSAGES.get(code, MESSAGES[400])
    return render_template("errors/error.html", title=title, message=message or default), code


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error):
        return render_error(
            400,
            _l("Sidan har varit öppen för länge. Ladda om sidan och försök igen."),
        )

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        if error.code and error.code < 400:
            return error
        return render_error(error.code or 500)

    @app.errorhandler(InternalServerError)
    def _internal(error):
        db.session.rollback()
        return render_error(500)

    @app.errorhandler(OperationalError)
    def _database_unavailable(error: OperationalError):
        """Down, unreachable or locked for too long: temporary, so 503, logged (the engine
        hides statement parameters, so no answer reaches the log)."""
        current_app.logger.error("database unavailable: %s", error)
        db.session.rollback()
        page, status = render_error(503)
        return page, status, {"Retry-After": "30"}
