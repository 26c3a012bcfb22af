"""The operators' admin on the root domain: a password and a verification code from the
operator's authenticator app (or one of their recovery codes). Operators enrol with
`manage.py operator_otp_setup --email ...`."""

from django import forms
from django.contrib.auth.signals import user_login_failed
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice


def device_for_token(user, token: str):
    """The device a typed code is meant for, locked for the verification: six digits are the
    app's code, anything else a recovery code. Trying only that one device keeps a wrong code
    from throttling the other."""
    model = TOTPDevice if token.isdigit() and len(token) <= 8 else StaticDevice
    return model.objects.select_for_update().filter(user=user, confirmed=True).first()


class OperatorAuthenticationForm(OTPAdminAuthenticationForm):
    otp_token = forms.CharField(
        label=_("Código de verificación"), required=False,
        help_text=_("El de su aplicación de autenticación, o uno de sus códigos de recuperación."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "off",
                                      "spellcheck": "false"}))

    otp_error_messages = {
        **OTPAdminAuthenticationForm.otp_error_messages,
        "token_required": _("Ingrese el código de verificación."),
        "invalid_token": _("El código de verificación no es correcto."),
        "device_required": _("Esta cuenta no tiene la verificación en dos pasos configurada: "
                             "use «manage.py operator_otp_setup»."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        # Django's AuthenticationForm sets the username's max_length after the field was built,
        # so nothing enforced it: a longer one reached django-axes' varchar(255) and answered 500.
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))

    def clean_otp(self, user):
        try:
            super().clean_otp(user)
        except forms.ValidationError as error:
            if error.code != "token_required":
                # A wrong code (or one tried while the device makes it wait) counts like a wrong
                # password for the lockout (django-axes).
                user_login_failed.send(sender=type(self), request=self.request,
                                       credentials={"username": user.get_username()})
            raise

    def _chosen_device(self, user):
        token = (self.cleaned_data.get("otp_token") or "").strip().lower().replace("-", "").replace(" ", "")
        self.cleaned_data["otp_token"] = token
        return device_for_token(user, token) if token else None


class OperatorAdminSite(OTPAdminSite):
    """`admin.site`: only staff verified by a device of their own get in."""

    login_form = OperatorAuthenticationForm
    login_template = "admin/operator_login.html"

    def __init__(self, name="admin"):
        super().__init__(name)
