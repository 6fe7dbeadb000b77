"""Board forms: both are GET filters (nothing changes), so they carry no CSRF token."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from ..forms import BaseForm, clean_text
from ..models import Question, Survey
from ..results import breakdown_questions


class BreakdownForm(BaseForm):
    """Choose a background question to break a survey's results down by."""

    class Meta:
        csrf = False

    by = SelectField(_l("Dela upp resultaten efter"), validators=[Optional()])

    def __init__(self, survey: Survey, formdata):
        super().__init__(formdata=formdata)
        self.questions = {str(q.id): q for q in breakdown_questions(survey)}
        self.by.choices = [("", _l("Ingen uppdelning"))] + [
            (key, q.text) for key, q in self.questions.items()
        ]

    def question(self) -> Question | None:
        """The chosen background question, or None (nothing or something unknown chosen)."""
        return self.questions.get(self.by.data or "") if self.validate() else None


class SearchForm(BaseForm):
    """Search free-text answers (their redacted text)."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Sök bland svaren"), validators=[Optional(), Length(max=100)], filters=[clean_text]
    )

    def term(self) -> str:
        return (self.q.data or "") if self.validate() else ""
