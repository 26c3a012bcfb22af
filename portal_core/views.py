from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import LoginForm
from .menu import menu_for


class LoginView(auth_views.LoginView):
    template_name = "portal_core/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["just_created"] = self.request.GET.get("creado") == "1"
        return context


logout = require_POST(auth_views.LogoutView.as_view())


def lockout(request, credentials, *args, **kwargs):
    """django-axes calls this once an email+IP pair passed the failure limit."""
    # An unbound form: binding it would authenticate again and count one more failure.
    form = LoginForm(request, initial={"username": request.POST.get("username", "")})
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _("Demasiados intentos fallidos. Por seguridad, el ingreso quedó bloqueado "
                "por %(minutes)d minutos. Vuelva a intentar más tarde.") % {"minutes": minutes}
    return render(request, "portal_core/login.html", {"form": form, "lockout_message": message}, status=429)


@login_required
def home(request):
    return render(request, "portal_core/home.html", {
        "menu": menu_for(request.user, request.resolver_match.url_name),
    })
