from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from portal_core.erp.sync.resources import RESOURCES
from portal_core.models import PurchaseInvoice, SalesInvoice

from . import reads, views

urlpatterns = [
    path(f"{name}/", views.sync_view_for(name).as_view(), name=f"api-sync-{name}") for name in RESOURCES
]
for name in RESOURCES:
    row_view, batch_view = views.delete_views_for(name)
    urlpatterns += [
        path(f"{name}/delete/", batch_view.as_view(), name=f"api-delete-batch-{name}"),
        path(f"{name}/<str:external_id>/", row_view.as_view(), name=f"api-delete-{name}"),
    ]
urlpatterns += [
    path("events/", reads.EventsView.as_view(), name="api-events"),
    path("reconcile/", reads.ReconcileView.as_view(), name="api-reconcile"),
    path("reconcile/<str:resource>/", reads.ReconcileRangesView.as_view(), name="api-reconcile-ranges"),
    path("sync-status/", views.SyncStatusView.as_view(), name="api-sync-status"),
    path("sales-invoices/<str:external_id>/pdf/", views.document_pdf_view_for(SalesInvoice, "sales-invoices").as_view(),
         name="api-sales-invoice-pdf"),
    path("purchase-invoices/<str:external_id>/pdf/",
         views.document_pdf_view_for(PurchaseInvoice, "purchase-invoices").as_view(), name="api-purchase-invoice-pdf"),
    path("schema/", SpectacularAPIView.as_view(urlconf="config.urls_tenant"), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file (?script): no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(
        url_name="api-schema", template_name="portal_core/api/swagger_ui.html"), name="api-docs"),
    # Last: any other path under /api/v1/ answers the API's JSON 404 (401 without a valid key).
    re_path(r"^.*$", views.ApiNotFoundView.as_view(), name="api-not-found"),
]
