from django.conf import settings
from django.core.management.base import BaseCommand

from provisioning import services


class Command(BaseCommand):
    help = "Crea esquemas de reserva migrados hasta tener PORTAL_SPARE_POOL_SIZE listos."

    def add_arguments(self, parser):
        parser.add_argument("--size", type=int, default=settings.PORTAL_SPARE_POOL_SIZE)

    def handle(self, *args, size, **options):
        created = services.spare_pool_refill(size=size)
        self.stdout.write(f"{created} esquemas de reserva creados.")
