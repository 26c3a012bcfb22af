from django import template

from billing_views import formats
from portal_core.cuit import cuit_format

register = template.Library()


@register.filter
def money(value, currency="ARS"):
    return formats.money(value, currency or "ARS")


@register.filter
def cuit(value):
    return cuit_format(value or "")
