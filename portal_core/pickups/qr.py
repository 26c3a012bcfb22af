"""The pickup code's QR, drawn here (no remote service ever sees a code): inline SVG for the
page, and an HTML table for the email, which every mail client shows without loading images."""

import qrcode
import qrcode.image.svg
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def code_svg(code: str, *, label: str) -> SafeString:
    image = qrcode.make(code, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    svg = image.to_string(encoding="unicode")
    # Only path coordinates come from qrcode, and the label is escaped: safe to inline.
    return mark_safe(svg.replace("<svg ", f'<svg class="qr" role="img" aria-label="{escape(label)}" ', 1))


def code_table(code: str, *, cell: int = 5) -> SafeString:
    """The QR as a table of black and white cells, for emails: Gmail and others block data:
    images and do not show inline SVG, and a table needs no image at all (about 25 kB)."""
    black, white = (f'<td bgcolor="{color}" width="{cell}" height="{cell}"></td>' for color in ("#000", "#fff"))
    rows = "".join(f"<tr>{''.join(black if module else white for module in line)}</tr>" for line in _matrix(code))
    return mark_safe(
        '<table role="presentation" cellpadding="0" cellspacing="0" border="0" '
        'style="border-collapse:collapse;margin:0 auto;font-size:0;line-height:0;" '
        f'aria-label="QR {escape(code)}">{rows}</table>')


def _matrix(code: str) -> list[list[bool]]:
    qr = qrcode.QRCode(border=2)
    qr.add_data(code)
    qr.make(fit=True)
    return qr.get_matrix()
