"""A page a session keeps is built again by a real Celery worker once a batch of its party (or of
a customer its *Relacionado* lists show) commits: the person's next view is served whole, with
the batch's data. The rebuild asks as the session would, through every access check, and
changes nothing: not the session, not its messages, not another session's pages."""

import json
import threading
import time
from contextlib import contextmanager

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django_tenants.utils import tenant_context
from prometheus_client import REGISTRY

from config.celery import app
from portal_core.access.services.owner_notices import account_set_active
from portal_core.accounts.models import User
from portal_core.erp.sync.engine import batch_upsert
from portal_core.models import Customer
from portal_core.web import rewarm
from portal_core.web.tasks import kept_pages_rewarm
from tests.billing_views.conftest import committed_book, document
from tests.billing_views.pickups_helpers import book_slot, window_create
from tests.conftest import PASSWORD, host_client

REWARM_TASK = "portal_core.kept_pages_rewarm"


@pytest.fixture
def portal(committed_db):
    company = committed_book("Recalentado", "recalentado", {"cliente@recalentado.test": ("customer", "C1"),
                                                            "proveedor@recalentado.test": ("supplier", "S1")})
    rewarm._remembered.clear()  # this process's memory of recipes it recorded for earlier tests
    return company


def _login(company, email):
    client = host_client(company)
    assert client.post("/ingresar/", {"username": email, "password": PASSWORD}).status_code == 302
    return client


