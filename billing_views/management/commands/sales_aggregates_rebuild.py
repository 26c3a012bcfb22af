from django_tenants.utils import tenant_context

from billing_views.admin_selectors import best_selling_forget
from portal_core.erp.sync.aggregates import article_sales_rebuild
from tenants.management.commands._portal_command import PortalCommand


class Command(PortalCommand):
    help = ("Recalcula desde los comprobantes las ventas diarias por artículo (la sincronización las mantiene; "
            "úselo solo después de cargar datos por fuera de ella).")

    def handle(self, *args, portal, **options):
        with tenant_context(self.portal(portal)):
            rows = article_sales_rebuild()
            # The admin's *artículos más vendidos* are kept until the next batch: not after a rebuild.
            best_selling_forget()
        self.stdout.write(self.style.SUCCESS(f"{rows} filas de ventas diarias recalculadas en «{portal}»."))
