"""Helpers of the isolation matrix (tests/security/test_isolation_matrix.py): every pattern of a URLconf,
concrete paths for them, what a refusal must look like, and snapshots of the database and of
the stored files that prove a refused call changed nothing."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

# --- Classes of URLs -----------------------------------------------------------------------

PUBLIC = "public"  # anyone: login, registration, links of emails, Crear Portal, static pages
ACCOUNT = "account"  # any logged-in portal account (Mi cuenta, home)
CUSTOMER = "customer"  # an account linked to an active customer
SUPPLIER = "supplier"  # an account linked to an active supplier
TITULAR = "titular"  # a party's titular managing its colleagues (usuarios de la empresa)
ADMIN = "admin"  # the portal's admins
API = "api"  # the ERP, with one of the portal's API keys
OPERATOR = "operator"  # the platform's operators on the root domain (staff + verified TOTP)
CLASSES = (PUBLIC, ACCOUNT, CUSTOMER, SUPPLIER, TITULAR, ADMIN, API, OPERATOR)

GET, POST, PUT, DELETE = ("GET",), ("POST",), ("PUT",), ("DELETE",)
GET_POST = ("GET", "POST")


@dataclass(frozen=True)
class Rule:
    """How the matrix treats one URL: its class, the methods its view accepts, and which ids
    (or tokens) fill its arguments: a kind of `Seed.own` / `Seed.other` (see isolation_world)."""

    cls: str
    methods: tuple[str, ...] = GET
    ids: str | None = None
    args: dict = field(default_factory=dict)  # fixed arguments that are not ids, e.g. {"tab": "clientes"}
    data: dict = field(default_factory=dict)  # a POST body that would be valid but for who sends it
    control: bool = True  # the owner's GET with its own ids is checked to succeed
    refusal: Callable | None = None  # a public URL: what a stranger (or a foreign token) must get


# --- URL patterns --------------------------------------------------------------------------

@dataclass(frozen=True)
class Pattern:
    key: str  # "namespace:name", or the route when the pattern has no name
    route: str  # the whole route from the URLconf's root, e.g. "facturas/<int:document_id>/pdf/"
    view: str  # the view's dotted name
    default_kwargs: dict

    def __str__(self):
        return f"{self.key} (/{self.route} → {self.view})"


def _view_name(callback) -> str:
    target = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if target is not None:
        return f"{target.__module__}.{target.__qualname__}"
    wrapped = callback
    while hasattr(wrapped, "__wrapped__"):
        wrapped = wrapped.__wrapped__
    return f"{wrapped.__module__}.{getattr(wrapped, '__qualname__', wrapped)}"


def url_patterns(urlconf: str) -> list[Pattern]:
    """Every pattern of `urlconf`, recursively through its includes."""

    def walk(patterns, prefix, namespace):
        for item in patterns:
            if isinstance(item, URLResolver):
                inner = namespace
                if item.namespace:
                    inner = f"{namespace}:{item.namespace}" if namespace else item.namespace
                yield from walk(item.url_patterns, prefix + str(item.pattern), inner)
            elif isinstance(item, URLPattern):
                route = prefix + str(item.pattern)
                name = item.name and (f"{namespace}:{item.name}" if namespace else item.name)
                yield Pattern(key=name or route, route=route, view=_view_name(item.callback),
                              default_kwargs=dict(item.default_args))

    return list(walk(get_resolver(urlconf).url_patterns, "", None))


_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")
_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")


def route_arguments(route: str) -> list[str]:
    return _CONVERTER.findall(route) + _GROUP.findall(route)


def path_for(route: str, values: dict) -> str:
    """A concrete path for a route (path() converters or a regex's named groups)."""
    path = _CONVERTER.sub(lambda m: str(values[m.group(1)]), route)
    path = _GROUP.sub(lambda m: str(values[m.group(1)]), path)
    path = path.replace("^", "").replace("$", "")
    return "/" + path.replace(".*", "no-existe/")  # a catch-all: any path


# --- Calls and what they answered ----------------------------------------------------------

@dataclass
class Call:
    actor: str
    host: str
    method: str
    path: str
    key: str
    status: int = 0
    location: str = ""
    content_type: str = ""
    body: bytes = b""

    def __str__(self):
        answer = f"{self.status}" + (f" → {self.location}" if self.location else "")
        snippet = self.body[:160].decode("utf-8", "replace").replace("\n", " ") if not self.location else ""
        return f"[{self.actor}] {self.method} {self.host}{self.path} ({self.key}) respondió {answer} {snippet}".rstrip()


_client: Client | None = None


def send(*, actor: str, host: str, method: str, path: str, key: str, cookies: dict | None = None,
         headers: dict | None = None, data: dict | None = None, body: bytes | None = None,
         content_type: str | None = None) -> Call:
    """One request carrying exactly the actor's cookies (so a call that ends a session cannot
    change what the next call sends). One client serves every call: a new one loads the
    middleware again (whitenoise scans the static files), which would make the matrix slow."""
    global _client
    if _client is None:
        _client = Client(raise_request_exception=False)
    client = _client
    client.cookies = SimpleCookie()
    for name, value in (cookies or {}).items():
        client.cookies[name] = value
    kwargs = {"HTTP_HOST": host, **(headers or {})}
    if body is not None:
        kwargs.update(data=body, content_type=content_type or "application/octet-stream")
    elif data is not None:
        kwargs.update(data=data)
    response = getattr(client, method.lower())(path, **kwargs)
    content = b"" if getattr(response, "streaming", False) else response.content
    return Call(actor=actor, host=host, method=method, path=path, key=key, status=response.status_code,
                location=response.get("Location", ""), content_type=response.get("Content-Type", ""), body=content)


# Each expectation answers None when the call was refused as it must be, else what is wrong.

def login_redirect(call: Call) -> str | None:
    login = "/ingresar/"
    if call.status == 302 and urlsplit(call.location).path == login:
        return None
    return f"se esperaba una redirección a {login}"


def not_found(call: Call) -> str | None:
    return None if call.status == 404 else "se esperaba 404 (no es suyo)"


def suspended(call: Call) -> str | None:
    if call.status == 403 and "Acceso suspendido" in call.body.decode("utf-8", "replace"):
        return None
    return "se esperaba la página «Acceso suspendido» (403)"


def invalid_link(call: Call) -> str | None:
    text = call.body.decode("utf-8", "replace")
    if call.status in (200, 404) and "El enlace no es válido" in text:
        return None
    return "se esperaba la página «El enlace no es válido» (404, o 200 en restablecer contraseña)"


def other_portal_confirmation(call: Call) -> str | None:
    """Confirmar email with another portal's valid link: the 404 of a made-up link."""
    if call.status == 404 and "Este enlace de confirmación no es válido" in call.body.decode("utf-8", "replace"):
        return None
    return "se esperaba 404 «Este enlace de confirmación no es válido»"


def resend_refused(call: Call) -> str | None:
    """Reenviar la confirmación, by someone who is not the portal's admin on a working portal:
    404 (or, once confirmed, a redirect home); never a sent email."""
    if call.status == 404 or (call.status == 302 and call.location == "/"):
        return None
    return "se esperaba 404 (solo el admin, o cualquiera con el portal suspendido por no confirmar)"


def _api_error(call: Call, status: int) -> str | None:
    try:
        error = json.loads(call.body)["error"]
        shaped = isinstance(error["code"], str) and isinstance(error["message"], str) and error["message"]
    except (ValueError, KeyError, TypeError):
        shaped = False
    if call.status == status and call.content_type.startswith("application/json") and shaped:
        return None
    return f'se esperaba {status} con JSON {{"error": {{"code", "message"}}}}'


def api_unauthorized(call: Call) -> str | None:
    return _api_error(call, 401)


def api_not_found(call: Call) -> str | None:
    return _api_error(call, 404)


def admin_login(call: Call) -> str | None:
    """The operators' admin: its login (with the verification code) for anyone else. A few of
    the admin's generated URLs first redirect within the admin (.../<id>/ → .../<id>/change/):
    the matrix follows those once before asking this."""
    if call.status in (301, 302) and urlsplit(call.location).path == "/admin/login/":
        return None
    return "se esperaba una redirección al ingreso del admin (/admin/login/, con el código)"


def succeeded(call: Call) -> str | None:
    """Controls: the owner with its own ids is served (so a 404 of a stranger means something)."""
    if call.status < 400 and urlsplit(call.location).path not in ("/ingresar/", "/admin/login/"):
        return None
    return "control: el dueño con sus propios ids debería poder abrirla"


# --- Snapshots: nothing changed ------------------------------------------------------------

# Columns a refused call may legitimately touch: an API key's last use is recorded by the
# authentication itself, before the view answers 404 for another portal's document.
VOLATILE_COLUMNS = {"portal_core_apikey": ("last_used_at",)}


class DatabaseSnapshot:
    """Row count and a hash of every row of every table of some schemas, in one query."""

    def __init__(self, schemas: list[str]):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT table_schema, table_name FROM information_schema.tables"
                " WHERE table_schema = ANY(%s) AND table_type = 'BASE TABLE' ORDER BY 1, 2", [schemas])
            tables = cursor.fetchall()
        parts = []
        for schema, table in tables:
            row = "t::text"
            if table in VOLATILE_COLUMNS:
                row = "(to_jsonb(t) - " + " - ".join(f"'{c}'" for c in VOLATILE_COLUMNS[table]) + ")::text"
            label = f"{schema}.{table}".replace("'", "''")
            parts.append(f"SELECT '{label}', count(*), md5(coalesce(string_agg({row}, E'\\n' ORDER BY {row}), ''))"
                         f' FROM "{schema}"."{table}" t')
        self.sql = " UNION ALL ".join(parts)

    def take(self) -> dict[str, tuple[int, str]]:
        with connection.cursor() as cursor:
            cursor.execute(self.sql)
            return {label: (count, digest) for label, count, digest in cursor.fetchall()}


def database_changes(before: dict, after: dict) -> list[str]:
    changes = []
    for label in sorted(set(before) | set(after)):
        old, new = before.get(label), after.get(label)
        if old == new:
            continue
        if old is None or new is None or old[0] != new[0]:
            changes.append(f"{label}: filas {old and old[0]} → {new and new[0]}")
        else:
            changes.append(f"{label}: filas modificadas (mismas {new[0]} filas, otro contenido)")
    return changes


def media_snapshot() -> frozenset:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return frozenset()
    return frozenset((str(p.relative_to(root)), p.stat().st_size, p.stat().st_mtime_ns)
                     for p in root.rglob("*") if p.is_file())


def media_changes(before: frozenset, after: frozenset) -> list[str]:
    return [f"archivo nuevo o cambiado: {name}" for name, *_ in sorted(after - before)] + [
        f"archivo borrado o cambiado: {name}" for name, *_ in sorted(before - after)]
