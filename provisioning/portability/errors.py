"""Why an import is refused. Services raise a code; the command says it in Spanish."""


class PortabilityError(Exception):
    ARCHIVE_DAMAGED = "archive_damaged"  # unreadable, truncated, or a member's checksum differs
    FORMAT_UNSUPPORTED = "format_unsupported"  # made by a version of this code that reads it otherwise
    MIGRATIONS_MISMATCH = "migrations_mismatch"  # made by code at other migrations than this one
    SCHEMA_MISMATCH = "schema_mismatch"  # same migrations, yet other tables or columns
    SUBDOMAIN_TAKEN = "subdomain_taken"
    SUBDOMAIN_INVALID = "subdomain_invalid"

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail
