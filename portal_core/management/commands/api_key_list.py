from django.utils import timezone
from django_tenants.utils import tenant_context

from portal_core.erp.selectors import api_keys_list
from tenants.management.commands._portal_command import PortalCommand


def _when(value) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else "—"


class Command(PortalCommand):
    help = "Lista las claves de API de un portal (solo el prefijo: la clave no se guarda)."

    def handle(self, *args, portal, **options):
        with tenant_context(self.portal(portal)):
            keys = list(api_keys_list())
        for key in keys:
            status = "activa" if key.is_active else f"revocada {_when(key.revoked_at)}"
            self.stdout.write(f"{key.prefix:<10} {status:<28} creada {_when(key.created_at)}  "
                              f"último uso {_when(key.last_used_at)}  {key.name}")
        self.stdout.write(f"{len(keys)} claves.")
