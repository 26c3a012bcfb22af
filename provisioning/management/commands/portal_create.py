import getpass

from django.core.management.base import BaseCommand, CommandError

from provisioning import services
from provisioning.errors import PortalCreateError
from tenants.hosts import portal_origin


class Command(BaseCommand):
    help = "Crea un portal y su administrador (el mismo servicio que «Crear Portal»)."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="nombre del portal")
        parser.add_argument("--email", required=True, help="email del administrador")
        parser.add_argument("--password", help="contraseña (si se omite, se pide por teclado)")
        parser.add_argument("--erp-company-id", help="id de la empresa en el ERP")

    def handle(self, *args, name, email, password, erp_company_id, **options):
        password = password or getpass.getpass("Contraseña: ")
        try:
            company = services.portal_create(
                name=name, email=email, password=password, erp_company_id=erp_company_id
            )
        except PortalCreateError as error:
            lines = [f"{field}: {item.message}" for field, items in error.errors.items() for item in items]
            raise CommandError("No se creó el portal.\n" + "\n".join(lines)) from error
        self.stdout.write(self.style.SUCCESS(f"Portal creado: {portal_origin(company)}/"))
