"""CUIT / CUIL: Argentina's 11-digit tax id with a modulo-11 check digit."""

import re

WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def cuit_normalize(value: str) -> str:
    """Digits only: `30-71234567-1` -> `30712345671`."""
    return re.sub(r"[\s.\-/]", "", value or "")


def cuit_check_digit(first_ten: str) -> int | None:
    remainder = 11 - sum(int(d) * w for d, w in zip(first_ten, WEIGHTS, strict=True)) % 11
    if remainder == 11:
        return 0
    if remainder == 10:
        return None  # no valid CUIT has this prefix and body
    return remainder


def cuit_is_valid(value: str) -> bool:
    digits = cuit_normalize(value)
    if not re.fullmatch(r"\d{11}", digits):
        return False
    return cuit_check_digit(digits[:10]) == int(digits[10])


def cuit_format(value: str) -> str:
    digits = cuit_normalize(value)
    if len(digits) != 11:
        return value
    return f"{digits[:2]}-{digits[2:10]}-{digits[10]}"
