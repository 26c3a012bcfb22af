"""Mi cuenta → Notificaciones, and the unsubscribe link of every notification email."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from portal_core.web.pages import render_page

from . import kinds as k
from . import selectors, services
from .errors import NotificationError
from .forms import PreferencesForm


@login_required
@never_cache
def preferences(request):
    kinds = selectors.kinds_available(link=request.viewer.link, switches=request.viewer.settings)
    form = PreferencesForm(request.POST if request.method == "POST" else None, kinds=kinds,
                           current=selectors.preferences_of(user=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.preferences_save(user=request.user, choices=form.cleaned_data)
        except NotificationError as error:
            form.add_error(None, error.as_form_error())
        else:
            messages.success(request, _("Sus preferencias de notificaciones quedaron guardadas."))
            return redirect("notification_preferences")
    return render_page(request, "notifications/preferences.html", "my_account", form=form,
                       status=400 if form.errors else 200)


@csrf_exempt  # RFC 8058: the mail provider POSTs "List-Unsubscribe=One-Click" with no cookie or token
@require_http_methods(["GET", "POST"])
@never_cache
def unsubscribe(request, token: str):
    """GET asks (mail scanners follow links: a GET changes nothing); POST unsubscribes."""
    try:
        if request.method == "POST":
            user, kinds = services.unsubscribe(token=token)
        else:
            user, kinds = services.unsubscribe_target(token=token)
    except NotificationError as error:
        return render(request, "portal_core/notifications/unsubscribe_invalid.html",
                      {"error_message": error.message}, status=404)
    return render(request, "portal_core/notifications/unsubscribe.html", {
        "email": user.email, "labels": [k.KINDS[kind].label for kind in kinds], "done": request.method == "POST"})
