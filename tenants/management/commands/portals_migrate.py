import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tenants import schema_migrations as deploy
from tenants import schema_template


class Command(BaseCommand):
    help = (
        "Migra el esquema público y después solo los esquemas de portales (reservas incluidas) con "
        "migraciones pendientes, varios a la vez. Lo que hace el job de migraciones en cada deploy; "
        "si se corta, se vuelve a ejecutar y sigue donde quedó."
    )

    def add_arguments(self, parser):
        parser.add_argument("--processes", type=int, default=settings.MIGRATION_PROCESSES,
                            help="cuántos esquemas a la vez (MIGRATION_PROCESSES, por defecto %(default)s)")
        parser.add_argument("--progress-every", type=int, default=50,
                            help="una línea de progreso cada tantos esquemas (por defecto %(default)s)")
        parser.add_argument("--dry-run", action="store_true",
                            help="solo dice qué esquemas tienen migraciones pendientes; no migra nada")

    def handle(self, *args, processes, progress_every, dry_run, **options):
        started = time.monotonic()
        if not dry_run:
            deploy.public_migrate(verbosity=max(0, options["verbosity"] - 1))
        schemas = deploy.portal_schemas()
        pending, missing = deploy.schemas_pending(schemas=schemas, leaves=deploy.migration_leaves())
        self.stdout.write(f"{len(schemas)} portales; {len(pending)} con migraciones pendientes "
                          f"({deploy.elapsed_since(started)}).")
        if dry_run:
            for schema in pending:
                self.stdout.write(f"Pendiente: {schema}")
        failures = [] if dry_run else self._migrate(pending, processes, progress_every, started)
        if not dry_run:
            self._template()
        self._report(failures, missing)

    def _template(self):
        if schema_template.template_refresh():
            self.stdout.write("Plantilla de esquemas al día: los portales nuevos no corren migraciones.")
        else:
            self.stderr.write(self.style.WARNING(
                "No se pudo capturar la plantilla de esquemas (pg_dump): los portales nuevos se migran "
                "como siempre, más lento. Ver PG_DUMP."))

    def _migrate(self, pending, processes, every, started):
        def progress(done, total, failures):
            if done % max(1, every) == 0 or done == total:
                self.stdout.write(f"Migrados {done}/{total} ({len(failures)} con error, "
                                  f"{deploy.elapsed_since(started)}).")

        return deploy.schemas_migrate(schemas=pending, processes=max(1, processes), progress=progress)

    def _report(self, failures, missing):
        for schema in missing:
            self.stderr.write(f"Sin esquema en la base: {schema} (la fila del portal existe).")
        for failure in failures:
            self.stderr.write(f"Falló {failure.schema}: {failure.error}")
        if failures or missing:
            raise CommandError(f"{len(failures)} esquemas fallaron y {len(missing)} no existen; "
                               "los demás quedaron migrados. Corrija y vuelva a ejecutar.")
        self.stdout.write(self.style.SUCCESS("Todo migrado."))
