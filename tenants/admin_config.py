from django.contrib.admin.apps import AdminConfig


class OperatorAdminConfig(AdminConfig):
    """Django's admin app with `admin.site` replaced by the operators' two-factor site."""

    default_site = "tenants.admin_site.OperatorAdminSite"
