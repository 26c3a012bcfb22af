from django_tenants.utils import tenant_context

from portal_core.erp.services import api_key_create
from tenants.management.commands._portal_command import PortalCommand


class Command(PortalCommand):
    help = "Crea una clave de API para el ERP de un portal y la muestra una única vez."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--name", default="ERP", help="nombre para reconocer la clave")

    def handle(self, *args, portal, name, **options):
        with tenant_context(self.portal(portal)):
            api_key, secret = api_key_create(name=name)
        self.stdout.write(f"Clave «{api_key.name}» (prefijo {api_key.prefix}). Guárdela ahora, no se vuelve a mostrar:")
        self.stdout.write(secret)
