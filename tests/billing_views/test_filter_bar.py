"""The filter bar is kept per set of values (billing_views.templatetags.filter_bar): what it
shows must still be what this request typed, never another request's."""

import re


def _inputs(html: str) -> dict:
    return dict(re.findall(r'<input type="text" name="(\w+)" value="([^"]*)"', html))


def test_the_bar_shows_this_requests_values(book, login):
    client = login(book, "cliente@alfa.test")

    first = client.get("/facturas/", {"importe_min": "1.000"}).content.decode()
    again = client.get("/facturas/", {"importe_min": "2.000"}).content.decode()
    plain = client.get("/facturas/").content.decode()

    assert _inputs(first).get("importe_min") == "1.000"
    assert _inputs(again).get("importe_min") == "2.000"
    assert "importe_min" not in _inputs(plain)
    assert 'name="importe_min"' in plain


def test_a_bad_value_still_gets_its_message_after_a_good_one(book, login):
    client = login(book, "cliente@alfa.test")
    client.get("/cuenta-corriente/", {"desde": "01/01/2026"})

    response = client.get("/cuenta-corriente/", {"desde": "31/02/2026"})

    assert "Fecha inválida: use dd/mm/aaaa." in response.content.decode()
    assert 'value="31/02/2026"' in response.content.decode()


def test_each_list_keeps_its_own_bar(book, login):
    # the supplier's bar has no Relacionado/Asociado; the customer's has them
    customer = login(book, "cliente@alfa.test").get("/facturas/").content.decode()
    supplier = login(book, "proveedor@alfa.test").get("/compras/").content.decode()

    assert 'name="relacionado"' in customer
    assert 'name="relacionado"' not in supplier
