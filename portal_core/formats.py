"""Money as es-AR writes it (`$ 1.234,56`): here, where both the portal's emails and the pages
(billing_views.formats) can use the one function."""

from decimal import ROUND_HALF_UP, Decimal

CURRENCY_SYMBOLS = {"ARS": "$", "USD": "US$"}


def money(value, currency: str = "ARS") -> str:
    """`$ 1.234,56`; negative `-$ 1.234,56`."""
    if value is None or value == "":
        return ""
    amount = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    digits = f"{abs(amount):,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    sign = "-" if amount < 0 else ""
    return f"{sign}{CURRENCY_SYMBOLS.get(currency, currency)} {digits}"
