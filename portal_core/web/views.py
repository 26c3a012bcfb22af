from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from portal_core.web.menu import menu_for


@login_required
def home(request):
    return render(request, "portal_core/home.html", {
        "menu": menu_for(request, request.resolver_match.url_name),
    })


