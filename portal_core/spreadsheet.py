"""CSV and XLSX helpers: text that goes into a cell (anything a spreadsheet would run as a
formula is prefixed with an apostrophe: ERP names and log entries are data, never formulas),
and the pseudo-file that lets csv.writer feed a streaming response."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    return f"'{value}" if value and value.startswith(FORMULA_STARTS) else value


class Echo:
    """A file whose write() returns the line, for csv.writer rows streamed one by one."""

    def write(self, value):
        return value
