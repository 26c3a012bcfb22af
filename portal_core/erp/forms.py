from django import forms
from django.utils.translation import gettext_lazy as _


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Nombre de la clave"), max_length=80,
        help_text=_("Para reconocerla después, por ejemplo «ERP casa central»."),
        error_messages={"required": _("Ingrese un nombre para la clave."),
                        "max_length": _("Use como máximo 80 caracteres.")},
    )
