from django.utils.translation import gettext
from rest_framework import authentication, exceptions

from portal_core.erp import selectors, services


class ErpClient:
    """The ERP calling with an API key: authenticated, and nothing else."""

    is_authenticated = True
    is_anonymous = False

    def __init__(self, api_key):
        self.api_key = api_key

    def __str__(self):
        return f"ERP ({self.api_key.prefix})"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <key>`. Keys are looked up in the current portal's schema only."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        scheme, _, key = header.partition(" ")
        if scheme.lower() != self.keyword.lower() or not key.strip():
            raise exceptions.AuthenticationFailed(gettext("Use el encabezado «Authorization: Bearer <clave>»."))
        api_key = selectors.api_key_for_secret(key=key.strip())
        if api_key is None:
            raise exceptions.AuthenticationFailed(gettext("Clave de API inválida o revocada para este portal."))
        services.api_key_record_use(api_key=api_key)
        return ErpClient(api_key), api_key

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'
