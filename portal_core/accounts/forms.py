from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from portal_core.web.forms import NewPasswordForm


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Email"), max_length=254,
        error_messages={"required": _("Ingrese su email.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Contraseña"), strip=False,
        error_messages={"required": _("Ingrese su contraseña.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _("Email o contraseña incorrectos."),
        "inactive": _("Esta cuenta está desactivada. Consulte al administrador del portal."),
    }


class PasswordForgotForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"), max_length=254, error_messages={
            "required": _("Ingrese su email."),
            "invalid": _("Ingrese un email válido, por ejemplo nombre@empresa.com.ar.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}))


class ResetPasswordForm(NewPasswordForm):
    """Django's PasswordResetConfirmView's form: built with the user, saves the new password."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, user=user, **kwargs)

    def save(self, commit=True):
        self.user.set_password(self.cleaned_data["password"])
        if commit:
            self.user.save(update_fields=["password"])
        return self.user
