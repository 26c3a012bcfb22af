"""Rows as the ERP sends them, plain dicts: bench/load.py's setup syncs them into the small
portals, and its locustfile posts them as the batches that arrive during the run. No Django
here: the locust process does not load it."""

from datetime import date, timedelta


def _day(days_ago: int) -> str:
    return (date.today() - timedelta(days=days_ago)).isoformat()


def customer(number: int) -> dict:
    return {"external_id": f"C{number}", "business_name": f"Cliente {number} S.A."}


def supplier(number: int) -> dict:
    return {"external_id": f"S{number}", "business_name": f"Proveedor {number} S.R.L."}


def _document(external_id: str, number: int, amount: int, days_ago: int) -> dict:
    money = f"{amount}.00"
    return {"external_id": external_id, "doc_type": "FA", "letter": "A", "point_of_sale": 1, "number": number,
            "issue_date": _day(days_ago), "due_date": _day(days_ago - 30), "net": money, "vat": "0.00",
            "total": money, "cae": "74123456789012", "cae_due_date": _day(days_ago - 10),
            "lines": [{"description": "Artículo", "quantity": "1", "unit_price": money, "amount": money}]}


def sales_invoice(number: int, customer_id: str, *, prefix: str = "F") -> dict:
    return {**_document(f"{prefix}{number}", number, 1000 + number * 37 % 90_000, number % 700),
            "customer": customer_id}


def purchase_invoice(number: int, supplier_id: str) -> dict:
    return {**_document(f"P{number}", number, 2000 + number * 53 % 70_000, number % 700), "supplier": supplier_id}


def customer_entry(number: int, customer_id: str) -> dict:
    """The current-account movement of sales invoice `number`, a quarter of them still open."""
    amount = f"{1000 + number * 37 % 90_000}.00"
    return {"external_id": f"E{number}", "customer": customer_id, "invoice": f"F{number}", "doc_type": "FA",
            "letter": "A", "point_of_sale": 1, "number": number, "description": "", "date": _day(number % 700),
            "due_date": _day(number % 700 - 30), "amount": amount,
            "open_balance": amount if number % 4 == 0 else "0.00"}


def order(number: int, customer_id: str) -> dict:
    return {"external_id": f"O{number}", "customer": customer_id, "number": f"0001-{number:08d}",
            "ordered_at": f"{_day(number % 60)}T10:00:00-03:00",
            "lines": [{"description": "Artículo", "quantity_ordered": "10", "quantity_invoiced": "4"}]}


def supplier_payment(number: int, supplier_id: str) -> dict:
    return {"external_id": f"OP{number}", "supplier": supplier_id, "number": f"0001-{number:08d}",
            "date": _day(number % 365), "amount": "5000.00", "method": "Transferencia",
            "status": "ready" if number % 4 == 0 else "picked_up", "certificates": []}
