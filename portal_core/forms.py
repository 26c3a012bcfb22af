from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


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


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Nombre de la clave"), max_length=80,
        help_text=_("Para reconocerla después, por ejemplo «ERP casa central»."),
        error_messages={"required": _("Ingrese un nombre para la clave."),
                        "max_length": _("Use como máximo 80 caracteres.")},
    )
