"""First in MIDDLEWARE: gives each request its id (kept from X-Request-ID when safe, else new),
puts it on the response and in the log context, and counts the request by view and status."""

import time

from django.conf import settings

from .context import REQUEST_ID_HEADER, REWARM_ENVIRON, request_id_accept, request_id_var, request_var
from .metrics import UNMATCHED_VIEW, request_metrics


class RequestObservabilityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_accept(request.headers.get(REQUEST_ID_HEADER))
        # Not reset when the request ends: Django logs 4xx/5xx answers (django.request) after the
        # middleware has returned, and those lines keep the context. The next request replaces it.
        request_id_var.set(request.request_id)
        request_var.set(request)
        started = time.perf_counter()
        response = self.get_response(request)
        if not request.META.get(REWARM_ENVIRON):  # a kept page asked again by a worker: not a visit
            _record(request, response.status_code, time.perf_counter() - started)
        response[REQUEST_ID_HEADER] = request.request_id
        return response


def view_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    return (match.view_name or match._func_path) if match else UNMATCHED_VIEW


def _record(request, status: int, seconds: float) -> None:
    metrics = request_metrics(portal_label=settings.METRICS_PORTAL_LABEL)
    labels = [view_name(request)]
    if metrics.portal_label:
        tenant = getattr(request, "tenant", None)
        labels.append(getattr(tenant, "schema_name", "") or "")
    metrics.requests.labels(labels[0], str(status), *labels[1:]).inc()
    metrics.latency.labels(*labels).observe(seconds)
