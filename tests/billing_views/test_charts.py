"""billing_views.charts: the sales page's horizontal bar charts, drawn on the server as HTML text
and one small SVG bar per row."""

import re
from decimal import Decimal

from billing_views.charts import bar_chart

ROW = re.compile(r'<li class="bar-row"><span class="bar-label">(.*?)</span><span class="bar-value">(.*?)</span>'
                 r'<svg class="bar-track"[^>]*><rect width="(.*?)%"')


def bars(html: str) -> list[tuple[str, str, str]]:
    """(label, value text, bar width in %) of each row, as the page shows them."""
    return ROW.findall(html)


def title(html: str) -> str:
    return re.search(r'<ol class="bar-chart" aria-label="(.*?)">', html).group(1)


def test_bars_are_proportional_to_the_largest_value():
    # given
    rows = [("Distribuidora Peñalolén S.A.", Decimal("200"), "$ 200,00"),
            ("Almacén Güemes", Decimal("50"), "$ 50,00"),
            ("Molinos S.A.", Decimal("150.5"), "$ 150,50")]

    # when
    html = bar_chart(rows, title="Ranking de clientes")

    # then: rows keep their order; the largest fills the track
    assert bars(html) == [("Distribuidora Peñalolén S.A.", "$ 200,00", "100.0"),
                          ("Almacén Güemes", "$ 50,00", "25.0"),
                          ("Molinos S.A.", "$ 150,50", "75.3")]
    assert title(html) == "Ranking de clientes"


def test_widths_are_rounded_half_up_to_a_tenth():
    html = bar_chart([("A", Decimal("16"), "16"), ("B", Decimal("1"), "1"), ("C", Decimal("2"), "2"),
                      ("D", Decimal("1") / 3 * 16, "5,33")], title="t")

    assert [width for _label, _text, width in bars(html)] == ["100.0", "6.3", "12.5", "33.3"]


def test_a_small_positive_value_still_shows_a_sliver():
    html = bar_chart([("Grande", Decimal("100000"), "$ 100.000,00"), ("Chico", Decimal("1"), "$ 1,00")], title="t")

    assert [width for _label, _text, width in bars(html)] == ["100.0", "0.5"]


def test_zero_and_negative_values_draw_no_bar_but_keep_their_row():
    # given: net credit notes make a customer's sales negative
    rows = [("Con ventas", Decimal("80"), "$ 80,00"), ("Sin ventas", Decimal("0"), "$ 0,00"),
            ("Notas de crédito", Decimal("-30"), "-$ 30,00")]

    # when
    html = bar_chart(rows, title="t")

    # then
    assert bars(html) == [("Con ventas", "$ 80,00", "100.0"), ("Sin ventas", "$ 0,00", "0"),
                          ("Notas de crédito", "-$ 30,00", "0")]


def test_when_nothing_is_positive_no_row_draws_a_bar():
    html = bar_chart([("A", Decimal("-5"), "-$ 5,00"), ("B", Decimal("0"), "$ 0,00")], title="t")

    assert [width for _label, _text, width in bars(html)] == ["0", "0"]


def test_labels_values_and_title_are_escaped():
    # given: names come from the ERP and may hold markup
    rows = [('<script>alert("x")</script> & Cía', Decimal("1"), "<b>$ 1,00</b>")]

    # when
    html = bar_chart(rows, title='Ventas "netas" <hoy>')

    # then
    assert bars(html) == [("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Cía",
                           "&lt;b&gt;$ 1,00&lt;/b&gt;", "100.0")]
    assert title(html) == "Ventas &quot;netas&quot; &lt;hoy&gt;"
    assert "<script>" not in html and "<b>" not in html


def test_no_rows_draw_no_chart():
    assert bar_chart([], title="Ranking de clientes") == ""
