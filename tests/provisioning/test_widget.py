"""The ERP home widget: HMAC-signed, "Crear Portal" or "Ir al portal", and 403 when unsigned."""

import time

import pytest
from django.conf import settings

from provisioning.widget import widget_signature
from tenants.models import Company
from tests.conftest import host_client


def _signed(erp_company_id, *, at=None, secret=None):
    ts = int(at if at is not None else time.time())
    secret = secret if secret is not None else settings.ERP_WIDGET_SECRET
    return {"empresa": erp_company_id, "ts": ts,
            "firma": widget_signature(erp_company_id=erp_company_id, timestamp=ts, secret=secret)}


def test_company_without_portal_sees_crear_portal(db):
    response = host_client().get("/erp/widget/", _signed("1001"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Nuevo Portal de Usuarios" in html and "Crear Portal" in html
    assert "X-Frame-Options" not in response  # embeddable in the ERP's home


def test_json_for_a_company_without_portal(db):
    data = host_client().get("/erp/widget.json", _signed("1001")).json()

    assert data["has_portal"] is False
    assert data["create_url"].startswith("http://localhost/?erp=")


def test_portal_created_from_the_widget_records_the_erp_company_id(db):
    # given
    create_url = host_client().get("/erp/widget.json", _signed("1001")).json()["create_url"]
    token = create_url.split("?erp=", 1)[1]
    form = host_client().get(f"/?erp={token}").content.decode()
    assert f'value="{token}"' in form

    # when
    host_client().post("/", {"name": "Desde el ERP", "email": "erp@empresa.test", "password": "erp12345",
                             "password_repeat": "erp12345", "erp_token": token})

    # then
    assert Company.objects.get(slug="desde-el-erp").erp_company_id == "1001"
    data = host_client().get("/erp/widget.json", _signed("1001")).json()
    assert data == {"has_portal": True, "portal_url": "http://desde-el-erp.localhost/", "portal_name": "Desde el ERP"}
    html = host_client().get("/erp/widget/", _signed("1001")).content.decode()
    assert "Ir al portal" in html and "Crear Portal" not in html


def test_an_altered_create_token_records_no_erp_id(db):
    host_client().post("/", {"name": "Token Roto", "email": "t@roto.test", "password": "roto1234",
                             "password_repeat": "roto1234", "erp_token": "falso:token"})

    assert Company.objects.get(slug="token-roto").erp_company_id is None


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"empresa": "1001"},
        {"empresa": "1001", "ts": "123", "firma": "abc"},
        {"empresa": "1001", "ts": "no-es-numero", "firma": "abc"},
        "wrong-secret",
        "expired",
        "other-company",
        "non-ascii",
        "long-id",
    ],
)
def test_bad_or_missing_signature_gets_403(db, params):
    if params == "wrong-secret":
        params = _signed("1001", secret="otro-secreto")
    elif params == "expired":
        params = _signed("1001", at=time.time() - settings.ERP_WIDGET_MAX_AGE_SECONDS - 5)
    elif params == "other-company":
        params = {**_signed("1001"), "empresa": "1002"}
    elif params == "non-ascii":
        params = {**_signed("1001"), "firma": "é" * 64}
    elif params == "long-id":
        params = _signed("9" * 65)

    page = host_client().get("/erp/widget/", params)
    data = host_client().get("/erp/widget.json", params)

    assert page.status_code == 403
    assert "Acceso no autorizado" in page.content.decode()
    assert data.status_code == 403
    assert data.json()["error"]["code"] == "invalid_signature"
