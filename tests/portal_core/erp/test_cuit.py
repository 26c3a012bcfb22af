import pytest

from portal_core.erp.cuit import cuit_check_digit, cuit_format, cuit_is_valid


@pytest.mark.parametrize("value", ["30-71234567-1", "30712345671", "20-12345678-6", "27 28033514 8"])
def test_valid_cuits(value):
    assert cuit_is_valid(value)


@pytest.mark.parametrize("value", ["30-71234567-2", "3071234567", "307123456711", "30-7123456A-1", "", "abc"])
def test_invalid_cuits(value):
    assert not cuit_is_valid(value)


def test_check_digit_10_means_no_valid_cuit():
    # 20-00000001: weighted sum 2*5 + 1*2 = 12 -> 11 - 1 = 10: no check digit exists
    assert cuit_check_digit("2000000001") is None


def test_format():
    assert cuit_format("30712345671") == "30-71234567-1"
