from django.core.management.base import CommandError
from django_tenants.utils import tenant_context

from portal_core.erp.services import api_key_revoke
from portal_core.models import ApiKey
from tenants.management.commands._portal_command import PortalCommand


class Command(PortalCommand):
    help = "Revoca una clave de API de un portal, por su prefijo."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("prefix", help="prefijo de la clave (ver api_key_list)")

    def handle(self, *args, portal, prefix, **options):
        with tenant_context(self.portal(portal)):
            api_key = ApiKey.objects.filter(prefix=prefix).first()
            if api_key is None:
                raise CommandError(f"No existe una clave con prefijo «{prefix}» en «{portal}».")
            api_key_revoke(api_key=api_key)
        self.stdout.write(self.style.SUCCESS(f"Clave {prefix} revocada."))
