from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from ..forms import BaseForm, clean_text
from ..models import User
from ..users import MIN_PASSWORD_LENGTH, password_matches

MAX_PASSWORD_LENGTH = 1024


class LoginForm(BaseForm):
    email = EmailField(
        _l("E-postadress"),
        [DataRequired(_l("Skriv din e-postadress.")), Length(max=254)],
        filters=[clean_text],
    )
    password = PasswordField(
        _l("Lösenord"),
        [DataRequired(_l("Skriv ditt lösenord.")), Length(max=MAX_PASSWORD_LENGTH)],
    )


class PasswordChangeForm(BaseForm):
    """The signed-in user's own new password, confirmed with the current one."""

    current_password = PasswordField(
        _l("Nuvarande lösenord"),
        [DataRequired(_l("Skriv ditt nuvarande lösenord.")), Length(max=MAX_PASSWORD_LENGTH)],
    )
    new_password = PasswordField(
        _l("Nytt lösenord"),
        [
            DataRequired(_l("Skriv ett nytt lösenord.")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=MAX_PASSWORD_LENGTH,
                message=_l("Lösenordet ska ha minst %(min)d och högst %(max)d tecken."),
            ),
        ],
    )
    repeat_password = PasswordField(
        _l("Nytt lösenord en gång till"),
        [
            DataRequired(_l("Skriv det nya lösenordet en gång till.")),
            EqualTo("new_password", _l("Du skrev två olika nya lösenord.")),
        ],
    )

    def __init__(self, user: User, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def validate_current_password(self, field):
        if not password_matches(self.user, field.data):
            raise ValidationError(_l("Det nuvarande lösenordet stämmer inte."))

    def validate_new_password(self, field):
        if field.data == self.current_password.data:
            raise ValidationError(_l("Välj ett annat lösenord än det nuvarande."))
