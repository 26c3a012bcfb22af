from tenants import services

from ._portal_command import PortalCommand


class Command(PortalCommand):
    help = "Reactiva un portal suspendido."

    def handle(self, *args, portal, **options):
        company = services.portal_reactivate(company=self.portal(portal))
        self.stdout.write(self.style.SUCCESS(f"Portal «{company.slug}» reactivado."))
