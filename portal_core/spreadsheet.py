"""Text that goes into a CSV or XLSX cell: anything a spreadsheet would run as a formula is
prefixed with an apostrophe (ERP names and log entries are data, never formulas)."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    return f"'{value}" if value and value.startswith(FORMULA_STARTS) else value
