from django import forms
from django.utils.translation import gettext_lazy as _

from . import errors
from .errors import PortalCreateError

REQUIRED = _("Este campo es obligatorio.")


class PortalCreateForm(forms.Form):
    """The seed's four fields. Rules beyond presence and equality live in the service."""

    name = forms.CharField(
        label=_("Nombre del portal"), max_length=100,
        error_messages={"required": _("Ingrese el nombre del portal."),
                        "max_length": _("Use como máximo 100 caracteres.")},
        widget=forms.TextInput(attrs={"autocomplete": "organization", "autofocus": True}),
    )
    email = forms.CharField(
        label=_("Nombre de usuario"), max_length=254,
        help_text=_("Su email: con él ingresará al portal como administrador."),
        error_messages={"required": _("Ingrese su email.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "placeholder": "nombre@empresa.com.ar"}),
    )
    password = forms.CharField(
        label=_("Contraseña"), strip=False,
        help_text=_("Al menos 6 caracteres, con letras y números."),
        error_messages={"required": _("Ingrese una contraseña.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_repeat = forms.CharField(
        label=_("Repetir contraseña"), strip=False,
        error_messages={"required": _("Repita la contraseña.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    erp_token = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        password, repeat = cleaned.get("password"), cleaned.get("password_repeat")
        if password and repeat and password != repeat:
            self.add_error("password_repeat", str(errors.MESSAGES[errors.PASSWORDS_DIFFER]))
        return cleaned

    def add_service_errors(self, error: PortalCreateError) -> None:
        for field, field_errors in error.errors.items():
            target = field if field in self.fields and field != "erp_token" else None
            for field_error in field_errors:
                self.add_error(target, field_error.message)
