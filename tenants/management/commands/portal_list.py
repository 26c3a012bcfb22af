from django.core.management.base import BaseCommand
from django.utils import timezone

from tenants import selectors


class Command(BaseCommand):
    help = "Lista los portales: subdominio, nombre, estado, esquema y fecha de alta."

    def handle(self, *args, **options):
        portals = list(selectors.portals_list())
        for company in portals:
            created = timezone.localtime(company.created_at).strftime("%d/%m/%Y %H:%M")
            self.stdout.write(
                f"{company.slug:<30} {company.get_status_display():<11} {company.schema_name:<16} "
                f"{created}  {company.name}"
            )
        self.stdout.write(f"{len(portals)} portales; {selectors.spare_count()} esquemas de reserva listos.")
