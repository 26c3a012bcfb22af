"""The one base class of the operators' commands that act on one portal (tenants' and
portal_core's alike): the portal is the first argument, by its subdomain."""

from django.core.management.base import BaseCommand, CommandError

from tenants import services


class PortalCommand(BaseCommand):
    """A command that acts on one portal, named by its subdomain (`options["portal"]`)."""

    def add_arguments(self, parser):
        parser.add_argument("portal", help="subdominio del portal, por ejemplo distribuidora-penalolen")

    def portal(self, slug: str):
        """The portal with that subdomain, or a CommandError saying there is none."""
        try:
            return services.portal_get(slug=slug)
        except services.PortalNotFound as error:
            raise CommandError(f"No existe el portal «{slug}».") from error
