"""Staff forms: rounds, surveys, questions, codes and users."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    AnyOf,
    DataRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from ..builder import SETTINGS, SLUG, QuestionSpec, slug_taken
from ..forms import BaseForm, clean_text
from ..models import Access, QuestionKind, Role

STOCKHOLM = ZoneInfo("Europe/Stockholm")

KIND_LABELS = {
    QuestionKind.SINGLE: _l("Ett val (radioknappar)"),
    QuestionKind.MULTI: _l("Flera val (kryssrutor)"),
    QuestionKind.AGREE5: _l("Instämmandeskala 1–5 med ”Vet ej”"),
    QuestionKind.SCALE: _l("Betygsskala (till exempel 1–10)"),
    QuestionKind.SHORT_TEXT: _l("Kort fritext"),
    QuestionKind.LONG_TEXT: _l("Lång fritext"),
}
ROLE_LABELS = {
    Role.STAFF: _l("Personal"),
    Role.ADMIN: _l("Administratör"),
    Role.BOARD: _l("Styrgrupp"),
}


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(str(value), label) for value, label in pairs]


def required(message):
    return DataRequired(message)


class WholeNumberField(IntegerField):
    """An integer field whose parse error is a clear Swedish message."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_l("Skriv ett heltal, till exempel 10.")) from error


