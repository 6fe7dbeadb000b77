"""Form pieces shared by every blueprint: input cleaning and the error summary."""

import re
from dataclasses import dataclass
from functools import cache

from babel.support import Translations
from flask import render_template
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.i18n import messages_path

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_text(value):
    """Trim, unify line breaks and drop control characters (PostgreSQL rejects NUL)."""
    if not isinstance(value, str):
        return value
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()


@dataclass(frozen=True)
class ErrorLink:
    """One line of an error summary: the message and the id of the input it belongs to."""

    target: str | None
    text: str


def render_form(template: str, form: FlaskForm, **context):
    """A page with a form: 422 when a submitted form came back with errors."""
    failed = form.errors or getattr(form, "form_errors", None)
    return render_template(template, form=form, **context), 422 if failed else 200


@cache
def _wtforms_translations(locale: str) -> Translations:
    return Translations.load(messages_path(), [locale], domain="wtforms")


class BaseForm(FlaskForm):
    """A form that can list its errors, in field order, for the error summary."""

    class Meta:
        def get_translations(self, form):
            """WTForms' own messages in the page's language, read from disk once per
            process (Flask-WTF reads them for every request)."""
            return _wtforms_translations(str(get_locale()))

    #: Shown instead of Flask-WTF's English CSRF messages (expired or missing token).
    stale_message = _l("Sidan har varit öppen för länge. Skicka formuläret igen.")

    def error_links(self) -> list[ErrorLink]:
        links = [ErrorLink(None, str(message)) for message in self.form_errors]
        for field in self:
            for message in field.errors:
                links.append(ErrorLink(self.error_target(field), self.error_text(field, message)))
        return links

    def error_target(self, field) -> str | None:
        if field.type in ("CSRFTokenField", "HiddenField"):
            return None
        if field.type in ("OneChoiceField", "ManyChoicesField"):
            return f"{field.id}-0"
        return field.id

    def error_text(self, field, message) -> str:
        return str(self.stale_message if field.type == "CSRFTokenField" else message)
