from datetime import time

from django.db import transaction
from django_tenants.utils import tenant_context

from portal_core.accounts.models import User
from portal_core.accounts.services import party_account_create
from portal_core.demo.seed import DEMO_CUSTOMER, DEMO_SUPPLIER, demo_seed
from portal_core.models import Customer, PickupWindow, Supplier
from portal_core.pickups.services import window_save
from tenants.management.commands._portal_command import PortalCommand

DEMO_PASSWORD = "demo1234"


class Command(PortalCommand):
    help = "Carga datos de demostración (una empresa argentina verosímil) en un portal, vía la sincronización."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--with-accounts", action="store_true",
            help="crea también cliente@demo.test y proveedor@demo.test (contraseña demo1234)",
        )
        parser.add_argument(
            "--with-pickups", action="store_true",
            help="configura horarios de retiro de pagos (lunes a viernes de 9 a 13, si no hay ninguno)",
        )

    def handle(self, *args, portal, with_accounts, with_pickups=False, **options):
        with tenant_context(self.portal(portal)), transaction.atomic():
            summary = demo_seed()
            if with_accounts:
                self._accounts()
            if with_pickups and not PickupWindow.objects.exists():
                window_save(window=None, by=None, data={
                    "weekdays": [0, 1, 2, 3, 4], "starts_at": time(9), "ends_at": time(13),
                    "place": "Casa Central, Av. Corrientes 1234 (Tesorería)", "slot_minutes": 30, "capacity": 3})
        for resource, count in summary.counts.items():
            self.stdout.write(f"{resource:<26} {count:>5}")
        self.stdout.write(self.style.SUCCESS(f"Datos de demostración cargados en «{portal}»."))

    def _accounts(self):
        if not User.objects.filter(email="cliente@demo.test").exists():
            party_account_create(email="cliente@demo.test", password=DEMO_PASSWORD,
                                 customer=Customer.objects.get(external_id=DEMO_CUSTOMER))
        if not User.objects.filter(email="proveedor@demo.test").exists():
            party_account_create(email="proveedor@demo.test", password=DEMO_PASSWORD,
                                 supplier=Supplier.objects.get(external_id=DEMO_SUPPLIER))
