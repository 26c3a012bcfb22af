from django.core.management.base import BaseCommand, CommandError

from provisioning.portability import PortabilityError, portal_import
from tenants.hosts import portal_origin

MESSAGES = {
    PortabilityError.ARCHIVE_DAMAGED: "El archivo está dañado o no es una exportación de portal",
    PortabilityError.FORMAT_UNSUPPORTED: "El archivo tiene un formato que esta versión no lee",
    PortabilityError.MIGRATIONS_MISMATCH: (
        "El archivo se exportó con otras migraciones que las de este código: migre ambos a la misma versión"),
    PortabilityError.SCHEMA_MISMATCH: "Las tablas del archivo no coinciden con las de este código",
    PortabilityError.SUBDOMAIN_TAKEN: "Ya existe un portal con ese subdominio: elija otro con --subdomain",
    PortabilityError.SUBDOMAIN_INVALID: "El subdominio no es válido (minúsculas, dígitos y guiones; no reservado)",
}


class Command(BaseCommand):
    help = ("Importa un portal exportado con portal_export como un portal nuevo (esquema nuevo). "
            "Todo o nada: si algo falla no queda ni esquema, ni filas, ni archivos.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="archivo escrito por portal_export")
        parser.add_argument("--subdomain", help="subdominio del portal nuevo (por omisión, el del archivo)")

    def handle(self, *args, file, subdomain, **options):
        try:
            report = portal_import(path=file, subdomain=subdomain)
        except PortabilityError as error:
            detail = f" ({error.detail})" if error.detail else ""
            raise CommandError(f"No se importó nada. {MESSAGES[error.code]}{detail}.") from error
        company = report.company
        self.stdout.write(self.style.SUCCESS(
            f"Portal importado: {portal_origin(company)}/ (esquema {company.schema_name}): {report.tables} tablas, "
            f"{report.rows} filas, {report.files} archivos en {report.seconds:.1f} s."))
        for note in report.notes:
            self.stdout.write(self.style.WARNING(note))
        if report.smtp_password:
            self.stdout.write(self.style.WARNING(
                "La contraseña SMTP se copió cifrada: esta plataforma la lee solo si FIELD_ENCRYPTION_KEYS "
                "incluye la clave de la plataforma de origen; si no, el administrador debe ingresarla de nuevo."))
