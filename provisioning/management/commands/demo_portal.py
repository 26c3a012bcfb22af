from django.core.management.base import BaseCommand

from provisioning import services
from tenants.models import Company

DEMO = {"name": "Demo", "email": "admin@demo.test", "password": "demo1234"}


class Command(BaseCommand):
    help = "Crea (una sola vez) el portal de demostración «demo» con admin@demo.test / demo1234."

    def handle(self, *args, **options):
        if Company.objects.filter(slug="demo").exists():
            self.stdout.write("El portal demo ya existe.")
            return
        services.portal_create(**DEMO)
        self.stdout.write(self.style.SUCCESS("Portal demo creado."))
