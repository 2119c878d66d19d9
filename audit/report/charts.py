"""Inline SVG charts drawn in Python: no JavaScript, no external library, no inline CSS.

Each chart is returned as :class:`markupsafe.Markup` that is safe to insert unescaped: every
piece of text in it goes through :func:`markupsafe.escape`. Colours and sizes use SVG
presentation attributes (``fill=``, ``font-size=``) because the report's Content-Security-Policy
blocks ``style`` attributes. The SVG carries ``role="img"`` with a title and description; the
template shows the same numbers in a data table next to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from audit.report.safety import clean_text

WIDTH = 640
BAR_FILL = "#2b5d8c"  # 6.9:1 against white; also fine as a non-text graphic (>= 3:1)
TEXT_FILL = "#1b1b1b"
AXIS_STROKE = "#595959"
LABEL_CHARS = 30


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its length in data units and the value as displayed."""

    label: str
    value: float
    shown: str


def _svg(chart_id: str, title: str, desc: str, height: int, body: list[str]) -> Markup:
    head = (
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" aria-labelledby="{chart_id}-t {chart_id}-d" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-t">{escape(title)}</title>'
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")


def _text(x: float, y: float, content: str, anchor: str = "start", weight: str = "") -> str:
    bold = ' font-weight="bold"' if weight else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="13" '
        f'fill="{TEXT_FILL}"{bold}>{escape(content)}</text>'
    )


def horizontal_bars(chart_id: str, title: str, desc: str, bars: Sequence[Bar], max_value: float) -> Markup:
    """One row per bar: label on the left, bar scaled to ``max_value``, value after the bar.

    Labels longer than 30 characters are shortened here; the data table keeps them whole.
    """
    label_w, bar_w, row_h, top = 230.0, 330.0, 30.0, 8.0
    height = int(top * 2 + row_h * max(len(bars), 1))
    body: list[str] = []
    for i, bar in enumerate(bars):
        y = top + i * row_h
        length = 0.0 if max_value <= 0 else bar_w * max(bar.value, 0.0) / max_value
        body.append(_text(label_w - 10, y + 19, clean_text(bar.label, LABEL_CHARS), "end"))
        body.append(f'<rect x="{label_w:.1f}" y="{y + 6:.1f}" width="{length:.1f}" height="18" fill="{BAR_FILL}"/>')
        body.append(_text(label_w + length + 6, y + 19, bar.shown))
    axis = f'<line x1="{label_w}" y1="{top}" x2="{label_w}" y2="{height - top}" '
    body.append(axis + f'stroke="{AXIS_STROKE}" stroke-width="1"/>')
    return _svg(chart_id, title, desc, height, body)


def columns(chart_id: str, title: str, desc: str, bars: Sequence[Bar], axis_label: str) -> Markup:
    """A column per bar (a histogram), the count above each column and its label below.

    ``axis_label`` names what the labels under the columns are (e.g. "Score").
    """
    height, base, top = 240, 190.0, 24.0
    slot = (WIDTH - 40) / max(len(bars), 1)
    peak = max((b.value for b in bars), default=0.0)
    body: list[str] = []
    for i, bar in enumerate(bars):
        x = 20 + i * slot
        tall = 0.0 if peak <= 0 else (base - top) * bar.value / peak
        body.append(
            f'<rect x="{x + slot * 0.2:.1f}" y="{base - tall:.1f}" width="{slot * 0.6:.1f}" '
            f'height="{tall:.1f}" fill="{BAR_FILL}"/>'
        )
        body.append(_text(x + slot / 2, base - tall - 6, bar.shown, "middle", "bold"))
        body.append(_text(x + slot / 2, base + 18, clean_text(bar.label, 12), "middle"))
    body.append(f'<line x1="20" y1="{base}" x2="{WIDTH - 20}" y2="{base}" stroke="{AXIS_STROKE}" stroke-width="1"/>')
    body.append(_text(WIDTH / 2, base + 40, axis_label, "middle"))
    return _svg(chart_id, title, desc, height, body)
