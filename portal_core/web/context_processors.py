def portal(request):
    """On a portal's pages: when the ERP last synced ("Datos actualizados al ..."). A callable,
    so the template runs the query only where it shows the date; the request keeps what it read
    (the billing pages read the same row for their cache version)."""
    company = getattr(request, "tenant", None)
    if company is None or company.is_public:
        return {}
    from django.templatetags.static import static
    from django.urls import reverse

    from portal_core.company.selectors import portal_settings
    from portal_core.erp.selectors import data_updated_at

    def profile_image_url():
        path = portal_settings(request).profile_image
        if not path:
            return static("img/default-logo.svg")
        return f"{reverse('profile_image_file')}?v={path.rsplit('/', 1)[-1].removesuffix('.png')}"

    return {"data_updated_at": lambda: data_updated_at(request), "profile_image_url": profile_image_url}
