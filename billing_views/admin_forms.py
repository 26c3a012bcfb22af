from django import forms
from django.utils.translation import gettext_lazy as _

from portal_core.models import Branch, PortalSettings, Supplier
from portal_core.web.forms import DateRangeForm

from .forms import DATE_FORMATS

DATE_WIDGET = forms.DateInput(attrs={"placeholder": "dd/mm/aaaa", "inputmode": "numeric"}, format="%d/%m/%Y")
DATE_ERRORS = {"invalid": _("Fecha inválida: use dd/mm/aaaa.")}


class PeriodForm(DateRangeForm):
    desde = forms.DateField(label=_("Desde"), required=False, input_formats=DATE_FORMATS, widget=DATE_WIDGET,
                            error_messages=DATE_ERRORS)
    hasta = forms.DateField(label=_("Hasta"), required=False, input_formats=DATE_FORMATS, widget=DATE_WIDGET,
                            error_messages=DATE_ERRORS)

    def value(self, name):
        """The cleaned value of a valid field, or None (a bad field filters nothing)."""
        self.is_valid()
        return None if name in self.errors else getattr(self, "cleaned_data", {}).get(name)


class BalancesForm(PeriodForm):
    buscar = forms.CharField(label=_("Buscar"), required=False, max_length=100,
                             widget=forms.TextInput(attrs={"placeholder": _("Razón social o CUIT")}))
    orden = forms.CharField(required=False, widget=forms.HiddenInput)


class RankingForm(PeriodForm):
    sucursal = forms.ModelChoiceField(label=_("Sucursal"), queryset=Branch.objects.order_by("name"), required=False,
                                      empty_label=_("Todas"))


class ArticlesForm(PeriodForm):
    proveedor = forms.ModelChoiceField(label=_("Proveedor"), queryset=Supplier.objects.order_by("business_name"),
                                       required=False, empty_label=_("Todos"))
    por = forms.ChoiceField(label=_("Ordenar por"), required=False,
                            choices=[("cantidad", _("Cantidad")), ("importe", _("Importe"))])


class SwitchesForm(forms.Form):
    customer_balances = forms.BooleanField(label=_("Ver sus saldos"), required=False)
    customer_invoices = forms.BooleanField(label=_("Facturas de venta"), required=False)
    customer_ledger = forms.BooleanField(label=_("Cuenta corriente"), required=False)
    customer_orders = forms.BooleanField(label=_("Seguimiento de pedidos"), required=False)
    supplier_balances = forms.BooleanField(label=_("Ver sus saldos"), required=False)
    supplier_invoices = forms.BooleanField(label=_("Facturas de compra"), required=False)
    supplier_ledger = forms.BooleanField(label=_("Cuenta corriente proveedores"), required=False)
    supplier_payments = forms.BooleanField(label=_("Retiro de pagos"), required=False)
    colleagues_allowed = forms.BooleanField(
        label=_("Los clientes y proveedores pueden invitar a usuarios de su empresa"), required=False,
        help_text=_("Quien tiene el primer acceso de cada cliente o proveedor invita a sus compañeros desde "
                    "«Usuarios de la empresa» y elige qué puede ver y descargar cada uno."))

    def customer_fields(self):
        return [self[name] for name in self.fields if name.startswith("customer_")]

    def supplier_fields(self):
        return [self[name] for name in self.fields if name.startswith("supplier_")]


class TwoFactorPolicyForm(forms.Form):
    two_factor_policy = forms.ChoiceField(
        label=_("Verificación en dos pasos"), choices=PortalSettings.TwoFactor.choices,
        help_text=_("Quienes deban usarla y no la tengan la configuran en su próximo ingreso, antes de ver "
                    "cualquier otra página."),
        error_messages={"invalid_choice": _("Elija una de las opciones.")})


class ProfileImageForm(forms.Form):
    imagen = forms.FileField(label=_("Imagen de perfil"), error_messages={"required": _("Elija una imagen.")},
                             widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}))
