import json

import pytest
from django_tenants.utils import tenant_context

from portal_core.erp.services import api_key_create
from tests.conftest import host_client


@pytest.fixture
def alfa_key(alfa):
    with tenant_context(alfa):
        _, secret = api_key_create(name="ERP de prueba")
    return secret


class ApiClient:
    def __init__(self, company, key):
        extra = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
        self.client = host_client(company, **extra)

    def post(self, resource, items=None, *, body=None, **extra):
        payload = body if body is not None else json.dumps({"items": items}, default=str)
        return self.client.post(f"/api/v1/{resource}/", data=payload, content_type="application/json", **extra)

    def get(self, path, **extra):
        return self.client.get(path, **extra)


@pytest.fixture
def api(alfa, alfa_key):
    return ApiClient(alfa, alfa_key)


@pytest.fixture
def api_for():
    return ApiClient