@contextmanager
def _worker(*, purge=True):
    """A real worker on the test's Redis; yields a function that waits for its next rebuild."""
    done = threading.Semaphore(0)

    def finished(sender=None, **_):
        if sender.name == REWARM_TASK:
            done.release()

    if purge:
        app.control.purge()  # tasks earlier tests queued with no worker
    task_postrun.connect(finished, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield lambda timeout=20: done.acquire(timeout=timeout)
    finally:
        task_postrun.disconnect(finished)


def _samples() -> tuple[float, float]:
    """(pages rebuilt, requests of Facturas counted as visits) so far in this process."""
    return (REGISTRY.get_sample_value("portal_kept_pages_rewarmed_total", {"outcome": "kept"}) or 0,
            sum(REGISTRY.get_sample_value("portal_http_requests_total", {"view": "sales_invoices", "status": status})
                or 0 for status in ("200", "302")))


def _kept_pages() -> int:
    return len(cache.keys("*kept-page:*"))


def _invoice_for(company, party, number):
    with tenant_context(company):
        batch_upsert(resource="sales-invoices", items=[document(f"N{number}", "customer", party, number)])


@pytest.mark.parametrize(("party", "url"), [("C1", "/facturas/"), ("C2", "/facturas/?relacionado=on")])
def test_after_a_batch_of_its_party_the_page_is_rebuilt_before_it_is_asked(portal, party, url):
    client = _login(portal, "cliente@recalentado.test")
    assert client.get(url).templates  # seen once: kept, and recorded
    with tenant_context(portal):
        session = Session.objects.get()

    counted = _samples()

    with _worker() as rebuilt:
        _invoice_for(portal, party, 4242)  # C2 is C1's related customer: its Relacionado list shows it
        assert rebuilt()

    # a rebuild, not a visit
    assert _samples() == (counted[0] + 1, counted[1])

    again = client.get(url)
    assert again.status_code == 200
    assert not again.templates  # served whole: the worker rendered it
    assert "0003-00004242" in again.content.decode()
    with tenant_context(portal):  # the session is as it was: not renewed, not re-keyed
        assert Session.objects.get().__dict__ | {"_state": None} == session.__dict__ | {"_state": None}


def test_a_batch_of_another_party_rebuilds_nothing(portal):
    client = _login(portal, "cliente@recalentado.test")
    client.get("/facturas/")
    kept = _kept_pages()

    with _worker() as rebuilt:
        _invoice_for(portal, "C3", 4243)  # not C1's, nor related
        assert not rebuilt(timeout=3)  # no task was sent

    assert _kept_pages() == kept
    assert not client.get("/facturas/").templates  # still the kept page


def test_a_burst_of_batches_queues_one_rebuild(portal):
    client = _login(portal, "cliente@recalentado.test")
    client.get("/facturas/")
    app.control.purge()
    broker = redis.Redis.from_url(app.conf.broker_url)

    for number in (4250, 4251, 4252):  # no worker running: the first one's task still waits
        _invoice_for(portal, "C1", number)

    queued = {queue: [json.loads(message)["headers"]["task"] for message in broker.lrange(queue, 0, -1)]
              for queue in ("rebuilds", "celery")}
    assert queued["rebuilds"].count(REWARM_TASK) == 1
    assert REWARM_TASK not in queued["celery"]  # in its own queue only
    with _worker(purge=False) as rebuilt:
        assert rebuilt()  # it builds the page with all three
        assert not rebuilt(timeout=3)
    assert "0003-00004252" in client.get("/facturas/").content.decode()


@pytest.mark.parametrize("ended", ["logged_out", "deactivated"])
def test_a_session_that_ended_gets_no_page_built(portal, ended):
    client = _login(portal, "cliente@recalentado.test")
    client.get("/facturas/")
    if ended == "logged_out":
        client.post("/salir/")
    else:
        with tenant_context(portal):
            account_set_active(user_id=User.objects.get(email="cliente@recalentado.test").pk, active=False,
                               by=User.objects.get(email="admin@recalentado.test"))
    kept = _kept_pages()

    with _worker() as rebuilt:
        _invoice_for(portal, "C1", 4244)
        assert rebuilt()

    assert _kept_pages() == kept  # the rebuild was refused as the person would be
    response = client.get("/facturas/")
    assert response.status_code == 302 and "/ingresar/" in response["Location"]


def test_a_session_two_factor_would_end_is_left_for_its_persons_own_request(portal):
    from axes.models import AccessLog
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = _login(portal, "cliente@recalentado.test")
    client.get("/facturas/")
    with tenant_context(portal):  # two-factor turned on from another browser: this session predates it
        TOTPDevice.objects.create(user=User.objects.get(email="cliente@recalentado.test"), name="app",
                                  confirmed=True)
        session_key = Session.objects.get().session_key
    kept = _kept_pages()

    with _worker() as rebuilt:
        _invoice_for(portal, "C1", 4246)
        assert rebuilt()

    assert _kept_pages() == kept
    with tenant_context(portal):  # not logged out by the worker: no logout in the access log, session there
        assert Session.objects.filter(session_key=session_key).exists()
        assert not AccessLog.objects.filter(logout_time__isnull=False).exists()
    response = client.get("/facturas/")  # the person's own request ends it
    assert response.status_code == 302 and "/ingresar/" in response["Location"]
    with tenant_context(portal):
        assert AccessLog.objects.filter(logout_time__isnull=False).count() == 1


def test_the_rebuild_does_not_put_a_session_back_in_the_cache(portal):
    from django.contrib.sessions.backends.cached_db import KEY_PREFIX

    client = _login(portal, "cliente@recalentado.test")
    client.get("/facturas/")
    with tenant_context(portal):
        key = KEY_PREFIX + Session.objects.get().session_key
        cache.delete(key)  # as a logout does (then the row goes): a rebuild reading the row first
        # must not bring the session back into the cache, where it would outlive the logout

    with _worker() as rebuilt:
        _invoice_for(portal, "C1", 4247)
        assert rebuilt()

    with tenant_context(portal):
        assert cache.get(key) is None
    assert not client.get("/facturas/").templates  # the rebuild did read the session, and kept the page


def test_a_rotated_secret_key_does_not_end_the_session_through_the_rebuild(portal, settings):
    client = _login(portal, "cliente@recalentado.test")
    client.get("/facturas/")
    with tenant_context(portal):
        session_key = Session.objects.get().session_key
    # Django re-keys a session its fallback key verified, at the session's next request: had the
    # worker's request done it, the person's cookie would name a deleted session.
    settings.SECRET_KEY_FALLBACKS, settings.SECRET_KEY = [settings.SECRET_KEY], "otra-clave-" + "x" * 50

    with _worker() as rebuilt:
        _invoice_for(portal, "C1", 4245)
        assert rebuilt()

    with tenant_context(portal):
        assert Session.objects.filter(session_key=session_key).exists()
    assert client.get("/facturas/").status_code == 200  # still logged in


def test_the_persons_unread_message_survives_the_rebuild(portal):
    client = _login(portal, "proveedor@recalentado.test")
    client.get("/retiro-de-pagos/")
    window = window_create(portal)
    assert book_slot(client, portal, window).status_code == 302  # "Retiro programado", not read yet

    with _worker() as rebuilt:
        with tenant_context(portal):
            batch_upsert(resource="supplier-payments", items=[
                {"external_id": "OP9", "supplier": "S1", "number": "0001-00000109", "date": "2026-01-02",
                 "amount": "10.00", "method": "Cheque", "status": "ready"}])
        assert rebuilt()

    page = client.get("/retiro-de-pagos/").content.decode()
    assert "Retiro programado" in page and "0001-00000109" in page


def test_a_party_keeps_the_recipes_of_its_newest_pages_only(portal):
    client = _login(portal, "cliente@recalentado.test")
    for number in range(rewarm.RECIPES_PER_PARTY + 3):
        client.get(f"/facturas/?numero=0003-{number:08d}")

    with tenant_context(portal):
        recipes = cache.get(rewarm.recipes_key("customer", Customer.objects.get(external_id="C1").pk))
    queries = sorted(recipe[2] for _, recipe in recipes.values())
    assert queries == [f"numero=0003-{number:08d}" for number in range(3, rewarm.RECIPES_PER_PARTY + 3)]


def test_rebuilds_waiting_do_not_hold_up_the_other_work(portal):
    # given rebuilds waiting (three parties' batches, no worker yet), then one email to send
    app.control.purge()
    order = []

    def ran(sender=None, **_):
        order.append(sender.name)

    for number in range(3):
        kept_pages_rewarm.apply_async(([f"kept-recipes:customer:{900 + number}"],),
                                      headers={"_schema_name": portal.schema_name})
    app.send_task("portal_core.notifications_send", headers={"_schema_name": portal.schema_name})

    # when a worker starts
    task_postrun.connect(ran, weak=False)
    try:
        with _worker(purge=False) as rebuilt:
            for _ in range(3):
                assert rebuilt()
    finally:
        task_postrun.disconnect(ran)

    # then it took the email before the rebuilds queued ahead of it were all done
    assert order.index("portal_core.notifications_send") < 3


def test_a_rebuild_the_worker_reaches_too_late_is_dropped_and_the_next_batch_queues_anew(portal, monkeypatch):
    # given a page kept, and rebuilds that expire (and their marks lapse) after 4 s, not a minute
    monkeypatch.setattr(rewarm, "QUEUED_SECONDS", 4)
    monkeypatch.setattr(kept_pages_rewarm, "expires", 4)
    monkeypatch.setattr(kept_pages_rewarm, "_exec_options", None)  # Celery's cache of the options above
    client = _login(portal, "cliente@recalentado.test")
    client.get("/facturas/")
    app.control.purge()

    expired = {"task": REWARM_TASK, "outcome": "expired"}
    dropped = REGISTRY.get_sample_value("portal_celery_tasks_total", expired) or 0

    # when a batch's rebuild waits past that with no worker running
    _invoice_for(portal, "C1", 4260)
    time.sleep(4.5)
    with _worker(purge=False) as rebuilt:
        assert not rebuilt(timeout=3)  # dropped, not run late
        # and another batch comes
        _invoice_for(portal, "C1", 4261)
        assert rebuilt()

    # then the first was counted as dropped, and the second one was queued and built the page
    assert REGISTRY.get_sample_value("portal_celery_tasks_total", expired) == dropped + 1
    again = client.get("/facturas/")
    assert not again.templates
    assert "0003-00004261" in again.content.decode()
