from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal_core.cuit import cuit_is_valid, cuit_normalize


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
