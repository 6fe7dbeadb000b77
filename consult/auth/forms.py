from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from ..forms import BaseForm, clean_text


class LoginForm(BaseForm):
    email = EmailField(
        _l("E-postadress"),
        [DataRequired(_l("Skriv din e-postadress.")), Length(max=254)],
        filters=[clean_text],
    )
    password = PasswordField(
        _l("Lösenord"), [DataRequired(_l("Skriv ditt lösenord.")), Length(max=1024)]
    )
