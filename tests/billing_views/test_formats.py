"""billing_views.formats: money, plain numbers and dates as people in Argentina write them, the
same in pages, PDFs and exports."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from billing_views.formats import date_ar, decimal_ar, money

# --- money -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [
    (Decimal("1234.56"), "$ 1.234,56"),
    (Decimal("1234567.891"), "$ 1.234.567,89"),
    (Decimal("0.5"), "$ 0,50"),
    (0, "$ 0,00"),
    (1234, "$ 1.234,00"),
    ("1234.5", "$ 1.234,50"),
])
def test_money_groups_thousands_with_dots_and_shows_two_decimals_after_a_comma(value, expected):
    assert money(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (Decimal("-1234.56"), "-$ 1.234,56"),
    (Decimal("-0.5"), "-$ 0,50"),
])
def test_money_puts_the_minus_before_the_symbol(value, expected):
    assert money(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (Decimal("0.005"), "$ 0,01"),
    (Decimal("2.675"), "$ 2,68"),
    (Decimal("2.665"), "$ 2,67"),
    (Decimal("999.995"), "$ 1.000,00"),
    (Decimal("-0.005"), "-$ 0,01"),
])
def test_money_rounds_half_up_away_from_zero(value, expected):
    assert money(value) == expected


@pytest.mark.parametrize("value", [Decimal("-0.004"), Decimal("-0")])
def test_money_that_rounds_to_zero_has_no_minus(value):
    assert money(value) == "$ 0,00"


@pytest.mark.parametrize(("currency", "expected"), [("ARS", "$ 1.045,50"), ("USD", "US$ 1.045,50"),
                                                     ("EUR", "EUR 1.045,50")])
def test_money_shows_the_currency_symbol_or_else_its_code(currency, expected):
    assert money(Decimal("1045.5"), currency) == expected


@pytest.mark.parametrize("value", [None, ""])
def test_money_of_nothing_is_empty(value):
    assert money(value) == ""


# --- decimal_ar ------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "places", "expected"), [
    (Decimal("1234.56"), 2, "1234,56"),
    (Decimal("1234567.891"), 2, "1234567,89"),
    (Decimal("-300.5"), 2, "-300,50"),
    (0, 2, "0,00"),
    (Decimal("1045.5"), 4, "1045,5000"),
])
def test_decimal_ar_writes_a_plain_number_with_a_decimal_comma_and_no_thousands_dots(value, places, expected):
    assert decimal_ar(value, places) == expected


@pytest.mark.parametrize(("value", "places", "expected"), [
    (Decimal("2.675"), 2, "2,68"),
    (Decimal("1.0005"), 3, "1,001"),
    (Decimal("2.5"), 0, "3"),
    (Decimal("-2.5"), 0, "-3"),
])
def test_decimal_ar_rounds_half_up_like_money(value, places, expected):
    assert decimal_ar(value, places) == expected


@pytest.mark.parametrize("value", [Decimal("-0.004"), Decimal("-0.00"), Decimal("-0.0049")])
def test_decimal_ar_of_an_amount_that_rounds_to_zero_has_no_minus_sign(value):
    assert decimal_ar(value) == "0,00"


# --- date_ar ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [
    (date(2026, 3, 1), "01/03/2026"),
    (date(2025, 12, 31), "31/12/2025"),
    (datetime(2026, 3, 1, 23, 59), "01/03/2026"),
])
def test_date_ar_is_day_month_year(value, expected):
    assert date_ar(value) == expected


def test_date_ar_of_no_date_is_empty():
    assert date_ar(None) == ""
