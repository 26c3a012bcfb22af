from django.core.management import call_command
from django.core.management.base import BaseCommand

from provisioning import services
from tenants.models import Company

DEMO = {"name": "Demo", "email": "admin@demo.test", "password": "demo1234"}


class Command(BaseCommand):
    help = (
        "Crea (una sola vez) el portal de demostración «demo» con admin@demo.test / demo1234, "
        "lo carga con datos de demostración y agrega cliente@demo.test y proveedor@demo.test."
    )

    def handle(self, *args, **options):
        if Company.objects.filter(slug="demo").exists():
            self.stdout.write("El portal demo ya existe.")
        else:
            services.portal_create(**DEMO)
            self.stdout.write(self.style.SUCCESS("Portal demo creado."))
        # Idempotent: a replay of the same data writes nothing.
        call_command("seed_demo", "demo", with_accounts=True, stdout=self.stdout)
