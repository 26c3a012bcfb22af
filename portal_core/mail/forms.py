from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tenants.mail import SmtpHostRefused, smtp_host_check
from tenants.models import EmailSettings


class EmailSettingsForm(forms.Form):
    host = forms.CharField(label=_("Servidor SMTP"), max_length=255,
                           error_messages={"required": _("Ingrese el servidor SMTP, por ejemplo smtp.gmail.com.")},
                           widget=forms.TextInput(attrs={"placeholder": "smtp.empresa.com.ar"}))
    port = forms.IntegerField(label=_("Puerto"), min_value=1, max_value=65535, initial=587,
                              error_messages={"required": _("Ingrese el puerto (suele ser 587 o 465)."),
                                              "invalid": _("El puerto es un número, por ejemplo 587."),
                                              "min_value": _("El puerto va de 1 a 65535."),
                                              "max_value": _("El puerto va de 1 a 65535.")})
    security = forms.ChoiceField(label=_("Seguridad"), choices=EmailSettings.Security.choices,
                                 initial=EmailSettings.Security.STARTTLS,
                                 error_messages={"invalid_choice": _("Elija STARTTLS, SSL/TLS o Ninguna.")})
    username = forms.CharField(label=_("Usuario"), max_length=255, required=False,
                               widget=forms.TextInput(attrs={"autocomplete": "off"}))
    password = forms.CharField(label=_("Contraseña"), max_length=255, required=False, strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password_clear = forms.BooleanField(label=_("Quitar la contraseña guardada"), required=False)
    from_email = forms.EmailField(label=_("Email del remitente"), max_length=254, error_messages={
        "required": _("Ingrese el email desde el que se envían los correos."),
        "invalid": _("Ingrese un email válido, por ejemplo avisos@empresa.com.ar.")})
    from_name = forms.CharField(label=_("Nombre del remitente"), max_length=120, required=False,
                                help_text=_("Si lo deja vacío se usa el nombre de fantasía de la empresa."))
    reply_to = forms.EmailField(label=_("Responder a"), max_length=254, required=False, error_messages={
        "invalid": _("Ingrese un email válido, por ejemplo administracion@empresa.com.ar.")},
        help_text=_("Adonde llegan las respuestas de clientes y proveedores."))

    def clean_username(self):
        return _ascii_only(self.cleaned_data["username"])

    def clean_password(self):
        return _ascii_only(self.cleaned_data["password"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("host") and cleaned.get("port"):
            try:
                smtp_host_check(cleaned["host"], cleaned["port"])
            except SmtpHostRefused as error:
                self.add_error("port" if error.code == error.PORT else "host", error.as_form_error())
        return cleaned

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        clear = data.pop("password_clear")
        # The password is never shown back: blank keeps the stored one unless asked to remove it.
        data["password"] = "" if clear else (data["password"] or None)
        return data


def _ascii_only(value: str) -> str:
    if not value.isascii():
        raise ValidationError(_("SMTP no admite tildes ni eñes en el usuario ni en la contraseña."))
    return value


class TestEmailForm(forms.Form):
    to = forms.EmailField(label=_("Enviar la prueba a"), max_length=254, error_messages={
        "required": _("Ingrese a qué email enviar la prueba."), "invalid": _("Ingrese un email válido.")})
