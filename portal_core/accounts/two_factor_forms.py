from django import forms
from django.utils.translation import gettext_lazy as _

_CODE_ATTRS = {"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false", "autofocus": True}


class LoginCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Código de verificación"), max_length=20,
        help_text=_("Los 6 dígitos que muestra su aplicación de autenticación, o uno de sus códigos de recuperación."),
        error_messages={"required": _("Ingrese el código de verificación."),
                        "max_length": _("El código de verificación no es correcto.")},
        widget=forms.TextInput(attrs=_CODE_ATTRS))


class SetupCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Código de 6 dígitos"), max_length=10,
        help_text=_("El que muestra la aplicación después de agregar la cuenta."),
        error_messages={"required": _("Ingrese el código que muestra la aplicación."),
                        "max_length": _("El código de verificación no es correcto.")},
        widget=forms.TextInput(attrs={**_CODE_ATTRS, "inputmode": "numeric"}))


class ConfirmForm(forms.Form):
    """Turning two-factor off or replacing the recovery codes asks who is at the keyboard."""

    confirmation = forms.CharField(
        label=_("Contraseña o código de verificación"), strip=False, max_length=128,
        help_text=_("Para confirmar que es usted: su contraseña o el código que muestra ahora su aplicación."),
        error_messages={"required": _("Ingrese su contraseña o un código de verificación.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
