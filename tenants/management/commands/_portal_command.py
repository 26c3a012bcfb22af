from django.core.management.base import BaseCommand, CommandError

from tenants import services


class PortalCommand(BaseCommand):
    """A command that acts on one portal named by its subdomain."""

    def add_arguments(self, parser):
        parser.add_argument("slug", help="subdominio del portal, por ejemplo distribuidora-penalolen")

    def get_company(self, slug):
        try:
            return services.portal_get(slug=slug)
        except services.PortalNotFound as error:
            raise CommandError(f"No existe el portal «{slug}».") from error
