from django.core.management.base import CommandError

from provisioning.portability import portal_export
from tenants.management.commands._portal_command import PortalCommand


class Command(PortalCommand):
    help = ("Exporta un portal entero a un archivo: los datos de su esquema, sus filas del esquema "
            "público (la contraseña SMTP sigue cifrada) y sus archivos guardados.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file", help="archivo a escribir, por ejemplo demo.tar.gz")

    def handle(self, *args, portal, file, **options):
        company = self.portal(portal)
        try:
            report = portal_export(company=company, path=file)
        except OSError as error:
            raise CommandError(f"No se pudo escribir {file}: {error}") from error
        self.stdout.write(self.style.SUCCESS(
            f"Portal «{portal}» exportado a {report.path}: {report.tables} tablas, {report.rows} filas, "
            f"{report.files} archivos; {report.size / 1e6:.1f} MB en {report.seconds:.1f} s."))
