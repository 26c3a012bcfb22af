from django.core.management.base import BaseCommand

from provisioning.sweep import portals_sweep


class Command(BaseCommand):
    help = (
        "Suspende los portales cuyo creador no confirmó su email, elimina (esquema y archivos) los "
        "que además nunca se usaron y borra los esquemas a medio crear que dejó un proceso caído. "
        "Lo mismo que la tarea periódica."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true",
                            help="solo lista lo que se suspendería, eliminaría o borraría; no cambia nada")

    def handle(self, *args, dry_run, **options):
        report = portals_sweep(dry_run=dry_run)
        prefix = "Se suspendería" if dry_run else "Suspendido"
        for slug in report.suspended:
            self.stdout.write(f"{prefix}: {slug} (email del creador sin confirmar)")
        prefix = "Se eliminaría" if dry_run else "Eliminado"
        for slug in report.deleted:
            self.stdout.write(f"{prefix}: {slug} (sin confirmar y sin uso)")
        prefix = "Se borraría el esquema huérfano" if dry_run else "Esquema huérfano borrado"
        for schema_name in report.orphans_dropped:
            self.stdout.write(f"{prefix}: {schema_name}")
        total = len(report.suspended) + len(report.deleted) + len(report.orphans_dropped)
        if not total:
            self.stdout.write("Nada que hacer.")
        elif dry_run:
            self.stdout.write(self.style.WARNING("Prueba: no se cambió nada."))
