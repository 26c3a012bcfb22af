from django.core.management.base import BaseCommand, CommandError

from tenants import services as tenant_services


class PortalCommand(BaseCommand):
    """A command that runs inside one portal, named by its subdomain."""

    def add_arguments(self, parser):
        parser.add_argument("portal", help="subdominio del portal, por ejemplo demo")

    def portal(self, slug):
        try:
            return tenant_services.portal_get(slug=slug)
        except tenant_services.PortalNotFound as error:
            raise CommandError(f"No existe el portal «{slug}».") from error
