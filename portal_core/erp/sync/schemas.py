"""The rows the ERP sends, one model per resource. Field descriptions are the API's docs."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from portal_core.cuit import cuit_is_valid, cuit_normalize

from .errors import INVALID_CAE, INVALID_CUIT, INVALID_EMAIL, row_refusal


def _cuit(value: str) -> str:
    if not value:
        return ""
    digits = cuit_normalize(value)
    if not cuit_is_valid(digits):
        raise row_refusal(INVALID_CUIT)
    return digits


def _email(value: str) -> str:
    if not value:
        return ""
    try:
        validate_email(value)
    except ValidationError:
        raise row_refusal(INVALID_EMAIL) from None
    return value.lower()


def _cae(value: str) -> str:
    if value and not (len(value) == 14 and value.isdigit()):
        raise row_refusal(INVALID_CAE)
    return value


ExternalId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Money = Annotated[Decimal, Field(max_digits=16, decimal_places=2)]
Quantity = Annotated[Decimal, Field(max_digits=14, decimal_places=3)]
Cuit = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20), AfterValidator(_cuit)]
Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=254),
                  AfterValidator(_email)]


def text(max_length: int, *, required: bool = True):
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=1 if required else 0,
                                            max_length=max_length)]


class Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    external_id: ExternalId = Field(description="Clave del registro en el ERP (única por recurso).")


class CustomerIn(Row):
    business_name: text(200) = Field(description="Razón social.")
    tax_id: Cuit = Field("", description="CUIT, con o sin guiones; se valida el dígito verificador.")
    email: Email = ""
    active: bool = True
    related: list[ExternalId] = Field(
        default_factory=list, max_length=200,
        description="Clientes relacionados (mismo grupo): reemplaza los vínculos del cliente; el vínculo es simétrico.",
    )


class SupplierIn(Row):
    business_name: text(200) = Field(description="Razón social.")
    tax_id: Cuit = Field("", description="CUIT.")
    email: Email = ""
    active: bool = True


class BranchIn(Row):
    name: text(120) = Field(description="Nombre de la sucursal.")


class ArticleIn(Row):
    code: text(64) = Field(description="Código del artículo.")
    description: text(250)
    supplier: ExternalId | None = Field(None, description="external_id del proveedor del artículo.")


class LineIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    article: ExternalId | None = Field(None, description="external_id del artículo.")
    description: text(250)
    quantity: Quantity
    unit_price: Annotated[Decimal, Field(max_digits=16, decimal_places=4)]
    amount: Money


class DocumentIn(Row):
    doc_type: Literal["FA", "NC", "ND"] = Field(description="FA factura, NC nota de crédito, ND nota de débito.")
    letter: Literal["A", "B", "C", "M", "E"]
    point_of_sale: int = Field(ge=1, le=99999, description="Punto de venta.")
    number: int = Field(ge=1, le=99999999)
    issue_date: date
    due_date: date | None = None
    currency: Literal["ARS", "USD"] = "ARS"
    exchange_rate: Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=4)] = Decimal(1)
    net: Money
    vat: Money
    total: Money
    cae: Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_cae)] = ""
    cae_due_date: date | None = None
    voided: bool = Field(False, description="Anulado: se conserva pero no se muestra a clientes ni proveedores.")
    lines: list[LineIn] = Field(default_factory=list, max_length=500)


class SalesInvoiceIn(DocumentIn):
    customer: ExternalId = Field(description="external_id del cliente titular.")
    associated_customer: ExternalId | None = Field(
        None, description="external_id del cliente asociado (emitido en la cuenta del titular por cuenta de él)."
    )
    branch: ExternalId | None = Field(None, description="external_id de la sucursal.")


class PurchaseInvoiceIn(DocumentIn):
    supplier: ExternalId = Field(description="external_id del proveedor.")


class AccountEntryIn(Row):
    doc_type: Literal["FA", "NC", "ND", ""] = ""
    letter: Literal["A", "B", "C", "M", "E", ""] = ""
    point_of_sale: int | None = Field(None, ge=0, le=99999)
    number: int | None = Field(None, ge=1, le=99999999)
    description: text(200, required=False) = Field("", description="Concepto (recibos, ajustes...).")
    date: date
    due_date: date | None = None
    amount: Money = Field(description="Importe con signo: positivo es deuda de la contraparte.")
    open_balance: Money = Field(description="Saldo pendiente del movimiento, con signo.")


class CustomerAccountEntryIn(AccountEntryIn):
    customer: ExternalId
    invoice: ExternalId | None = Field(None, description="external_id del comprobante de venta.")


class SupplierAccountEntryIn(AccountEntryIn):
    supplier: ExternalId
    invoice: ExternalId | None = Field(None, description="external_id del comprobante de compra.")


class OrderLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    article: ExternalId | None = None
    description: text(250)
    quantity_ordered: Quantity = Field(gt=0)
    quantity_invoiced: Quantity = Field(Decimal(0), ge=0)


class OrderIn(Row):
    customer: ExternalId
    branch: ExternalId | None = None
    number: text(32)
    ordered_at: datetime = Field(description="Fecha y hora del pedido (ISO 8601).")
    lines: list[OrderLineIn] = Field(min_length=1, max_length=500)


class CertificateIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    tax: Literal["ganancias", "iva", "iibb", "suss"]
    number: text(32)
    amount: Money


class SupplierPaymentIn(Row):
    supplier: ExternalId
    number: text(32)
    date: date
    amount: Money
    method: text(60) = Field(description="Forma de pago: transferencia, cheque, efectivo...")
    status: Literal["ready", "picked_up"] = Field(
        "ready", description="ready: lista para retirar; picked_up: retirada."
    )
    certificates: list[CertificateIn] = Field(default_factory=list, max_length=50)
