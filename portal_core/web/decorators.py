from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404


def portal_admin_required(view):
    """Only the portal's admins; everyone else gets the same 404 as for a page that does not exist."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not request.user.is_portal_admin:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
