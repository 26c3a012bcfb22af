"""The answer while PostgreSQL cannot be reached (restarting, failing over, a network cut).

Every uncaught exception ends in Django's 500 handler, wherever it was raised: in a view, or
in a middleware before any view ran (the portal is looked up by hostname in the database
first). A lost or refused database connection is not a bug of ours but a pause: this handler
answers it with a 503 and Retry-After, a short page in Spanish, or JSON on the ERP's API and
on the health probe, so the load balancer and the ERP know to try again. Anything else keeps
Django's 500 page. The connection itself heals on the next request: CONN_HEALTH_CHECKS makes
Django test a reused connection before trusting it, and one that failed is closed at the end
of its request.
"""

import sys

import psycopg
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token
from django.views.defaults import server_error as django_server_error

RETRY_AFTER_SECONDS = 5
# Django's, and psycopg's own where code talks to it directly (the sync's COPY).
DATABASE_ERRORS = (OperationalError, InterfaceError, psycopg.OperationalError, psycopg.InterfaceError)


def database_unreachable(exception: BaseException | None) -> bool:
    return isinstance(exception, DATABASE_ERRORS)


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """handler500 of both URL configurations (the public site's and the portals')."""
    if not database_unreachable(sys.exception()):
        return django_server_error(request, template_name=template_name)
    response = _unavailable_answer(request.path)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _unavailable_answer(path: str) -> HttpResponse:
    if path.startswith("/salud/"):  # the probe's own shape (tenants.views.health)
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    if path.startswith("/api/"):  # the ERP sync API's error shape (portal_core.erp.api.exceptions)
        return JsonResponse({"error": {"code": "service_unavailable", "message": _(
            "El servicio no está disponible por un momento. Reintente en unos segundos.")}}, status=503)
    # Rendered without the request: context processors would query the database again.
    return HttpResponse(loader.get_template("503.html").render(), status=503)
