"""The users bench/load.py drives (locust, FastHttpUser): customers, suppliers and an admin who
log in to their portal and walk its sections with filters, PDFs, exports and a ZIP; the ERP
posting small sync batches meanwhile; and the health probe, alone, for the floor.

Every request goes to 127.0.0.1 with the portal's Host header and `X-Forwarded-Proto: https`,
as the ingress forwards it. Production's cookies are `__Host-` and Secure, which a cookie jar
keeps but returns only over https: each user's jar is told to return them over this loopback
(LoopbackTls), as the browser does over the TLS the ingress ends.

Every task but the section pages and the ERP's batches is tagged "extra": `bench/load.py --mix
sections` runs without them (`--exclude-tags extra`), to see what the section pages alone reach.

bench/load.py writes the plan (hosts, accounts, keys, document ids) to $LOAD_PLAN; each
request's name, milliseconds and failure are written to $LOAD_SAMPLES when locust quits.
"""

import itertools
import json
import os
import random
import re
import time
from datetime import date, timedelta
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from urllib.parse import urlencode

import _load_rows as rows
from locust import FastHttpUser, between, constant, constant_throughput, events, tag, task

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
PORTALS = PLAN["portals"]
BIG = next(portal for portal in PORTALS if portal["big"])
WITH_ACCOUNTS = [portal for portal in PORTALS if portal["accounts"] and not portal["big"]]
THINK = float(os.environ.get("LOAD_THINK_S", "0"))
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SAMPLES: list = []
WINDOW: dict = {}


@events.request.add_listener
def _record(name, response_time, exception, **kwargs):
    SAMPLES.append((name, round(response_time, 2), exception is not None))


@events.test_start.add_listener
def _started(**kwargs):
    WINDOW["started"] = time.time()


@events.quitting.add_listener
def _write(**kwargs):
    seconds = time.time() - WINDOW.get("started", time.time())
    Path(os.environ["LOAD_SAMPLES"]).write_text(json.dumps({"seconds": seconds, "samples": SAMPLES}))


class LoopbackTls(DefaultCookiePolicy):
    def return_ok_secure(self, cookie, request):
        return True


def _day(days_ago: int) -> str:
    return (date.today() - timedelta(days=days_ago)).strftime("%d/%m/%Y")


class PortalUser(FastHttpUser):
    """An account of one portal: half of them on the large portal, the rest on small ones."""

    abstract = True
    wait_time = constant(THINK)
    role = ""

    def on_start(self):
        portal = BIG if random.random() < 0.5 or not WITH_ACCOUNTS else random.choice(WITH_ACCOUNTS)
        self.portal = portal
        self.headers = {"Host": portal["host"], "X-Forwarded-Proto": "https"}
        self.csrf = ""
        self.login()

    def login(self):
        self.client.cookiejar.set_policy(LoopbackTls())
        self.csrf = ""  # a login rotates the CSRF token: a form's token from before it is refused
        form = self.client.get("/ingresar/", headers=self.headers, name="login_form")
        body = urlencode({"username": self.portal["accounts"][self.role], "password": PLAN["password"],
                          "csrfmiddlewaretoken": CSRF.search(form.text).group(1)})
        headers = {**self.headers, "Origin": f"https://{self.portal['host']}",
                   "Content-Type": "application/x-www-form-urlencoded"}
        with self.client.post("/ingresar/", data=body, headers=headers, name="login", allow_redirects=False,
                              catch_response=True) as response:
            if response.status_code != 302 or "ingresar" in response.headers.get("Location", ""):
                response.failure(f"login answered {response.status_code}")

    def page(self, path: str, name: str, query: dict | None = None):
        """A page that must answer 200 itself (a redirect to the login is a failure)."""
        url = f"{path}?{urlencode(query)}" if query else path
        with self.client.get(url, headers=self.headers, name=name, allow_redirects=False,
                             catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.headers.get('Location', '')}")
            return response

    @tag("extra")
    @task(1)
    def relogin(self):
        self.client.cookiejar.clear()
        self.login()


