from django.core.management.base import CommandError

from tenants import services

from ._portal_command import PortalCommand


class Command(PortalCommand):
    help = "Elimina un portal y borra su esquema con todos sus datos. Irreversible."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--confirm", metavar="SUBDOMINIO", required=True,
            help="repita el subdominio para confirmar el borrado",
        )

    def handle(self, *args, portal, confirm, **options):
        if confirm != portal:
            raise CommandError("La confirmación no coincide con el subdominio: no se borró nada.")
        company = self.portal(portal)
        schema = company.schema_name
        services.portal_delete(company=company)
        self.stdout.write(self.style.SUCCESS(f"Portal «{portal}» eliminado (esquema {schema} borrado)."))
