from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from portal_core.erp import selectors, services
from portal_core.erp.forms import ApiKeyForm
from portal_core.web.decorators import portal_admin_required
from portal_core.web.menu import menu_for


def _integration_page(request, *, form, new_secret=None, status=200):
    return render(request, "portal_core/integration.html", {
        "menu": menu_for(request, "integration"),
        "form": form,
        "new_secret": new_secret,
        "api_keys": selectors.api_keys_list(),
        "sync_rows": selectors.sync_status_rows(),
        "api_base": request.build_absolute_uri("/api/v1/"),
    }, status=status)


@portal_admin_required
def integration(request):
    """Integración ERP: the portal's API keys and when each resource was last synced."""
    return _integration_page(request, form=ApiKeyForm())


@portal_admin_required
@require_POST
@never_cache
def api_key_create(request):
    form = ApiKeyForm(request.POST)
    if not form.is_valid():
        return _integration_page(request, form=form, status=400)
    _, secret = services.api_key_create(name=form.cleaned_data["name"], created_by=request.user)
    # Shown in this response only: the key is stored hashed and can never be shown again.
    return _integration_page(request, form=ApiKeyForm(), new_secret=secret)


@portal_admin_required
@require_POST
def api_key_revoke(request, key_id: int):
    api_key = selectors.access_api_key(key_id=key_id)
    services.api_key_revoke(api_key=api_key, by=request.user)
    messages.success(request, _("La clave «%(name)s» fue revocada: el ERP ya no puede usarla.")
                     % {"name": api_key.name})
    return redirect("integration")
