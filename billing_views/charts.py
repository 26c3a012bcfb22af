"""Horizontal bar charts as inline SVG, drawn on the server (no chart library, no CDN)."""

from decimal import Decimal

from django.utils.html import format_html, format_html_join

BAR_HEIGHT, GAP, LABEL_WIDTH, WIDTH = 22, 8, 220, 640


def bar_chart(rows: list[tuple[str, Decimal, str]], *, title: str) -> str:
    """rows: (label, value, value as text). Negative values (net credit notes) draw no bar."""
    if not rows:
        return ""
    top = max((value for _, value, _ in rows), default=Decimal(0))
    scale = (WIDTH - LABEL_WIDTH - 110) / float(top) if top > 0 else 0
    height = len(rows) * (BAR_HEIGHT + GAP)
    bars = format_html_join("", (
        '<g transform="translate(0,{})"><text x="0" y="15" class="label">{}</text>'
        '<rect x="{}" y="2" width="{}" height="{}" rx="3"></rect>'
        '<text x="{}" y="15" class="value">{}</text></g>'
    ), (
        (index * (BAR_HEIGHT + GAP), label[:34], LABEL_WIDTH, max(0, round(float(value) * scale)), BAR_HEIGHT - 4,
         LABEL_WIDTH + max(0, round(float(value) * scale)) + 6, text)
        for index, (label, value, text) in enumerate(rows)
    ))
    return format_html(
        '<svg class="bar-chart" role="img" aria-label="{}" viewBox="0 0 {} {}" width="100%" '
        'preserveAspectRatio="xMinYMin meet">{}</svg>', title, WIDTH, height, bars,
    )