class StockholmDateTimeField(DateTimeLocalField):
    """A date and time typed in Swedish time, stored as UTC."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"], **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_l("Skriv datum och tid som 2026-03-01 08:00.")) from error

    def process_data(self, value):
        if value and value.tzinfo is None:  # SQLite returns naive UTC
            value = value.replace(tzinfo=UTC)
        self.data = value.astimezone(STOCKHOLM).replace(tzinfo=None) if value else None

    def utc(self) -> datetime | None:
        return self.data.replace(tzinfo=STOCKHOLM).astimezone(UTC) if self.data else None


class RoundForm(BaseForm):
    title = StringField(
        _l("Namn på omgången"),
        [required(_l("Skriv ett namn på omgången.")), Length(max=200)],
        filters=[clean_text],
    )
    opens_at = StockholmDateTimeField(_l("Öppnar (svensk tid)"), [Optional()])
    closes_at = StockholmDateTimeField(_l("Stänger (svensk tid)"), [Optional()])

    def validate_closes_at(self, field):
        if field.data and self.opens_at.data and field.data <= self.opens_at.data:
            raise ValidationError(_l("Stängningen måste komma efter öppningen."))

    def values(self) -> dict:
        return {
            "title": self.title.data,
            "opens_at": self.opens_at.utc(),
            "closes_at": self.closes_at.utc(),
        }


class SurveySettingsForm(BaseForm):
    title = StringField(
        _l("Rubrik"), [required(_l("Skriv en rubrik.")), Length(max=200)], filters=[clean_text]
    )
    intro = TextAreaField(_l("Inledning"), [Optional(), Length(max=2000)], filters=[clean_text])
    slug = StringField(
        _l("Kort adress"),
        [required(_l("Skriv en kort adress, till exempel bo-och-leva."))],
        filters=[clean_text, lambda value: value.lower() if isinstance(value, str) else value],
    )
    target_area_id = SelectField(_l("Målområde"), coerce=int)
    access = RadioField(
        _l("Vem kan svara?"),
        choices=choices(
            [
                (Access.OPEN.value, _l("Alla som har länken")),
                (Access.CODE.value, _l("Bara den som har en inbjudningskod")),
            ]
        ),
        validators=[required(_l("Välj vem som kan svara."))],
    )

    def __init__(self, *args, areas=(), survey=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey = survey
        self.target_area_id.choices = choices((area.id, area.name) for area in areas)

    def validate_slug(self, field):
        if not SLUG.match(field.data or ""):
            raise ValidationError(
                _l("Använd bara små bokstäver a–z, siffror och bindestreck (högst 60 tecken).")
            )
        if slug_taken(field.data, self.survey):
            raise ValidationError(_l("Adressen används redan av en annan enkät."))

    def values(self) -> dict:
        return {
            "title": self.title.data,
            "intro": self.intro.data or "",
            "slug": self.slug.data,
            "target_area_id": self.target_area_id.data,
            "access": Access(self.access.data),
        }


class QuestionForm(BaseForm):
    kind = SelectField(_l("Frågetyp"), choices=choices(KIND_LABELS.items()))
    text = TextAreaField(
        _l("Fråga"), [required(_l("Skriv frågan.")), Length(max=500)], filters=[clean_text]
    )
    help = TextAreaField(
        _l("Hjälptext (valfri)"), [Optional(), Length(max=500)], filters=[clean_text]
    )
    required = BooleanField(_l("Frågan måste besvaras"))
    is_background = BooleanField(_l("Bakgrundsfråga (används för att dela upp resultaten)"))
    key = StringField(
        _l("Nyckel för jämförelser mellan omgångar (valfri)"),
        [Optional(), Length(max=64)],
        filters=[clean_text],
    )
    options = TextAreaField(
        _l("Svarsalternativ, ett per rad"), [Optional(), Length(max=5000)], filters=[clean_text]
    )
    max_choices = WholeNumberField(
        _l("Högsta antal val (valfritt)"),
        [Optional(), NumberRange(min=1, max=50, message=_l("Skriv ett tal från 1 till 50."))],
    )
    scale_min = WholeNumberField(
        _l("Skalans lägsta värde"),
        [Optional(), NumberRange(min=0, max=1, message=_l("Lägsta värdet ska vara 0 eller 1."))],
    )
    scale_max = WholeNumberField(
        _l("Skalans högsta värde"),
        [Optional(), NumberRange(min=2, max=10, message=_l("Högsta värdet ska vara 2–10."))],
    )
    min_label = StringField(
        _l("Text vid lägsta värdet"), [Optional(), Length(max=80)], filters=[clean_text]
    )
    max_label = StringField(
        _l("Text vid högsta värdet"), [Optional(), Length(max=80)], filters=[clean_text]
    )

    def __init__(self, *args, survey=None, question=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey, self.question = survey, question

    def chosen_kind(self) -> QuestionKind | None:
        return QuestionKind(self.kind.data) if self.kind.data in set(QuestionKind) else None

    def option_labels(self) -> list[str]:
        return [line.strip() for line in (self.options.data or "").splitlines() if line.strip()]

    def validate_options(self, field):
        labels = self.option_labels()
        kind = self.chosen_kind()
        if kind and kind.has_options and len(labels) < 2:
            raise ValidationError(_l("Skriv minst två svarsalternativ, ett per rad."))
        if len(set(labels)) != len(labels):
            raise ValidationError(_l("Två alternativ har samma text."))
        if any(len(label) > 200 for label in labels):
            raise ValidationError(_l("Ett alternativ får vara högst 200 tecken."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        scale = self.chosen_kind() is QuestionKind.SCALE
        bounds = (self.scale_min.data, self.scale_max.data)
        if scale and not self.scale_max.errors and None in bounds:
            self.scale_max.errors.append(_l("En betygsskala behöver lägsta och högsta värde."))
            return False
        return valid

    def validate_key(self, field):
        if not field.data:
            return
        if not SLUG.match(field.data.replace("_", "-")):
            raise ValidationError(_l("Använd små bokstäver, siffror, - och _."))
        clash = [q for q in self.survey.questions if q.key == field.data and q is not self.question]
        if clash:
            raise ValidationError(_l("En annan fråga i enkäten har redan den nyckeln."))

    def spec(self) -> QuestionSpec:
        kind = QuestionKind(self.kind.data)
        scale = kind is QuestionKind.SCALE
        return QuestionSpec(
            kind=kind,
            text=self.text.data,
            help=self.help.data or "",
            required=self.required.data,
            is_background=self.is_background.data,
            key=self.key.data or None,
            max_choices=self.max_choices.data if kind is QuestionKind.MULTI else None,
            scale_min=self.scale_min.data if scale else None,
            scale_max=self.scale_max.data if scale else None,
            min_label=(self.min_label.data or None) if scale else None,
            max_label=(self.max_label.data or None) if scale else None,
            options=self.option_labels() if kind.has_options else [],
        )

    def fill_from(self, question) -> None:
        """Prefill on GET from a stored question."""
        spec = QuestionSpec.of(question)
        for name in SETTINGS:
            self[name].data = getattr(spec, name)
        self.kind.data = spec.kind.value
        self.options.data = "\n".join(spec.options)


class BankForm(BaseForm):
    key = SelectField(_l("Fråga från frågebanken"))

    def __init__(self, *args, bank=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.key.choices = choices((q.key, f"{q.key}: {q.text}") for q in bank)


class CodesForm(BaseForm):
    count = WholeNumberField(
        _l("Antal koder"),
        [
            required(_l("Skriv hur många koder du behöver.")),
            NumberRange(min=1, max=5000, message=_l("Skriv ett tal från 1 till 5 000.")),
        ],
    )


class UserForm(BaseForm):
    email = StringField(
        _l("E-postadress"),
        [required(_l("Skriv en e-postadress.")), Length(max=254)],
        filters=[clean_text],
    )
    name = StringField(_l("Namn"), [Optional(), Length(max=120)], filters=[clean_text])
    role = RadioField(
        _l("Roll"),
        choices=choices((r.value, label) for r, label in ROLE_LABELS.items()),
        validators=[required(_l("Välj en roll."))],
    )

    def validate_email(self, field):
        from ..users import get_user_by_email

        if "@" not in (field.data or "") or " " in field.data:
            raise ValidationError(_l("Skriv en giltig e-postadress, till exempel namn@kommun.se."))
        if get_user_by_email(field.data):
            raise ValidationError(_l("Det finns redan ett konto med den e-postadressen."))


class RoleForm(BaseForm):
    role = RadioField(
        _l("Roll"),
        choices=choices((r.value, label) for r, label in ROLE_LABELS.items()),
        validators=[required(_l("Välj en roll."))],
    )


class ActionForm(BaseForm):
    """An empty form: CSRF protection for action buttons."""


class HideForm(BaseForm):
    hidden = HiddenField(validators=[AnyOf(["0", "1"])])


class RemoveForm(BaseForm):
    part = StringField(
        _l("Text att ta bort"),
        [DataRequired(_l("Skriv den text som ska tas bort.")), Length(max=200)],
        filters=[clean_text],
    )
