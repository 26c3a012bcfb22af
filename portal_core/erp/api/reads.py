"""What the ERP reads from the portal: the event feed."""

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from portal_core.erp import selectors

from . import docs
from .params import query_int

BIGINT_MAX = 2**63 - 1
ERRORS = OpenApiResponse(docs.ErrorResponse)


def limit_parameter(default: int) -> OpenApiParameter:
    return OpenApiParameter("limit", OpenApiTypes.INT, required=False, description=(
        f"Cantidad máxima por página, de 1 a {settings.ERP_READ_MAX_LIMIT} (por omisión {default})."))


class EventsView(APIView):
    @extend_schema(
        operation_id="events_list", summary="Eventos del portal para el ERP",
        description=(
            "Lo que pasó en el portal y el ERP debe saber (registros, aprobaciones, invitaciones aceptadas, "
            "consultas, retiros programados y realizados), en orden de `id`. El ERP guarda el `id` del último "
            "evento procesado y pide `?after=<id>`; mientras `next` no sea null hay más páginas. Los eventos se "
            f"conservan {settings.ERP_EVENTS_RETENTION_DAYS} días."
        ),
        parameters=[
            OpenApiParameter("after", OpenApiTypes.INT, required=False,
                             description="Devuelve los eventos con `id` mayor que este (por omisión 0: desde el "
                                         "primero conservado)."),
            limit_parameter(100),
        ],
        responses={200: docs.EventsPageOut, 400: ERRORS, 401: ERRORS, 429: ERRORS}, tags=["Eventos"],
    )
    def get(self, request, *args, **kwargs):
        after = query_int(request, "after", default=0, minimum=0, maximum=BIGINT_MAX)
        limit = query_int(request, "limit", default=100, minimum=1, maximum=settings.ERP_READ_MAX_LIMIT)
        events, next_cursor = selectors.events_after(after=after, limit=limit)
        return Response({"events": [
            {"id": event.id, "kind": event.kind, "occurred_at": event.occurred_at.isoformat(),
             "resource": event.resource, "external_id": event.external_id, "data": event.data}
            for event in events
        ], "next": next_cursor})
