"""The ERP home widget's signatures.

The ERP signs each widget request with a secret it shares with the platform:
`firma = hex(HMAC-SHA256(ERP_WIDGET_SECRET, "<empresa>:<ts>"))`, `ts` being Unix seconds.
A request older than ERP_WIDGET_MAX_AGE_SECONDS is refused, so a leaked URL expires.
The "Crear Portal" link the widget shows carries the ERP company id in a token signed by the
platform itself, so the portal created from it records that id.
"""

import hashlib
import hmac
import time

from django.conf import settings
from django.core import signing

ERP_COMPANY_ID_MAX_LENGTH = 64
CREATE_TOKEN_SALT = "provisioning.widget.create"
CREATE_TOKEN_MAX_AGE = 24 * 60 * 60


class WidgetSignatureError(Exception):
    pass


def widget_signature(*, erp_company_id: str, timestamp: int, secret: str) -> str:
    message = f"{erp_company_id}:{timestamp}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def widget_request_verify(*, erp_company_id: str, timestamp: str, signature: str) -> str:
    """Return the ERP company id of a correctly signed, recent request; raise otherwise."""
    secret = settings.ERP_WIDGET_SECRET
    if not (secret and erp_company_id and timestamp and signature):
        raise WidgetSignatureError("missing")
    if len(erp_company_id) > ERP_COMPANY_ID_MAX_LENGTH:
        raise WidgetSignatureError("erp_company_id")
    try:
        issued = int(timestamp)
    except ValueError as error:
        raise WidgetSignatureError("timestamp") from error
    if abs(time.time() - issued) > settings.ERP_WIDGET_MAX_AGE_SECONDS:
        raise WidgetSignatureError("expired")
    expected = widget_signature(erp_company_id=erp_company_id, timestamp=issued, secret=secret)
    if not hmac.compare_digest(expected.encode(), signature.lower().encode()):
        raise WidgetSignatureError("signature")
    return erp_company_id


def create_token(*, erp_company_id: str) -> str:
    return signing.dumps({"erp": erp_company_id}, salt=CREATE_TOKEN_SALT)


def create_token_read(token: str) -> str | None:
    """The ERP company id in a valid token, or None for an absent, altered or expired one."""
    if not token:
        return None
    try:
        return signing.loads(token, salt=CREATE_TOKEN_SALT, max_age=CREATE_TOKEN_MAX_AGE)["erp"]
    except (signing.BadSignature, KeyError, TypeError):
        return None
