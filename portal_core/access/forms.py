from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal_core.accounts.models import User, normalize_email
from portal_core.erp.cuit import cuit_is_valid, cuit_normalize
from portal_core.models import AuditEvent
from tenants.mail import SmtpHostRefused, smtp_host_check, smtp_refusal_message
from tenants.models import EmailSettings


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


class RegistrationForm(NewPasswordForm):
    email = forms.EmailField(
        label=_("Email"), max_length=254, error_messages={
            "required": _("Ingrese su email."),
            "invalid": _("Ingrese un email válido, por ejemplo nombre@empresa.com.ar.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}))
    full_name = forms.CharField(label=_("Nombre y apellido (opcional)"), max_length=150, required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "name"}))
    tax_id = forms.CharField(label=_("CUIT (opcional)"), max_length=13, required=False,
                             help_text=_("El de su empresa: ayuda al administrador a identificarlo."),
                             widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "30-12345678-9"}))
    message = forms.CharField(label=_("Mensaje (opcional)"), max_length=1000, required=False,
                              error_messages={"max_length": _("Use como máximo 1000 caracteres.")},
                              widget=forms.Textarea(attrs={"rows": 3}))

    field_order = ["email", "password", "password_repeat", "full_name", "tax_id", "message"]

    def password_owner(self):
        # The account does not exist yet: a stand-in with what the form says about it.
        return User(email=normalize_email(self.cleaned_data.get("email", "")),
                    full_name=self.cleaned_data.get("full_name", ""))

    def clean_tax_id(self):
        value = cuit_normalize(self.cleaned_data["tax_id"])
        if value and not cuit_is_valid(value):
            raise ValidationError(_("El CUIT no es válido: revise los 11 dígitos."))
        return value


class ObjectionForm(forms.Form):
    message = forms.CharField(label=_("Comentario para el administrador (opcional)"), max_length=1000,
                              required=False, error_messages={"max_length": _("Use como máximo 1000 caracteres.")},
                              widget=forms.Textarea(attrs={"rows": 3}))

    def clean_message(self):
        return self.cleaned_data["message"].replace("\x00", "")


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
                self.add_error("port" if error.code == error.PORT else "host", smtp_refusal_message(error))
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


class CompanyForm(forms.Form):
    """"Empresa": how the company appears on its documents and in every email."""

    trade_name = forms.CharField(label=_("Nombre de fantasía"), max_length=120, required=False)
    legal_name = forms.CharField(label=_("Razón social"), max_length=200, required=False)
    tax_id = forms.CharField(label=_("CUIT"), max_length=13, required=False)
    address = forms.CharField(label=_("Domicilio"), max_length=250, required=False)
    logo = forms.FileField(label=_("Logo de empresa"), required=False,
                           help_text=_("PNG, JPEG o WebP de hasta 2 MB. Aparece en los emails."),
                           widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}))

    def clean_tax_id(self):
        value = cuit_normalize(self.cleaned_data["tax_id"])
        if value and not cuit_is_valid(value):
            raise ValidationError(_("El CUIT no es válido: revise los 11 dígitos."))
        return value


ACTIVITY_DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


def _activity_date(label):
    return forms.DateField(label=label, required=False, input_formats=ACTIVITY_DATE_FORMATS,
                           widget=forms.DateInput(attrs={"placeholder": "dd/mm/aaaa", "inputmode": "numeric"},
                                                  format="%d/%m/%Y"),
                           error_messages={"invalid": _("Fecha inválida: use dd/mm/aaaa.")})


class ActivityFilterForm(forms.Form):
    """Registro de actividad's filters: dates, a person (who acted or on whom) and the kind."""

    desde = _activity_date(_("Desde"))
    hasta = _activity_date(_("Hasta"))
    persona = forms.CharField(label=_("Persona (email)"), required=False, max_length=100)
    tipo = forms.ChoiceField(label=_("Qué"), required=False,
                             choices=[("", _("Todo"))] + list(AuditEvent.Kind.choices))

    def clean_persona(self):
        return self.cleaned_data["persona"].replace("\x00", "").strip()

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("desde"), cleaned.get("hasta")
        if since and until and since > until:
            self.add_error("hasta", _("«Hasta» debe ser posterior a «Desde»."))
        return cleaned

    def filters(self) -> dict:
        """The valid part of the request: a field with an error filters nothing."""
        self.is_valid()
        data = {name: value for name, value in getattr(self, "cleaned_data", {}).items() if name not in self.errors}
        return {"since": data.get("desde"), "until": data.get("hasta"), "person": data.get("persona") or "",
                "kind": data.get("tipo") or ""}
