from django.urls import path

from . import admin_views, views

urlpatterns = [
    path("administrador/cuentas-corrientes/", admin_views.balances, name="admin_balances"),
    path("administrador/cuentas-corrientes/<str:tab>/", admin_views.balances, name="admin_balances_tab"),
    path("administrador/cuentas-corrientes/<str:tab>/<int:party_id>/", admin_views.party_ledger,
         name="admin_party_ledger"),
    path("administrador/cuentas-corrientes/<str:tab>/<int:party_id>/resumen/", admin_views.party_statement,
         name="admin_party_statement"),
    path("administrador/ventas/", admin_views.sales, name="admin_sales"),
    path("administrador/perfil/", admin_views.profile, name="profile"),
    path("administrador/perfil/notificaciones/", admin_views.profile_notifications, name="profile_notifications"),
    path("administrador/perfil/imagen/", admin_views.profile_image, name="profile_image"),
    path("perfil/imagen/", admin_views.profile_image_file, name="profile_image_file"),
    path("facturas/", views.sales_invoices, name="sales_invoices"),
    path("facturas/<int:document_id>/pdf/", views.sales_invoice_pdf, name="sales_invoice_pdf"),
    path("facturas/descargar-todas/", views.sales_invoices_zip, name="sales_invoices_zip"),
    path("descargas/<str:token>/", views.download, name="download"),
    path("descargas/<str:token>/estado/", views.download_status, name="download_status"),
    path("descargas/<str:token>/archivo/", views.download_file, name="download_file"),
    path("cuenta-corriente/", views.customer_ledger, name="customer_ledger"),
    path("cuenta-corriente/resumen/", views.customer_statement, name="customer_statement"),
    path("pedidos/", views.orders, name="orders"),
    path("compras/", views.purchase_invoices, name="purchase_invoices"),
    path("compras/<int:document_id>/pdf/", views.purchase_invoice_pdf, name="purchase_invoice_pdf"),
    path("cuenta-corriente-proveedor/", views.supplier_ledger, name="supplier_ledger"),
    path("cuenta-corriente-proveedor/resumen/", views.supplier_statement, name="supplier_statement"),
    path("retiro-de-pagos/", views.supplier_payments, name="supplier_payments"),
    path("retiro-de-pagos/<int:payment_id>/certificados/<int:certificate_id>/pdf/", views.certificate_pdf,
         name="certificate_pdf"),
]
