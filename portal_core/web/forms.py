"""Form parts every package shares: the password fields of every way into an account (invitation,
recovery, registration) and the rule of a «Desde» to «Hasta» range."""

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def _password_fields():
    return (
        forms.CharField(label=_("Contraseña"), strip=False, help_text=_("Al menos 6 caracteres, con letras y números."),
                        error_messages={"required": _("Ingrese una contraseña.")},
                        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})),
        forms.CharField(label=_("Repetir contraseña"), strip=False,
                        error_messages={"required": _("Repita la contraseña.")},
                        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})),
    )


class NewPasswordForm(forms.Form):
    """A password chosen by its owner: the rules of Crear Portal (AUTH_PASSWORD_VALIDATORS),
    checked against `user`, the account it is for (unsaved is fine: an invitation's is
    `User(email=invitation.email)`), so it cannot resemble the email or name."""

    password, password_repeat = _password_fields()

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def password_owner(self):
        return self.user

    def clean(self):
        cleaned = super().clean()
        password, repeat = cleaned.get("password"), cleaned.get("password_repeat")
        if password:
            try:
                validate_password(password, user=self.password_owner())
            except ValidationError as error:
                self.add_error("password", error)
        if password and repeat and password != repeat:
            self.add_error("password_repeat", _("Las contraseñas no coinciden."))
        return cleaned


class DateRangeForm(forms.Form):
    """A form with optional `desde` and `hasta` dates (declared by the subclass): «Hasta» may not
    come before «Desde»."""

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("desde"), cleaned.get("hasta")
        if since and until and since > until:
            self.add_error("hasta", _("«Hasta» debe ser posterior a «Desde»."))
        return cleaned
