from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal_core.accounts.models import User, normalize_email
from portal_core.cuit import cuit_is_valid, cuit_normalize
from portal_core.models import AccountLink
from portal_core.web.forms import NewPasswordForm


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






PERMISSION_CHOICES = AccountLink.Permission.choices


class ColleaguePermissionsForm(forms.Form):
    """What a colleague (usuario de la empresa) may do; unknown values are refused."""

    permissions = forms.MultipleChoiceField(
        label=_("Permisos"), choices=PERMISSION_CHOICES, required=False, widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Elija permisos de la lista.")})

    def __init__(self, *args, link: AccountLink | None = None, **kwargs):
        """`link`: the titular's, whose parties say which permissions apply (see AccountLink)."""
        super().__init__(*args, **kwargs)
        if link is not None:
            applicable = set(link.applicable_permissions)
            self.fields["permissions"].choices = [(code, label) for code, label in PERMISSION_CHOICES
                                                  if code in applicable]


class ColleagueInviteForm(ColleaguePermissionsForm):
    email = forms.EmailField(
        label=_("Email"), max_length=254, error_messages={
            "required": _("Ingrese el email de la persona que quiere invitar."),
            "invalid": _("Ingrese un email válido, por ejemplo nombre@empresa.com.ar.")},
        widget=forms.EmailInput(attrs={"autocomplete": "off"}))

    field_order = ["email", "permissions"]
