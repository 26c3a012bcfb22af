"""Subdomain derivation from a portal name: `Distribuidora Peñalolén` -> `distribuidora-penalolen`."""

import re

from unidecode import unidecode

MAX_LENGTH = 63

# Names a company may not take: they are, or may become, the platform's own hosts.
RESERVED = frozenset(
    {
        "www", "api", "admin", "administrador", "mail", "email", "smtp", "imap", "pop", "ftp",
        "static", "media", "assets", "cdn", "app", "apps", "portal", "portales", "public",
        "publico", "dashboard", "panel", "login", "ingresar", "registro", "signup", "auth",
        "account", "accounts", "cuenta", "cuentas", "help", "ayuda", "soporte", "support",
        "status", "blog", "docs", "dev", "test", "staging", "demo-platform", "ns1", "ns2",
        "localhost", "root", "system", "sistema", "erp", "billing", "facturacion",
    }
)


class SubdomainError(ValueError):
    """The name yields no usable subdomain. `code` is one of the constants below."""

    EMPTY = "subdomain_empty"
    NOT_LETTER_FIRST = "subdomain_not_letter_first"
    RESERVED = "subdomain_reserved"

    def __init__(self, code: str, subdomain: str = ""):
        super().__init__(code)
        self.code = code
        self.subdomain = subdomain


def subdomain_from_name(name: str) -> str:
    """Accents stripped, lower case, runs of anything else than letters and digits as one `-`,
    at most 63 characters. Raises SubdomainError when the result cannot be a portal's host."""
    ascii_name = unidecode(name or "").lower()
    subdomain = re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")
    subdomain = subdomain[:MAX_LENGTH].rstrip("-")
    if not subdomain:
        raise SubdomainError(SubdomainError.EMPTY)
    if not subdomain[0].isalpha():
        raise SubdomainError(SubdomainError.NOT_LETTER_FIRST, subdomain)
    if subdomain in RESERVED:
        raise SubdomainError(SubdomainError.RESERVED, subdomain)
    return subdomain


def subdomain_variants(subdomain: str):
    """`name-2`, `name-3`, ... each within the length limit: candidates when `name` is taken."""
    number = 2
    while True:
        suffix = f"-{number}"
        yield subdomain[: MAX_LENGTH - len(suffix)].rstrip("-") + suffix
        number += 1
