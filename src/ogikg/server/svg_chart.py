"""Small line charts drawn as inline SVG on the server: an agency's key figures over the years.

No script and no library: the page works without JavaScript and prints as it shows. Every point is
a ``<circle class="point">`` carrying its series, year and value (and a tooltip), linked to the
observation it comes from.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from markupsafe import Markup

from ogikg.server.describe import ChartSeries

PALETTE = ("#1f6fb2", "#d9822b", "#2e9d57", "#b83280", "#6b5bd6", "#8c6d1f")
WIDTH, HEIGHT = 400, 210
LEFT, RIGHT, TOP, BOTTOM = 56, 14, 12, 28


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^n that is at least ``value`` (1 for nothing to show)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


def _one_chart(line: ChartSeries, colour: str, first: int, last: int) -> str:
    """One series over the years ``first``..``last``, on its own scale (figures differ by orders of
    magnitude: thousands of items published, a handful of reviews)."""
    top = nice_ceiling(max((p.value for p in line.points), default=0))
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM

    def x(year: int) -> float:
        return LEFT + (plot_w / 2 if last == first else (year - first) * plot_w / (last - first))

    def y(value: float) -> float:
        return TOP + plot_h - max(value, 0) * plot_h / top

    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{escape(line.label)}">'
    ]
    for index in range(3):
        value = top * index / 2
        level = y(value)
        parts.append(
            f'<line class="grid" x1="{LEFT}" y1="{level:.1f}" x2="{WIDTH - RIGHT}" y2="{level:.1f}"/>'
            f'<text class="tick" x="{LEFT - 6}" y="{level + 4:.1f}" text-anchor="end">{_number(value)}</text>'
        )
    step = max(1, math.ceil((last - first + 1) / 8))
    for year in range(first, last + 1, step):
        parts.append(
            f'<text class="tick" x="{x(year):.1f}" y="{HEIGHT - BOTTOM + 18}" '
            f'text-anchor="middle">{year}</text>'
        )
    points = sorted(line.points, key=lambda p: p.year)
    if len(points) > 1:
        path = " ".join(f"{x(p.year):.1f},{y(p.value):.1f}" for p in points)
        parts.append(
            f'<polyline class="line" points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>'
        )
    for point in points:
        tip = f"{line.label} · {point.year}: {point.text}" + (
            " (正文)" if point.source == "narrative" else ""
        )
        parts.append(
            f'<a href="{escape(point.href)}"><circle class="point" cx="{x(point.year):.1f}" '
            f'cy="{y(point.value):.1f}" r="4.5" fill="{colour}" data-series="{escape(line.key)}" '
            f'data-year="{point.year}" data-value="{escape(point.text)}" data-source="{point.source}">'
            f"<title>{escape(tip)}</title></circle></a>"
        )
    parts.append("</svg>")
    return "".join(parts)


def chart_grid(series: Sequence[ChartSeries]) -> Markup:
    """One small chart per series, all on the same years; series without a figure are left out."""
    shown = [s for s in series if s.points]
    years = sorted({p.year for s in shown for p in s.points})
    if not years:
        return Markup('<p class="note">No figures to chart · 暂无可绘制的数据</p>')
    figures = []
    for number, line in enumerate(shown):
        colour = PALETTE[number % len(PALETTE)]
        figures.append(
            f'<figure class="mini-chart" data-series="{escape(line.key)}">'
            f'<figcaption><span lang="zh-Hans">{escape(line.label)}</span> '
            f'<span class="en" lang="en">{escape(line.label_en)}</span></figcaption>'
            f"{_one_chart(line, colour, years[0], years[-1])}</figure>"
        )
    return Markup('<div class="chart-grid">' + "".join(figures) + "</div>")
