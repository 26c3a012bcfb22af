from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction
from django_tenants.utils import tenant_context
from tqdm import tqdm

from portal_core.erp.sync.engine import batch_upsert
from portal_core.erp.sync.errors import BatchInvalid, BatchTooLarge, SyncError
from portal_core.erp.sync.files import rows_from_file
from portal_core.erp.sync.resources import RESOURCES
from tenants.management.commands._portal_command import PortalCommand


class Rollback(Exception):
    pass


class Command(PortalCommand):
    help = (
        "Importa un archivo exportado del ERP (JSON o CSV) en un portal, con los mismos servicios y "
        "errores que la API. Todo o nada: con un error no se importa ningún registro."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("resource", choices=list(RESOURCES), help="qué contiene el archivo")
        parser.add_argument("file", type=Path)
        parser.add_argument("--batch-size", type=int, default=settings.ERP_SYNC_MAX_BATCH_ROWS)

    def handle(self, *args, portal, resource, file, batch_size, **options):
        try:
            rows = rows_from_file(file, resource=resource)
        except SyncError as error:
            raise CommandError(error.message) from error
        batch_size = max(1, min(batch_size, settings.ERP_SYNC_MAX_BATCH_ROWS))
        totals = {"created": 0, "updated": 0, "unchanged": 0}
        errors = []
        try:
            with tenant_context(self.portal(portal)), transaction.atomic():
                with tqdm(total=len(rows), unit=" registros", desc=resource, file=self.stderr._out) as bar:
                    for start in range(0, len(rows), batch_size):
                        try:
                            result = batch_upsert(resource=resource, items=rows[start:start + batch_size])
                        except BatchInvalid as error:
                            errors += [(start + e.index, e) for e in error.errors]
                        except BatchTooLarge as error:
                            raise CommandError(error.message) from error
                        else:
                            for key in totals:
                                totals[key] += getattr(result, key)
                        bar.update(min(batch_size, len(rows) - start))
                if errors:
                    raise Rollback
        except Rollback:
            for row, error in errors:
                where = f".{error.field}" if error.field else ""
                self.stderr.write(f"registro {row}{where}: {error.message} [{error.code}]")
            raise CommandError(f"{len(errors)} error(es): no se importó ningún registro.") from None
        self.stdout.write(self.style.SUCCESS(
            f"{len(rows)} registros: {totals['created']} nuevos, {totals['updated']} actualizados, "
            f"{totals['unchanged']} sin cambios."
        ))
