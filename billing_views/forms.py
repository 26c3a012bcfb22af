"""The filter bar of each list. A bad value gets a Spanish message beside its field and is
ignored; the list still shows."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from portal_core.models import Customer, Supplier
from portal_core.web.forms import DateRangeForm

from .errors import BillingError
from .selectors import DOCUMENT_SORTS, ENTRY_SORTS, Filters
from .statements import FORMATS, default_period, period_check

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]
DATE_WIDGET = forms.DateInput(attrs={"placeholder": "dd/mm/aaaa", "inputmode": "numeric"}, format="%d/%m/%Y")


def parse_amount(value: str) -> Decimal:
    """`1.234,56`, `1234,56` and `1234.56` are all 1234.56."""
    text = value.strip().replace("$", "").replace(" ", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif text.count(".") > 1 or re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
        text = text.replace(".", "")
    return Decimal(text)


class TextParsedField(forms.Field):
    """A text input parsed into a value (the CharField validators would check the value)."""

    widget = forms.TextInput
    max_text_length = 20

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        if len(value) > self.max_text_length:
            raise forms.ValidationError(_("Demasiado largo."), code="max_length")
        return self.parse(value)


class AmountField(TextParsedField):
    def parse(self, value):
        try:
            amount = parse_amount(value)
        except InvalidOperation:
            amount = None
        # "NaN", "Infinity" and "1e400" are Decimals too, but no amount (the query would fail).
        if amount is None or not amount.is_finite() or abs(amount) >= 10**15:
            raise forms.ValidationError(_("Ingrese un importe, por ejemplo 1.234,56."), code="invalid")
        return amount


class DocumentNumberField(TextParsedField):
    """`0003-00001234`, `3-1234` or just `1234` -> (point of sale or None, number)."""

    def parse(self, value):
        match = re.fullmatch(r"(?:[A-Ea-e]\s*)?(?:(\d{1,5})\s*-\s*)?(\d{1,8})", value.strip())
        if not match:
            raise forms.ValidationError(_("Use el formato 0003-00001234 o solo el número."), code="invalid")
        point_of_sale, number = match.groups()
        return (int(point_of_sale) if point_of_sale else None, int(number))


class FilterForm(DateRangeForm):
    sorts = DOCUMENT_SORTS

    desde = forms.DateField(label=_("Desde"), required=False, input_formats=DATE_FORMATS,
                            widget=forms.DateInput(attrs={"placeholder": "dd/mm/aaaa", "inputmode": "numeric"},
                                                   format="%d/%m/%Y"),
                            error_messages={"invalid": _("Fecha inválida: use dd/mm/aaaa.")})
    hasta = forms.DateField(label=_("Hasta"), required=False, input_formats=DATE_FORMATS,
                            widget=forms.DateInput(attrs={"placeholder": "dd/mm/aaaa", "inputmode": "numeric"},
                                                   format="%d/%m/%Y"),
                            error_messages={"invalid": _("Fecha inválida: use dd/mm/aaaa.")})
    razon_social = forms.CharField(label=_("Razón social"), required=False, max_length=100)
    numero = DocumentNumberField(label=_("Número"), required=False,
                                 widget=forms.TextInput(attrs={"placeholder": "0003-00001234"}))
    importe_min = AmountField(label=_("Importe desde"), required=False,
                              widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    importe_max = AmountField(label=_("Importe hasta"), required=False,
                              widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    relacionado = forms.BooleanField(label=_("Relacionado"), required=False)
    asociado = forms.BooleanField(label=_("Asociado"), required=False)
    orden = forms.CharField(required=False, widget=forms.HiddenInput)

    def filters(self, **extra) -> Filters:
        """The valid part of the request: a field with an error filters nothing."""
        self.is_valid()
        data = {name: value for name, value in getattr(self, "cleaned_data", {}).items() if name not in self.errors}
        point_of_sale, number = data.get("numero") or (None, None)
        sort = data.get("orden") if data.get("orden") in self.sorts else "-fecha"
        return Filters(
            date_from=data.get("desde"), date_to=data.get("hasta"), business_name=data.get("razon_social") or "",
            point_of_sale=point_of_sale, number=number, amount_min=data.get("importe_min"),
            amount_max=data.get("importe_max"), related=bool(data.get("relacionado")),
            associated=bool(data.get("asociado")), sort=sort, extra=extra,
        )


class LedgerFilterForm(FilterForm):
    sorts = ENTRY_SORTS
    vencidos = forms.BooleanField(label=_("Solo vencidos"), required=False)

    def __init__(self, *args, balances: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not balances:
            # Without balances, neither the overdue filter nor sorting by balance may reveal them.
            del self.fields["vencidos"]
            self.sorts = {key: value for key, value in ENTRY_SORTS.items() if "saldo" not in key}


class SupplierFilterForm(FilterForm):
    """Suppliers have no related or associated parties."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["relacionado"]
        del self.fields["asociado"]


class SupplierLedgerFilterForm(LedgerFilterForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["relacionado"]
        del self.fields["asociado"]


def ledger_filter_form(party: Customer | Supplier, data, *, balances: bool) -> LedgerFilterForm:
    """A current account's filter bar, whoever looks at it: a supplier's has no checks."""
    form_class = SupplierLedgerFilterForm if isinstance(party, Supplier) else LedgerFilterForm
    return form_class(data, balances=balances)


class StatementForm(forms.Form):
    """*Descargar resumen*: the period (both days included) and the file's format; a customer
    also chooses the ledger's scope checks. Shown unbound with the current month. Dates are
    typed as in the filter bar (a date input shows the browser's own format, not dd/mm/aaaa)."""

    desde = forms.DateField(label=_("Desde"), input_formats=DATE_FORMATS,
                            widget=DATE_WIDGET,
                            error_messages={"invalid": _("Fecha inválida: use dd/mm/aaaa."),
                                            "required": _("Ingrese la fecha desde.")})
    hasta = forms.DateField(label=_("Hasta"), input_formats=DATE_FORMATS,
                            widget=DATE_WIDGET,
                            error_messages={"invalid": _("Fecha inválida: use dd/mm/aaaa."),
                                            "required": _("Ingrese la fecha hasta.")})
    relacionado = forms.BooleanField(label=_("Incluir cuentas relacionadas"), required=False)
    asociado = forms.BooleanField(label=_("Incluir comprobantes asociados"), required=False)
    formato = forms.ChoiceField(choices=[(name, name) for name in FORMATS], widget=forms.HiddenInput,
                                error_messages={"required": _("Elija PDF o Excel."),
                                                "invalid_choice": _("Elija PDF o Excel.")})

    def __init__(self, data=None, *, customer: bool, today):
        since, until = default_period(today)
        super().__init__(data, initial={"desde": since, "hasta": until})
        self.today = today
        if not customer:
            del self.fields["relacionado"]
            del self.fields["asociado"]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("desde"), cleaned.get("hasta")
        if since and until:
            try:
                period_check(date_from=since, date_to=until, today=self.today)
            except BillingError as error:
                self.add_error("hasta", error.as_form_error())
        return cleaned
