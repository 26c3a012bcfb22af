from django.templatetags.static import static
from django.urls import reverse

from .kept_pages import updated_at_line


def portal(request):
    """On a portal's pages: when the ERP last synced ("Datos actualizados al ...") and the
    portal's image. Callables, so a template runs the query only where it shows them; the
    request's viewer keeps what it read (the billing pages read the same row for their cache
    version). A page being kept (portal_core.web.kept_pages) gets marks instead of the sync's
    line and of the CSRF token, filled in each time it is served."""
    company = getattr(request, "tenant", None)
    viewer = getattr(request, "viewer", None)
    if company is None or company.is_public or viewer is None:
        return {}

    def profile_image_url():
        path = viewer.settings.profile_image
        if not path:
            return static("img/default-logo.svg")
        return f"{reverse('profile_image_file')}?v={path.rsplit('/', 1)[-1].removesuffix('.png')}"

    marks = getattr(request, "page_marks", None)
    if marks:
        return {"updated_at_line": marks["updated"], "csrf_token": marks["csrf"],
                "profile_image_url": profile_image_url}
    return {"updated_at_line": lambda: updated_at_line(viewer.data_updated_at), "profile_image_url": profile_image_url}
