"""Horizontal bar charts drawn on the server (no chart library, no CDN).

Names and amounts are HTML text, so they keep the page's font size whatever the card's width;
only each bar is a small SVG, as wide as the card, whose rectangle takes a percentage of it.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.template.loader import render_to_string


def bar_chart(rows: list[tuple[str, Decimal, str]], *, title: str) -> str:
    """rows: (label, value, value as text). Negative values (net credit notes) draw no bar."""
    if not rows:
        return ""
    top = max((value for _, value, _ in rows), default=Decimal(0))
    bars = [{"label": label, "text": text, "percent": _percent(value, top)} for label, value, text in rows]
    return render_to_string("billing_views/admin/_bar_chart.html", {"title": title, "bars": bars})


def _percent(value: Decimal, top: Decimal) -> str:
    """The bar's share of the widest one, as an SVG length ("37.5"); a positive value shows a sliver."""
    if top <= 0 or value <= 0:
        return "0"
    share = max(Decimal(value) * 100 / Decimal(top), Decimal("0.5"))
    return str(share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
