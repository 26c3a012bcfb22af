"""With Redis (the cache) down, pages still answer: cached reads are recomputed."""

import copy

import pytest

from tests.mail import free_port


@pytest.fixture
def redis_down(settings):
    caches = copy.deepcopy(settings.CACHES)
    caches["default"]["LOCATION"] = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    settings.CACHES = caches


def test_customer_pages_answer_with_the_cache_down(book, login, redis_down):
    client = login(book, "cliente@alfa.test")

    invoices = client.get("/facturas/")
    ledger = client.get("/cuenta-corriente/")

    assert invoices.status_code == ledger.status_code == 200
    assert "0003-00001001" in invoices.content.decode()
    assert "$ 1.900,00" in ledger.content.decode()  # 1000 + 500 + 400 pending
