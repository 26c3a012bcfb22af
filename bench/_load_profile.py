"""`bench/load.py --profile`: where the web workers' time went, from the cProfile stats that
bench/_load_profile_gunicorn.py dumped, as shares of all request time in the costs a page
pays on every request, then the functions that took the most time themselves."""

import pstats
from pathlib import Path

# (label, file suffix, function): a cost's entry point; its cumulative time includes its callees
# (where several functions of the file share the name, the outermost: the largest).
COSTS = [
    ("whole request (WSGIHandler)", "django/core/handlers/wsgi.py", "__call__"),
    ("tenant/domain lookup (CompanyMiddleware)", "tenants/middleware.py", "process_request"),
    ("session load (SessionStore.load)", "django/contrib/sessions/backends/cached_db.py", "load"),
    ("user lookup (auth get_user)", "django/contrib/auth/__init__.py", "get_user"),
    ("SQL (CursorWrapper._execute)", "django/db/backends/utils.py", "_execute"),
    ("Redis replies awaited (redis-py read_response)", "redis/connection.py", "read_response"),
    ("template rendering (Template.render)", "django/template/base.py", "render"),
    ("  of which form widgets (forms renderer)", "django/forms/renderers.py", "render"),
    ("password hashing (check_password)", "django/contrib/auth/hashers.py", "check_password"),
    ("PDF rendering (xhtml2pdf pisaDocument)", "xhtml2pdf/document.py", "pisaDocument"),
    ("XLSX writing (openpyxl save)", "openpyxl/writer/excel.py", "save_workbook"),
]
VIEWS = [(name, "billing_views/views.py", name) for name in (
    "sales_invoices", "customer_ledger", "orders", "purchase_invoices", "supplier_ledger", "supplier_payments",
    "sales_invoice_pdf", "purchase_invoice_pdf", "sales_invoices_zip", "download_status")] + [
    ("admin balances", "billing_views/admin_views.py", "balances"),
    ("admin sales", "billing_views/admin_views.py", "sales"),
    ("login (GET and POST)", "django/contrib/auth/views.py", "dispatch")]


def profile_summary(directory: Path, top: int = 15) -> None:
    # A worker replaced before it served a request dumps an empty profile, which pstats refuses.
    files = sorted(str(path) for path in directory.glob("*.prof") if path.stat().st_size > 100)
    if not files:
        print("No profiles written (no worker exited cleanly?)")
        return
    stats = pstats.Stats(*files)
    total = _cumulative(stats, *COSTS[0][1:]) or 1.0
    print(f"\nProfile of {len(files)} gunicorn workers: {total:.1f} s inside requests")
    for label, suffix, function in COSTS:
        seconds = _cumulative(stats, suffix, function)
        print(f"  {label:<48}{seconds:>8.1f} s {seconds / total:>6.0%}")
    print("Views (wall time inside the view, rendering included; the workers share the cores):")
    for label, suffix, function in VIEWS:
        entry = _entry(stats, suffix, function)
        if entry:
            print(f"  {label:<24}{entry[1]:>6} calls {1000 * entry[3] / entry[1]:>8.1f} ms a call")
    print(f"Top {top} functions by own time:")
    for (filename, line, function), entry in _by_own_time(stats)[:top]:
        own, cumulative = entry[2], entry[3]
        print(f"  {own:>7.2f} s own {cumulative:>7.2f} s cum  {_short(filename)}:{line} {function}")


def _cumulative(stats, suffix: str, function: str) -> float:
    entry = _entry(stats, suffix, function)
    return entry[3] if entry else 0.0


def _entry(stats, suffix: str, function: str):
    """(calls, primitive calls, own s, cumulative s, callers) of the outermost match."""
    matches = [entry for (filename, _, name), entry in stats.stats.items()
               if filename.endswith(suffix) and name == function]
    return max(matches, key=lambda entry: entry[3], default=None)


def _by_own_time(stats) -> list:
    return sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)


def _short(filename: str) -> str:
    return filename.split("site-packages/")[-1].replace(str(Path(__file__).resolve().parent.parent) + "/", "")
