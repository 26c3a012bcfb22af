from django import forms
from django.utils.translation import gettext_lazy as _

from portal_core.questions.errors import ATTACHMENT_MAX_BYTES, TEXT_MAX_CHARS
from portal_core.questions.selectors import AdminFilters

STATUSES = {"abierta": "open", "respondida": "answered", "cerrada": "closed"}
PARTY_KINDS = {"clientes": "customer", "proveedores": "supplier"}


class MessageForm(forms.Form):
    texto = forms.CharField(
        label=_("Mensaje"), max_length=TEXT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": TEXT_MAX_CHARS}),
        error_messages={"required": _("Escriba su mensaje."),
                        "max_length": _("El mensaje es demasiado largo: como máximo %(limit_value)d caracteres.")})
    adjunto = forms.FileField(
        label=_("Adjunto (opcional)"), required=False, max_length=200,
        help_text=_("Un PDF o una imagen PNG o JPEG, de hasta %(mb)d MB.") % {"mb": ATTACHMENT_MAX_BYTES // 2 ** 20},
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
        error_messages={"empty": _("El archivo adjunto está vacío."),
                        "max_length": _("El nombre del archivo adjunto es demasiado largo.")})


class AdminFilterForm(forms.Form):
    estado = forms.ChoiceField(label=_("Estado"), required=False, choices=[
        ("", _("Todas")), ("abierta", _("Abiertas")), ("respondida", _("Respondidas")), ("cerrada", _("Cerradas"))])
    parte = forms.ChoiceField(label=_("Cliente o proveedor"), required=False, choices=[
        ("", _("Todos")), ("clientes", _("Clientes")), ("proveedores", _("Proveedores"))])
    texto = forms.CharField(label=_("Buscar"), required=False, max_length=100,
                            widget=forms.TextInput(attrs={"placeholder": _("Razón social, CUIT, número o texto")}))

    def filters(self) -> AdminFilters:
        """What was understood: a bad value filters nothing."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return AdminFilters(status=STATUSES.get(data.get("estado") or "", ""),
                            party_kind=PARTY_KINDS.get(data.get("parte") or "", ""),
                            search=(data.get("texto") or "").strip())
