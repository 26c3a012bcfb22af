from django import forms
from django.utils.translation import gettext_lazy as _

from portal_core.models import AuditEvent
from portal_core.web.forms import DateRangeForm

ACTIVITY_DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


def _activity_date(label):
    return forms.DateField(label=label, required=False, input_formats=ACTIVITY_DATE_FORMATS,
                           widget=forms.DateInput(attrs={"placeholder": "dd/mm/aaaa", "inputmode": "numeric"},
                                                  format="%d/%m/%Y"),
                           error_messages={"invalid": _("Fecha inválida: use dd/mm/aaaa.")})


class ActivityFilterForm(DateRangeForm):
    """Registro de actividad's filters: dates, a person (who acted or on whom) and the kind."""

    desde = _activity_date(_("Desde"))
    hasta = _activity_date(_("Hasta"))
    persona = forms.CharField(label=_("Persona (email)"), required=False, max_length=100)
    tipo = forms.ChoiceField(label=_("Qué"), required=False,
                             choices=[("", _("Todo"))] + list(AuditEvent.Kind.choices))

    def clean_persona(self):
        return self.cleaned_data["persona"].replace("\x00", "").strip()

    def filters(self) -> dict:
        """The valid part of the request: a field with an error filters nothing."""
        self.is_valid()
        data = {name: value for name, value in getattr(self, "cleaned_data", {}).items() if name not in self.errors}
        return {"since": data.get("desde"), "until": data.get("hasta"), "person": data.get("persona") or "",
                "kind": data.get("tipo") or ""}
