from tenants import services

from ._portal_command import PortalCommand


class Command(PortalCommand):
    help = "Suspende un portal: muestra una página de portal suspendido y no permite ingresar."

    def handle(self, *args, portal, **options):
        company = services.portal_suspend(company=self.portal(portal))
        self.stdout.write(self.style.SUCCESS(f"Portal «{company.slug}» suspendido."))