class CustomerUser(PortalUser):
    weight = 3
    role = "cliente"

    @task(20)
    def invoices(self):
        response = self.page("/facturas/", "facturas")
        found = CSRF.search(response.text or "")
        self.csrf = found.group(1) if found else self.csrf

    @task(15)
    def invoices_filtered(self):
        self.page("/facturas/", "facturas?filtros", random.choice([
            {"relacionado": "on", "asociado": "on", "desde": _day(365), "importe_min": "100.000", "orden": "-importe"},
            {"relacionado": "on", "numero": "0002-00000001"},
            {"desde": _day(90), "hasta": _day(30), "pagina": "2"},
        ]))

    @task(15)
    def ledger(self):
        self.page("/cuenta-corriente/", "cuenta-corriente")

    @task(10)
    def ledger_filtered(self):
        self.page("/cuenta-corriente/", "cuenta-corriente?filtros",
                  random.choice([{"relacionado": "on", "asociado": "on", "vencidos": "on"},
                                 {"desde": _day(180), "orden": "-importe"}]))

    @task(10)
    def orders(self):
        self.page("/pedidos/", "pedidos")

    @tag("extra")
    @task(4)
    def invoice_pdf(self):
        document = random.choice(self.portal["sales_ids"])
        self.page(f"/facturas/{document}/pdf/", "facturas/<id>/pdf")

    @tag("extra")
    @task(3)
    def ledger_csv(self):
        self.page("/cuenta-corriente/", "cuenta-corriente?formato=csv", {"vencidos": "on", "formato": "csv"})

    @tag("extra")
    @task(2)
    def ledger_xlsx(self):
        self.page("/cuenta-corriente/", "cuenta-corriente?formato=xlsx", {"desde": _day(60), "formato": "xlsx"})

    @tag("extra")
    @task(1)
    def invoices_zip(self):
        """Descargar todas over a week's documents; the status polled until the file is ready."""
        if not self.csrf:
            return self.invoices()
        body = urlencode({"csrfmiddlewaretoken": self.csrf, "query": urlencode({"desde": _day(7)})})
        headers = {**self.headers, "Origin": f"https://{self.portal['host']}",
                   "Content-Type": "application/x-www-form-urlencoded"}
        with self.client.post("/facturas/descargar-todas/", data=body, headers=headers, name="zip",
                              allow_redirects=False, catch_response=True) as response:
            if response.status_code != 302:
                return response.failure(f"zip answered {response.status_code}")
            token = response.headers["Location"].rstrip("/").split("/")[-1]
        self._zip_wait(token)

    def _zip_wait(self, token: str):
        for _ in range(120):
            status = self.page(f"/descargas/{token}/estado/", "zip/estado").json()
            if status.get("download_url"):
                return self.page(status["download_url"], "zip/archivo")
            if status.get("error"):
                return
            time.sleep(0.5)


class SupplierUser(PortalUser):
    weight = 2
    role = "proveedor"

    @task(20)
    def purchases(self):
        self.page("/compras/", "compras")

    @task(10)
    def purchases_filtered(self):
        self.page("/compras/", "compras?filtros", random.choice([
            {"desde": _day(365), "importe_min": "1.000", "orden": "-importe"}, {"numero": "0001-00000050"}]))

    @task(15)
    def ledger(self):
        self.page("/cuenta-corriente-proveedor/", "cuenta-corriente-proveedor")

    @task(5)
    def ledger_filtered(self):
        self.page("/cuenta-corriente-proveedor/", "cuenta-corriente-proveedor?filtros",
                  {"vencidos": "on", "desde": _day(365)})

    @task(15)
    def payments(self):
        self.page("/retiro-de-pagos/", "retiro-de-pagos")

    @tag("extra")
    @task(3)
    def purchase_pdf(self):
        self.page(f"/compras/{random.choice(self.portal['purchase_ids'])}/pdf/", "compras/<id>/pdf")

    @tag("extra")
    @task(2)
    def ledger_xlsx(self):
        self.page("/cuenta-corriente-proveedor/", "cuenta-corriente-proveedor?formato=xlsx",
                  {"desde": _day(90), "formato": "xlsx"})


class AdminUser(PortalUser):
    """The large portal's administrator reading the reports now and then."""

    fixed_count = 1
    role = "admin"
    wait_time = between(1, 2)

    def on_start(self):
        self.portal = BIG
        self.headers = {"Host": BIG["host"], "X-Forwarded-Proto": "https"}
        self.login()

    @tag("extra")
    @task(3)
    def balances(self):
        self.page("/administrador/cuentas-corrientes/", "administrador/cuentas-corrientes")

    @tag("extra")
    @task(2)
    def sales(self):
        self.page("/administrador/ventas/", "administrador/ventas")


class ErpSync(FastHttpUser):
    """Small batches for random parties of random portals, about two a second."""

    fixed_count = 1
    wait_time = constant_throughput(2)
    numbers = itertools.count(900_001)

    @task
    def batch(self):
        portal = random.choice(PORTALS)
        resource, items = self._items(portal, next(self.numbers))
        headers = {"Host": portal["host"], "X-Forwarded-Proto": "https",
                   "Authorization": f"Bearer {portal['api_key']}"}
        self.client.post(f"/api/v1/{resource}/", json={"items": items}, headers=headers, name=f"api/{resource}")

    @staticmethod
    def _items(portal: dict, number: int) -> tuple[str, list]:
        customer = f"C{random.randint(1, portal['customers'])}"
        supplier = f"S{random.randint(1, portal['suppliers'])}"
        first = number * 10
        return random.choice([
            ("sales-invoices", [rows.sales_invoice(first + n, customer, prefix="L") for n in range(5)]),
            ("customer-account-entries", [rows.customer_entry(random.randint(1, 200), customer)]),
            ("orders", [rows.order(first + n, customer) for n in range(3)]),
            ("purchase-invoices", [rows.purchase_invoice(first + n, supplier) for n in range(3)]),
            ("supplier-payments", [rows.supplier_payment(first + n, supplier) for n in range(2)]),
        ])


class HealthProbe(FastHttpUser):
    """Only for the floor, run alone before the portals' users."""

    wait_time = constant(0)

    @task
    def live(self):
        self.client.get("/salud/vivo/", headers={"Host": PLAN["base_domain"]}, name="salud/vivo")
