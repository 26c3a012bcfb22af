"""OpenAPI documentation of the sync API, generated from the same pydantic models that
validate the rows (so the docs cannot drift from the validation)."""

from django.conf import settings
from drf_spectacular.contrib.pydantic import PydanticExtension
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import ResolvedComponent
from pydantic import BaseModel, ConfigDict, Field, create_model

from portal_core.erp.sync.resources import RESOURCES


class RequestAwarePydanticExtension(PydanticExtension):
    """Describe request bodies as pydantic *accepts* them (amounts as number or string)
    rather than as it would serialize them."""

    priority = 1

    def map_serializer(self, auto_schema, direction):
        from pydantic.json_schema import model_json_schema

        # Rows read back are in the shape the ERP posts: described as posted, so each resource's
        # rows have one schema (the same components) both ways.
        mode = "validation" if direction == "request" or issubclass(self.target, RowsPage) else "serialization"
        schema = model_json_schema(self.target, ref_template="#/components/schemas/{model}", mode=mode)
        for name, sub_schema in schema.pop("$defs", {}).items():
            auto_schema.registry.register_on_missing(
                ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name, schema=sub_schema)
            )
        return schema


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "portal_core.erp.api.authentication.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "Clave de API creada en Integración ERP."}


class BatchResultOut(BaseModel):
    resource: str
    received: int
    created: int
    updated: int
    unchanged: int = Field(description="Registros idénticos a los ya sincronizados: no se escribieron.")
    synced_at: str
    message: str


class ErrorOut(BaseModel):
    code: str
    message: str


class RowErrorOut(BaseModel):
    index: int = Field(description="Posición del registro en `items` (desde 0).")
    field: str = Field(description="Campo con error, por ejemplo `lines[2].quantity`.")
    code: str
    message: str


class ErrorResponse(BaseModel):
    error: ErrorOut
    errors: list[RowErrorOut] = Field(default_factory=list)


class PdfStateOut(BaseModel):
    external_id: str
    pdf: str = Field(description="`erp`: se sirve el PDF del ERP; `portal`: el portal genera el suyo.")


class ResourceSyncState(BaseModel):
    last_synced_at: str | None
    last_batch_rows: int


class SyncStatusOut(BaseModel):
    resources: dict[str, ResourceSyncState]


def batch_model(resource: str) -> type[BaseModel]:
    spec = RESOURCES[resource]
    max_rows = settings.ERP_SYNC_MAX_BATCH_ROWS
    # es-AR groups thousands with a dot: 1.000.
    description = f"Hasta {max_rows:,} registros por lote.".replace(",", ".")
    return create_model(
        f"{spec.schema.__name__.removesuffix('In')}Batch",
        __config__=ConfigDict(extra="forbid"),
        items=(list[spec.schema], Field(max_length=max_rows, description=description)),
    )


class EventOut(BaseModel):
    id: int = Field(description="Creciente: se confirma en orden, así que paginar por `id` no saltea ninguno.")
    kind: str = Field(description="registration, registration_approved, invitation_accepted, question_opened, "
                                  "question_message, question_closed, pickup_scheduled, pickup_cancelled, "
                                  "pickup_done, colleague_invited, colleague_deactivated.")
    occurred_at: str = Field(description="Fecha y hora ISO 8601 con zona horaria.")
    resource: str = Field(description="Recurso de la API al que se refiere (`customers`, `supplier-payments`...), "
                                      "o vacío si el ERP no tiene clave para él.")
    external_id: str = Field(description="external_id del registro en ese recurso, o vacío.")
    data: dict = Field(description="Detalle del evento (por ejemplo `email`, `party`).")


class EventsPageOut(BaseModel):
    events: list[EventOut]
    next: int | None = Field(description="Valor de `after` para pedir la página siguiente; null cuando no hay más "
                                         "eventos por ahora (siga consultando con el id del último recibido).")


class RowsPage(BaseModel):
    """A page of rows read back (`GET /api/v1/<resource>/`)."""

    next: str | None = Field(description="Cursor de la página siguiente (`?cursor=`), o null si no hay más filas "
                                         "por ahora.")
    resume: str | None = Field(description="Cursor posterior a la última fila de esta página: guárdelo y úselo "
                                           "más tarde para leer solo lo que cambie desde entonces (null si no se "
                                           "leyó ninguna fila).")


def rows_page_model(resource: str) -> type[BaseModel]:
    spec = RESOURCES[resource]
    return create_model(
        f"{spec.schema.__name__.removesuffix('In')}Page", __base__=RowsPage,
        items=(list[spec.schema], Field(description="Filas en el mismo formato en que el ERP las envía.")),
    )


class TallyOut(BaseModel):
    count: int
    checksum: str = Field(description="16 dígitos hexadecimales (ver el algoritmo en la descripción).")


class ReconcileOut(BaseModel):
    resources: dict[str, TallyOut]


class RangeOut(TallyOut):
    prefix: str = Field(description="Prefijo hexadecimal de md5(external_id) de las filas del rango.")


class RowHashOut(BaseModel):
    external_id: str
    content_hash: str


class ReconcileRangesOut(TallyOut):
    resource: str
    prefix: str
    ranges: list[RangeOut] = Field(description="Los 16 rangos de un dígito más, del `0` al `f`, vacíos incluidos.")
    rows: list[RowHashOut] | None = Field(description="Las filas del prefijo ordenadas por external_id cuando son "
                                                      "`limit` o menos; null si son más.")


class DeleteResultOut(BaseModel):
    resource: str
    received: int
    deleted: int
    synced_at: str
    message: str


class DeleteBatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    external_ids: list[str] = Field(description="external_id de cada registro a borrar.")
