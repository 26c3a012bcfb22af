"""An empty POST to any form is a submission with every field missing: the form comes back with
its errors in Spanish, and nothing changes (not a blank form as if nothing had been sent)."""

import pytest
from django_tenants.utils import tenant_context

from portal_core.models import OutboxMessage, RegistrationRequest
from tests.conftest import host_client


@pytest.mark.parametrize("path", ["/registro/", "/recuperar-contrasena/"])
def test_an_empty_post_to_a_portal_form_shows_what_is_missing(alfa, path):
    response = host_client(alfa, HTTP_ACCEPT_LANGUAGE="es-AR").post(path, {})

    assert response.status_code == 400
    assert "Ingrese su email." in response.content.decode()
    with tenant_context(alfa):
        assert not RegistrationRequest.objects.exists()
        assert not OutboxMessage.objects.exists()


def test_an_empty_post_to_crear_portal_shows_what_is_missing(public_client):
    response = public_client.post("/", {}, HTTP_ACCEPT_LANGUAGE="es-AR")

    assert response.status_code == 200
    assert "Ingrese el nombre del portal." in response.content.decode()
