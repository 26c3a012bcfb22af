def portal(request):
    """On a portal's pages: when the ERP last synced ("Datos actualizados al ..."). A callable,
    so the template runs the query only where it shows the date."""
    company = getattr(request, "tenant", None)
    if company is None or company.is_public:
        return {}
    from portal_core.selectors import data_updated_at

    return {"data_updated_at": data_updated_at}
