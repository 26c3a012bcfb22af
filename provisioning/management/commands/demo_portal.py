from django.core.management import call_command
from django.core.management.base import BaseCommand

from provisioning import services
from tenants.mail import email_settings_for
from tenants.models import Company
from tenants.services import company_profile_update, email_settings_update

DEMO = {"name": "Demo", "email": "admin@demo.test", "password": "demo1234"}
DEMO_PROFILE = {
    "legal_name": "Demo Distribuciones S.A.", "trade_name": "Demo Distribuciones",
    "tax_id": "30712345671", "address": "Av. Corrientes 1234, C1043 Ciudad Autónoma de Buenos Aires",
}


class Command(BaseCommand):
    help = (
        "Crea (una sola vez) el portal de demostración «demo» con admin@demo.test / demo1234, "
        "lo carga con datos de demostración y agrega cliente@demo.test y proveedor@demo.test."
    )

    def add_arguments(self, parser):
        parser.add_argument("--smtp", metavar="HOST:PORT",
                            help="Configura el envío de email del demo con este servidor SMTP (sin seguridad), "
                                 "si todavía no tiene uno.")

    def handle(self, *args, **options):
        company = Company.objects.filter(slug="demo").first()
        if company is not None:
            self.stdout.write("El portal demo ya existe.")
        else:
            company = services.portal_create(**DEMO)
            self.stdout.write(self.style.SUCCESS("Portal demo creado."))
        company_profile_update(company=company, **DEMO_PROFILE)
        if options["smtp"] and email_settings_for(company) is None:
            host, _sep, port = options["smtp"].rpartition(":")
            email_settings_update(company=company, host=host, port=int(port), security="none", username="",
                                  password=None, from_email="avisos@demo.test", reply_to="admin@demo.test")
        # Idempotent: a replay of the same data writes nothing.
        call_command("seed_demo", "demo", with_accounts=True, with_pickups=True, stdout=self.stdout)
