"""es-AR presentation of money, dates and tax ids, the same in pages, PDFs and exports."""

from decimal import ROUND_HALF_UP, Decimal

from portal_core.formats import money  # noqa: F401 (pages, PDFs and exports take it from here)


def decimal_ar(value, places: int = 2) -> str:
    """`1234,56`: a plain number with a decimal comma, rounded half up like `money`."""
    quantum = Decimal(1).scaleb(-places)
    amount = Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    # An amount that rounds to zero prints "0,00", never "-0,00" (Decimal keeps the sign).
    return f"{amount.copy_abs() if amount.is_zero() else amount:f}".replace(".", ",")


def date_ar(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""
