"""The ERP sync API: one endpoint per resource to upsert in bulk (all or nothing) and to read back."""

import json
from decimal import Decimal

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import BaseParser, JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from config.observability.metrics import erp_sync_recorded
from portal_core.erp import selectors, services
from portal_core.erp.errors import ErpError
from portal_core.erp.sync import readback
from portal_core.erp.sync.deletes import batch_delete
from portal_core.erp.sync.engine import batch_upsert
from portal_core.erp.sync.errors import NOT_IN_PORTAL, STILL_REFERENCED, BatchInvalid, BatchTooLarge
from portal_core.erp.sync.resources import RESOURCES

from . import docs, reads
from .exceptions import (
    DELETE_ENVELOPE,
    NO_SUCH_ENDPOINT,
    PDF_TOO_LARGE,
    domain_error_response,
    error_response,
)
from .params import bad_cursor, query_datetime, query_int


class PdfParser(BaseParser):
    """Declares application/pdf bodies; the view reads `request.body` itself."""

    media_type = "application/pdf"

    def parse(self, stream, media_type=None, parser_context=None):
        return stream.read()


class SyncView(APIView):
    """POST `{"items": [...]}`: upserts by `external_id`; a batch with any bad row changes nothing."""

    resource: str = ""
    # Declared for the docs; the body is parsed here instead, with decimals kept exact.
    parser_classes = [JSONParser]

    def post(self, request, *args, **kwargs):
        too_large = _body_too_large(request)
        if too_large:
            return too_large
        try:
            payload = json.loads(request.body or b"null", parse_float=Decimal)
        except (ValueError, UnicodeDecodeError):
            return error_response("invalid_json", status.HTTP_400_BAD_REQUEST)
        items = payload.get("items") if isinstance(payload, dict) else None
        if not isinstance(items, list) or set(payload) != {"items"}:
            return error_response("invalid_envelope", status.HTTP_400_BAD_REQUEST)
        try:
            result = batch_upsert(resource=self.resource, items=items)
        except BatchTooLarge as error:
            erp_sync_recorded(resource=self.resource, rows=None)
            return domain_error_response(error, status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        except BatchInvalid as error:
            erp_sync_recorded(resource=self.resource, rows=None)
            return domain_error_response(error, status.HTTP_400_BAD_REQUEST,
                                         errors=[e.as_dict() for e in error.errors])
        erp_sync_recorded(resource=self.resource, rows=result.created + result.updated)
        return Response(result.as_dict())

    def get(self, request, *args, **kwargs):
        limit = query_int(request, "limit", default=100, minimum=1, maximum=settings.ERP_READ_MAX_LIMIT)
        updated_since = query_datetime(request, "updated_since")
        cursor = request.query_params.get("cursor")
        try:
            after = readback.Position.decode(cursor) if cursor is not None else None
        except readback.InvalidCursor:
            raise bad_cursor("cursor") from None
        page = readback.rows_page(resource=self.resource, limit=limit, after=after, updated_since=updated_since)
        return Response({"items": page.items, "next": page.next and page.next.encode(),
                         "resume": page.resume and page.resume.encode()})


def _body_too_large(request):
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > settings.ERP_SYNC_MAX_BODY_BYTES:
        return error_response("payload_too_large", status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
                              megabytes=settings.ERP_SYNC_MAX_BODY_BYTES // (1024 * 1024))
    return None


def sync_view_for(resource: str) -> type[SyncView]:
    spec = RESOURCES[resource]
    errors = OpenApiResponse(docs.ErrorResponse)
    view = type(f"{spec.model.__name__}SyncView", (SyncView,), {"resource": resource})
    return extend_schema_view(get=_read_schema(resource), post=extend_schema(
        operation_id=f"sync_{resource.replace('-', '_')}",
        summary=f"Sincronizar {spec.label}",
        description=(
            f"Alta o actualización masiva de {spec.label} por `external_id` (hasta "
            f"{settings.ERP_SYNC_MAX_BATCH_ROWS} por lote). Un registro inválido o una referencia "
            "desconocida rechaza el lote entero (400) con el error de cada registro. Reenviar el mismo "
            "lote no cambia nada y lo informa en `unchanged`."
        ),
        request=docs.batch_model(resource),
        responses={200: docs.BatchResultOut, 400: errors, 401: errors, 413: errors, 429: errors},
        tags=["Sincronización"],
    ))(view)


def _read_schema(resource: str):
    spec = RESOURCES[resource]
    errors = OpenApiResponse(docs.ErrorResponse)
    return extend_schema(
        operation_id=f"read_{resource.replace('-', '_')}",
        summary=f"Leer {spec.label}",
        description=(
            f"Las {spec.label} que tiene el portal, en el mismo formato en que el ERP las envía (`external_id` de "
            "las referencias, renglones dentro de cada comprobante), ordenadas por última modificación y `id`. "
            "Mientras `next` no sea null, pida `?cursor=<next>` para la página siguiente: ninguna fila se saltea "
            "ni se repite aunque lleguen lotes mientras se lee; una fila que cambia vuelve a aparecer más "
            "adelante. Para leer luego solo lo que cambió, guarde `resume` de la última página y pídalo como "
            "`cursor`. `updated_since` limita a las filas escritas desde ese momento. Una fila se considera "
            "escrita cuando su contenido cambió, no cuando se reenvió igual."
        ),
        parameters=[
            OpenApiParameter("cursor", OpenApiTypes.STR, required=False,
                             description="`next` o `resume` de una respuesta anterior."),
            OpenApiParameter("updated_since", OpenApiTypes.DATETIME, required=False,
                             description="Solo filas escritas en este momento o después (ISO 8601 con zona horaria)."),
            reads.limit_parameter(100),
        ],
        responses={200: docs.rows_page_model(resource), 400: errors, 401: errors, 429: errors},
        tags=["Lectura"],
    )


def _deleted(resource: str, external_ids: list, *, single: bool = False) -> Response:
    """The answer of a delete: the result, or each refused id (400; for a lone id, 404 when the
    portal does not have it and 409 when other rows use it)."""
    try:
        result = batch_delete(resource=resource, external_ids=external_ids)
    except BatchTooLarge as error:
        return domain_error_response(error, status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    except BatchInvalid as error:
        http_status = status.HTTP_400_BAD_REQUEST
        if single:
            http_status = {NOT_IN_PORTAL: status.HTTP_404_NOT_FOUND, STILL_REFERENCED: status.HTTP_409_CONFLICT}.get(
                error.errors[0].code, http_status)
        return domain_error_response(error, http_status, errors=[e.as_dict() for e in error.errors])
    return Response(result.as_dict())


class RowDeleteView(APIView):
    """DELETE one row the ERP removed."""

    resource: str = ""

    def delete(self, request, external_id: str):
        return _deleted(self.resource, [external_id], single=True)


class BatchDeleteView(APIView):
    """POST `{"external_ids": [...]}`: the rows the ERP removed, all or nothing. Its path
    (`<resource>/delete/`) shadows the row whose external_id is "delete": that one is deleted here."""

    resource: str = ""

    def post(self, request, *args, **kwargs):
        too_large = _body_too_large(request)
        if too_large:
            return too_large
        try:
            payload = json.loads(request.body or b"null")
        except (ValueError, UnicodeDecodeError):
            return error_response("invalid_json", status.HTTP_400_BAD_REQUEST)
        external_ids = payload.get("external_ids") if isinstance(payload, dict) else None
        if not isinstance(external_ids, list) or set(payload) != {"external_ids"}:
            return error_response("invalid_envelope", status.HTTP_400_BAD_REQUEST, message=DELETE_ENVELOPE)
        return _deleted(self.resource, external_ids)


def delete_views_for(resource: str) -> tuple[type[APIView], type[APIView]]:
    spec = RESOURCES[resource]
    errors = OpenApiResponse(docs.ErrorResponse)
    operation = resource.replace("-", "_")
    follow_ups = ("Como en un lote de alta, se actualizan la última sincronización del recurso y las páginas "
                  "de los clientes y proveedores afectados; los movimientos de cuenta corriente de un comprobante "
                  "borrado quedan sin comprobante.")
    single = extend_schema(
        operation_id=f"delete_{operation}", summary=f"Borrar un registro de {spec.label}",
        description=("Borra el registro que el ERP eliminó. 404 si no existe en el portal; 409 si otros registros "
                     "lo usan (por ejemplo un cliente con comprobantes o con cuentas del portal). " + follow_ups),
        request=None,
        responses={200: docs.DeleteResultOut, 400: errors, 401: errors, 404: errors, 409: errors, 429: errors},
        tags=["Sincronización"])
    bulk = extend_schema(
        operation_id=f"delete_batch_{operation}", summary=f"Borrar {spec.label} en lote",
        description=(f"Borra los registros que el ERP eliminó (hasta {settings.ERP_SYNC_MAX_BATCH_ROWS} por lote), "
                     "todo o nada: un `external_id` que no existe en el portal o que otros registros usan rechaza "
                     "el lote entero (400) con el error de cada uno. " + follow_ups),
        request=docs.DeleteBatchIn, responses={200: docs.DeleteResultOut, 400: errors, 401: errors, 413: errors,
                                               429: errors},
        tags=["Sincronización"])
    name = spec.model.__name__
    row_view = type(f"{name}DeleteView", (RowDeleteView,), {"resource": resource})
    batch_view = type(f"{name}BatchDeleteView", (BatchDeleteView,), {"resource": resource})
    return (extend_schema_view(delete=single)(row_view),
            extend_schema_view(post=bulk)(batch_view))


class SyncStatusView(APIView):
    @extend_schema(
        operation_id="sync_status", summary="Última sincronización de cada recurso",
        responses={200: docs.SyncStatusOut, 401: OpenApiResponse(docs.ErrorResponse),
                   429: OpenApiResponse(docs.ErrorResponse)}, tags=["Sincronización"],
    )
    def get(self, request, *args, **kwargs):
        states = selectors.sync_states()
        return Response({"resources": {
            name: {
                "last_synced_at": states[name].last_synced_at.isoformat() if name in states else None,
                "last_batch_rows": states[name].last_batch_rows if name in states else 0,
            }
            for name in RESOURCES
        }})


class DocumentPdfView(APIView):
    """PUT the ERP's own PDF of a document (body: the PDF, `Content-Type: application/pdf`);
    DELETE to go back to the portal's rendering."""

    model = None
    parser_classes = [PdfParser]

    def _document(self, external_id):
        document = self.model.objects.filter(external_id=external_id).first()
        if document is None:
            raise NotFound  # answered as every API 404 ("not_found", exceptions.MESSAGES)
        return document

    def put(self, request, external_id: str):
        document = self._document(external_id)
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > settings.ERP_SYNC_MAX_PDF_BYTES:
            return error_response("payload_too_large", status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, message=PDF_TOO_LARGE)
        try:
            services.document_pdf_attach(document=document, content=request.body)
        except ErpError as error:
            return domain_error_response(error, status.HTTP_400_BAD_REQUEST)
        return Response({"external_id": external_id, "pdf": "erp"})

    def delete(self, request, external_id: str):
        services.document_pdf_detach(document=self._document(external_id))
        return Response({"external_id": external_id, "pdf": "portal"})


def document_pdf_view_for(model, resource: str):
    responses = {200: docs.PdfStateOut, 400: OpenApiResponse(docs.ErrorResponse),
                 401: OpenApiResponse(docs.ErrorResponse), 404: OpenApiResponse(docs.ErrorResponse),
                 413: OpenApiResponse(docs.ErrorResponse)}
    view = type(f"{model.__name__}PdfView", (DocumentPdfView,), {"model": model})
    return extend_schema_view(
        put=extend_schema(operation_id=f"{resource.replace('-', '_')}_pdf_put", summary="Adjuntar el PDF del ERP",
                          request={"application/pdf": {"type": "string", "format": "binary"}},
                          responses=responses, tags=["PDF del ERP"]),
        delete=extend_schema(operation_id=f"{resource.replace('-', '_')}_pdf_delete",
                             summary="Quitar el PDF del ERP", request=None, responses=responses, tags=["PDF del ERP"]),
    )(view)


@extend_schema(exclude=True)
class ApiNotFoundView(APIView):
    """Every other path under /api/v1/, whatever the method: the API's JSON 404. Authentication
    runs first (APIView.initial), so without a valid key the answer is the same 401 as on any
    endpoint: clients without a key learn nothing about which paths exist."""

    def not_found(self, request, *args, **kwargs):
        return error_response("not_found", status.HTTP_404_NOT_FOUND, message=NO_SUCH_ENDPOINT)

    get = post = put = patch = delete = options = not_found
