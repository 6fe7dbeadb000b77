"""The resident's survey form, built from the survey's questions.

Staff use the same form to key in paper answers, so both channels share one validation.
"""

from flask import get_template_attribute
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from markupsafe import Markup
from wtforms import HiddenField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Optional,
    Regexp,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import BaseForm, clean_text
from ..models import Question, QuestionKind, Survey
from ..surveys import DONT_KNOW, new_form_token

SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 4000

AGREE5_LABELS = {
    "1": _l("Instämmer inte alls"),
    "2": _l("Instämmer i liten grad"),
    "3": _l("Instämmer delvis"),
    "4": _l("Instämmer i stor grad"),
    "5": _l("Instämmer helt"),
    DONT_KNOW: _l("Vet ej"),
}

NOT_A_CHOICE = _l("Välj ett av alternativen som finns på sidan.")
CHOOSE_ONE = _l("Välj ett svar på frågan.")
CHOOSE_SOME = _l("Välj minst ett alternativ.")
WRITE_SOMETHING = _l("Skriv ett svar på frågan.")
STALE_PAGE = _l("Sidan har varit öppen för länge. Kontrollera dina svar och skicka igen.")


def _values(choices: list[SelectChoice]) -> set[str]:
    return {choice.value for choice in choices}


class OneChoiceField(RadioField):
    """Radio buttons; an unknown value gets a clear message instead of a crash."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, coerce=str, **kwargs)

    def pre_validate(self, form):
        if self.data is not None and self.data not in _values(self.choices):
            self.data = None
            raise StopValidation(NOT_A_CHOICE)


class ManyChoicesField(SelectMultipleField):
    """Check boxes, with an optional maximum number of ticks."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, *args, max_choices=None, **kwargs):
        super().__init__(*args, coerce=str, **kwargs)
        self.max_choices = max_choices

    def pre_validate(self, form):
        allowed = _values(self.choices)
        if any(value not in allowed for value in self.data or []):
            self.data = [value for value in self.data if value in allowed]
            raise StopValidation(NOT_A_CHOICE)
        if self.max_choices and len(self.data or []) > self.max_choices:
            raise StopValidation(
                ngettext(
                    "Välj högst %(num)d alternativ.",
                    "Välj högst %(num)d alternativ.",
                    self.max_choices,
                )
            )


class MaxLength:
    """Length check whose message tells how long the answer is now."""

    def __init__(self, limit: int):
        self.limit = limit

    def __call__(self, form, field):
        count = len(field.data or "")
        if count > self.limit:
            raise ValidationError(
                _l(
                    "Svaret får vara högst %(max)d tecken. Nu är det %(count)d tecken.",
                    max=self.limit,
                    count=count,
                )
            )


def question_field(question: Question):
    """The WTForms field for one question, with its validators."""
    kind = question.kind
    required_message = {
        QuestionKind.MULTI: CHOOSE_SOME,
        QuestionKind.SHORT_TEXT: WRITE_SOMETHING,
        QuestionKind.LONG_TEXT: WRITE_SOMETHING,
    }.get(kind, CHOOSE_ONE)
    validators = [DataRequired(required_message) if question.required else Optional()]
    label = question.text
    if kind is QuestionKind.SINGLE:
        return OneChoiceField(label, validators, choices=_option_choices(question))
    if kind is QuestionKind.MULTI:
        return ManyChoicesField(
            label, validators, choices=_option_choices(question), max_choices=question.max_choices
        )
    if kind is QuestionKind.AGREE5:
        return OneChoiceField(label, validators, choices=_choices(AGREE5_LABELS.items()))
    if kind is QuestionKind.SCALE:
        return OneChoiceField(label, validators, choices=_scale_choices(question))
    text_field, limit = (
        (StringField, SHORT_TEXT_MAX)
        if kind is QuestionKind.SHORT_TEXT
        else (TextAreaField, LONG_TEXT_MAX)
    )
    return text_field(label, [*validators, MaxLength(limit)], filters=[clean_text])


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def _option_choices(question: Question) -> list[SelectChoice]:
    return _choices((str(option.id), option.label) for option in question.options)


def _scale_choices(question: Question) -> list[SelectChoice]:
    return _choices((str(n), str(n)) for n in range(question.scale_min, question.scale_max + 1))


class SurveyForm(BaseForm):
    """Base class; ``survey_form`` adds one field per question."""

    form_token = HiddenField(
        default=new_form_token,
        validators=[
            InputRequired(STALE_PAGE),
            Regexp(r"^[A-Za-z0-9_-]{16,64}$", message=STALE_PAGE),
        ],
    )
    stale_message = STALE_PAGE

    def __init__(self, survey: Survey, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey = survey

    def values(self) -> dict[int, object]:
        """Answers by question id, as typed values ready for ``answer_rows``."""
        return {question.id: self[question.field_name].data for question in self.survey.questions}

    def error_text(self, field, message) -> str:
        number = self._question_numbers().get(field.name)
        if number is None:
            return super().error_text(field, message)
        return str(_l("Fråga %(number)d: %(message)s", number=number, message=message))

    def _question_numbers(self) -> dict[str, int]:
        return {question.field_name: n for n, question in enumerate(self.survey.questions, 1)}

    def reissue_token_if_invalid(self) -> None:
        """A page without a valid token gets a fresh one, so the next try can be stored."""
        if self.form_token.errors:
            self.form_token.data = new_form_token()


def survey_form(survey: Survey, *, with_code: bool = False, **kwargs) -> SurveyForm:
    """A form for this survey's questions, instantiated with ``kwargs``."""
    return survey_form_class(survey, with_code=with_code)(survey, **kwargs)


def survey_form_class(
    survey: Survey, *, with_code: bool = False, with_questions: bool = True
) -> type[SurveyForm]:
    """A form class with one field per question (and the invitation code when asked)."""
    attributes = {}
    if with_code:
        attributes["code"] = StringField(
            _l("Kod från ditt brev"),
            [DataRequired(_l("Skriv koden från ditt brev."))],
            filters=[clean_text],
        )
    for question in survey.questions if with_questions else []:
        attributes[question.field_name] = question_field(question)
    return type("SurveyFormFor", (SurveyForm,), attributes)


def questions_html(form: SurveyForm) -> Markup:
    """The form's questions, as the survey page shows them."""
    render = get_template_attribute("public/_question.html", "questions")
    return render(form, form.survey)
