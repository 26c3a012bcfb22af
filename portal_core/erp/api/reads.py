"""What the ERP reads from the portal: the event feed and reconciliation."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from portal_core.erp import selectors
from portal_core.erp.sync import reconcile
from portal_core.erp.sync.resources import RESOURCES

from . import docs
from .params import BadParameter, query_int

BIGINT_MAX = 2**63 - 1
PREFIX_INVALID = _("El parámetro «prefix» debe tener de 0 a 31 dígitos hexadecimales en minúscula.")
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


RECONCILE_DESCRIPTION = """Cantidad de filas y suma de control de cada recurso, para comprobar que el portal tiene
exactamente lo que el ERP envió, y el mismo cálculo partido en 16 rangos para encontrar rápido una diferencia.

**Algoritmo** (el ERP calcula lo mismo sobre sus filas):

1. `content_hash` de una fila: md5 (32 dígitos hexadecimales en minúscula) de la fila tal como el portal la
   validó, en JSON compacto (sin espacios, UTF-8 sin escapar acentos): todos los campos del esquema del recurso
   en el orden del esquema, con los valores por omisión completados, textos sin espacios al inicio ni al
   final, CUIT con sus 11 dígitos, email en minúscula, importes con el texto decimal enviado (`"1210.00"`),
   fechas `AAAA-MM-DD`, renglones en su orden. Por ejemplo, la sucursal
   `{"external_id": "S-1", "name": " Centro "}` es `md5('{"external_id":"S-1","name":"Centro"}')`.
2. Valor de una fila: los primeros 16 dígitos hexadecimales de md5(`external_id` + ":" + `content_hash`), como
   entero sin signo de 64 bits.
3. `checksum` de un conjunto: la suma de los valores de sus filas módulo 2^64, en 16 dígitos hexadecimales
   (no depende del orden; el de un conjunto vacío es `0000000000000000`).
4. Rango de una fila: el prefijo hexadecimal de md5(`external_id`).

**Búsqueda de una diferencia (bisección):** `GET /reconcile/` da cada recurso; para uno que no coincide,
`GET /reconcile/<recurso>/` da sus 16 rangos (`0` a `f`); para un rango que no coincide,
`GET /reconcile/<recurso>/?prefix=<rango>`
da los 16 de un dígito más. Cuando un prefijo tiene `limit` filas o menos, la respuesta trae además sus
`rows` (`external_id` y `content_hash`): compárelas con las del ERP, reenvíe las que difieren y borre las que
sobran. Con 200.000 filas, dos o tres pasos bastan."""


class ReconcileView(APIView):
    @extend_schema(
        operation_id="reconcile", summary="Conciliar con el ERP", description=RECONCILE_DESCRIPTION,
        responses={200: docs.ReconcileOut, 401: ERRORS, 429: ERRORS}, tags=["Lectura"],
    )
    def get(self, request, *args, **kwargs):
        tallies = reconcile.resources_tally()
        return Response({"resources": {name: tally.as_dict() for name, tally in tallies.items()}})


class ReconcileRangesView(APIView):
    @extend_schema(
        operation_id="reconcile_ranges", summary="Conciliar un recurso por rangos",
        description="Los 16 rangos de un recurso (o de un prefijo), y sus filas cuando son pocas: ver "
                    "`GET /reconcile/` para el algoritmo y la búsqueda.",
        parameters=[
            OpenApiParameter("resource", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(RESOURCES)),
            OpenApiParameter("prefix", OpenApiTypes.STR, required=False, pattern="^[0-9a-f]{0,31}$",
                             description="Prefijo hexadecimal en minúscula de md5(external_id); vacío: todo el "
                                         "recurso."),
            limit_parameter(100),
        ],
        responses={200: docs.ReconcileRangesOut, 400: ERRORS, 401: ERRORS, 404: ERRORS, 429: ERRORS},
        tags=["Lectura"],
    )
    def get(self, request, resource: str, *args, **kwargs):
        if resource not in RESOURCES:
            raise NotFound
        prefix = request.query_params.get("prefix", "")
        if len(prefix) >= reconcile.MAX_PREFIX or prefix.strip(reconcile.HEX):
            raise BadParameter(str(PREFIX_INVALID))
        limit = query_int(request, "limit", default=100, minimum=1, maximum=settings.ERP_READ_MAX_LIMIT)
        total, ranges = reconcile.ranges_tally(resource=resource, prefix=prefix)
        rows = reconcile.range_rows(resource=resource, prefix=prefix, limit=limit) if total.count <= limit else None
        return Response({"resource": resource, "prefix": prefix, **total.as_dict(),
                         "ranges": [{"prefix": key, **tally.as_dict()} for key, tally in ranges.items()],
                         "rows": rows})
