from tenants import services

from ._portal_command import PortalCommand


class Command(PortalCommand):
    help = "Reactiva un portal suspendido."

    def handle(self, *args, slug, **options):
        company = services.portal_reactivate(company=self.get_company(slug))
        self.stdout.write(self.style.SUCCESS(f"Portal «{company.slug}» reactivado."))
