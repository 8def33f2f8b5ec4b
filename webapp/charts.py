"""Small charts drawn on the server as SVG: no script, no inline style (colours come from classes in
``static/views.css``), so they show under the app's ``default-src 'self'`` policy and print as they look.

Each chart has a table twin on its page; the SVG is labelled as an image with a sentence saying what it shows.
Text is escaped like any other text of a page.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

#: The chart's width in SVG units; it scales to the width of its box (at most about 36rem).
WIDTH = 360
_BAR, _GAP, _LABEL = 10, 3, 16


def _number(n: float) -> str:
    return f"{n:,.0f}" if float(n).is_integer() else f"{n:,.2f}"


def bars(
    rows: Sequence[tuple[str, Sequence[float | None]]],
    series: Sequence[str],
    *,
    title: str,
    missing: str = "not stated in the report",
) -> Markup:
    """Horizontal bars, one group a row: the row's label on a line, then one bar for each series.

    ``rows`` are ``(label, values)``, one value a series; a value of None is drawn as the words ``missing``
    instead of a bar (a report that says nothing is not a zero). ``title`` says what the chart shows.
    """
    top = max((v for _, values in rows for v in values if v is not None), default=0) or 1
    room = WIDTH - 48
    parts = []
    y = 0
    if series:
        x = 0
        for i, name in enumerate(series):
            parts.append(f'<rect class="series-{i}" x="{x}" y="{y + 2}" width="10" height="10"/>')
            parts.append(f'<text class="legend-text" x="{x + 14}" y="{y + 11}">{escape(name)}</text>')
            x += 24 + 7 * len(name)
        y += 22
    for label, values in rows:
        y += _LABEL
        parts.append(f'<text class="row-label" x="0" y="{y - 4}">{escape(label)}</text>')
        for i, value in enumerate(values):
            if value is None:
                who = escape(series[i]) + ": " if len(series) > 1 else ""
                parts.append(f'<text class="missing" x="0" y="{y + _BAR - 1}">{who}{escape(missing)}</text>')
            else:
                length = round(room * value / top, 1)
                parts.append(f'<rect class="series-{i}" x="0" y="{y}" width="{length}" height="{_BAR}"/>')
                parts.append(f'<text class="value" x="{length + 4}" y="{y + _BAR - 1}">{_number(value)}</text>')
            y += _BAR + _GAP
        y += 4
    height = max(y, 1)
    return Markup(
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>{"".join(parts)}</svg>'
    )
