"""The forms of Programar retiro: a pickup window (Perfil), the appointment (supplier), the code
(Entregas del día). Every refusal in Spanish."""

import re
from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

WEEKDAYS = [(0, _("Lunes")), (1, _("Martes")), (2, _("Miércoles")), (3, _("Jueves")), (4, _("Viernes")),
            (5, _("Sábado")), (6, _("Domingo"))]
REQUIRED = {"required": _("Complete este campo.")}
TIME_ERRORS = {**REQUIRED, "invalid": _("Hora inválida: use hh:mm, por ejemplo 09:30.")}
_DNI = re.compile(r"^[0-9]{7,8}$")
_NAME = re.compile(r"^[^\W\d_]+(?:[ '.\-][^\W\d_]+)*\.?$")


def _number(label, minimum, maximum, **kwargs):
    return forms.IntegerField(label=label, min_value=minimum, max_value=maximum, error_messages={
        **REQUIRED, "invalid": _("Ingrese un número entero."),
        "min_value": _("Debe ser al menos %(limit_value)s."), "max_value": _("Debe ser como máximo %(limit_value)s.")},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}), **kwargs)


class WindowForm(forms.Form):
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Días"), choices=WEEKDAYS, coerce=int, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Elija al menos un día."), "invalid_choice": _("Elija días de la semana."),
                        "invalid_list": _("Elija días de la semana.")})
    starts_at = forms.TimeField(label=_("Desde"), input_formats=["%H:%M"], error_messages=TIME_ERRORS,
                                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    ends_at = forms.TimeField(label=_("Hasta"), input_formats=["%H:%M"], error_messages=TIME_ERRORS,
                              widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    place = forms.CharField(label=_("Lugar"), max_length=200, error_messages={
        **REQUIRED, "max_length": _("Como máximo %(limit_value)d caracteres.")},
        help_text=_("La dirección y, si hace falta, dónde preguntar: «Av. Corrientes 1234, Caja 2»."))
    slot_minutes = _number(_("Duración de cada turno (minutos)"), 5, 240, initial=30)
    capacity = _number(_("Retiros por turno"), 1, 100, initial=2,
                       help_text=_("Cuántas personas pueden retirar en el mismo turno."))

    def clean(self):
        data = super().clean()
        starts, ends, minutes = data.get("starts_at"), data.get("ends_at"), data.get("slot_minutes")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("La hora de cierre debe ser posterior a la de apertura."))
        elif starts and ends and minutes:
            length = datetime.combine(datetime.min, ends) - datetime.combine(datetime.min, starts)
            if length.total_seconds() < minutes * 60:
                self.add_error("slot_minutes", _("El horario es más corto que un turno."))
        return data


class ScheduleForm(forms.Form):
    slot = forms.CharField(label=_("Turno"), max_length=40, error_messages={
        "required": _("Elija un turno."), "max_length": _("Elija un turno.")})
    person_name = forms.CharField(label=_("Nombre y apellido de quien retira"), min_length=3, max_length=120,
                                  error_messages={**REQUIRED, "min_length": _("Escriba el nombre y apellido."),
                                                  "max_length": _("Como máximo %(limit_value)d caracteres.")})
    person_dni = forms.CharField(label=_("DNI de quien retira"), max_length=20,
                                 help_text=_("Sin puntos: 7 u 8 números."),
                                 widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
                                 error_messages={**REQUIRED, "max_length": _("El DNI tiene 7 u 8 números.")})
    replacing = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1,
                                   error_messages={"invalid": _("Vuelva a abrir la página e intente de nuevo."),
                                                   "min_value": _("Vuelva a abrir la página e intente de nuevo."),
                                                   "max_value": _("Vuelva a abrir la página e intente de nuevo.")})

    def clean_person_name(self):
        name = " ".join(self.cleaned_data["person_name"].split())
        if not _NAME.match(name) or " " not in name:
            raise forms.ValidationError(_("Escriba nombre y apellido, solo con letras."))
        return name

    def clean_person_dni(self):
        dni = re.sub(r"[.\s]", "", self.cleaned_data["person_dni"])
        if not _DNI.match(dni) or int(dni) == 0:
            raise forms.ValidationError(_("El DNI tiene 7 u 8 números, sin puntos ni letras."))
        return dni


class HandOverForm(forms.Form):
    code = forms.CharField(label=_("Código de retiro"), max_length=40, error_messages={
        "required": _("Ingrese o escanee el código de retiro."),
        "max_length": _("El código de retiro tiene 8 caracteres.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false",
                                      "autofocus": True}))
