from django import forms
from django.utils.translation import gettext_lazy as _

from . import kinds as k
from .models import Delivery

DAYS_ERRORS = {"required": _("Indique cuántos días antes avisar."), "invalid": _("Indique un número de días."),
               "min_value": _("Elija entre 1 y 30 días."), "max_value": _("Elija entre 1 y 30 días.")}


class NotificationSettingsForm(forms.Form):
    """Perfil → Notificaciones: which kinds the portal sends."""

    kinds = forms.MultipleChoiceField(
        label=_("Avisos que envía el portal"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(kind.code, kind.label) for kind in k.KINDS.values()],
        error_messages={"invalid_choice": _("Elija avisos de la lista.")})
    due_soon_days = forms.IntegerField(
        label=_("Avisar de los vencimientos con"), min_value=1, max_value=30, error_messages=DAYS_ERRORS,
        help_text=_("días de anticipación (entre 1 y 30)."),
        widget=forms.NumberInput(attrs={"min": 1, "max": 30, "inputmode": "numeric"}))

    def kind_groups(self):
        """(audience label, [(kind, checkbox)]) for the template."""
        boxes = {box.data["value"]: box for box in self["kinds"]}
        return [(label, [(kind, boxes[kind.code]) for kind in k.KINDS.values() if kind.audience == audience])
                for audience, label in ((k.CUSTOMER, _("A clientes")), (k.SUPPLIER, _("A proveedores")))]


class PreferencesForm(forms.Form):
    """Mi cuenta → Notificaciones: for each kind available to the account, how it gets it."""

    def __init__(self, *args, kinds: list[k.NotificationKind], current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = kinds
        for kind in kinds:
            self.fields[kind.code] = forms.ChoiceField(
                label=kind.label, help_text=kind.help, choices=Delivery.choices, widget=forms.RadioSelect,
                initial=current.get(kind.code, Delivery.IMMEDIATE),
                error_messages={"required": _("Elija cómo recibirlo."),
                                "invalid_choice": _("Elija una de las opciones.")})
