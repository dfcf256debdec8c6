"""Horizontal grouped bar charts as inline SVG (no scripts, no external assets)."""

import math
from dataclasses import dataclass
from html import escape

PALETTE = ("#2f6fb3", "#e07b39", "#3a9a5b", "#b8433f", "#7d5ba6", "#8c6d46", "#c45a9a", "#6b7280")
LABEL_WIDTH = 190
PLOT_WIDTH = 520
VALUE_WIDTH = 70
BAR_HEIGHT = 12
GROUP_GAP = 8
TOP = 44
BOTTOM = 24
TICKS = 4


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]  # one per label; None draws no bar


def nice_ceiling(value: float) -> float:
    """Round up to 1, 2, 2.5 or 5 times a power of ten, for readable ticks."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _format(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.3g}"


def bar_chart(title: str, labels: list[str], series: list[Series], unit: str) -> str:
    """One group of bars per label, one bar per series, scaled to the largest value."""
    values = [v for s in series for v in s.values if v is not None]
    top = nice_ceiling(max(values, default=0.0))
    group_height = len(series) * BAR_HEIGHT + GROUP_GAP
    height = TOP + len(labels) * group_height + BOTTOM
    width = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" class="chart-title">{escape(title)} ({escape(unit)})</text>',
    ]
    for index, item in enumerate(series if len(series) > 1 else []):
        x = LABEL_WIDTH + index * 110
        color = PALETTE[index % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="24" width="10" height="10" fill="{color}"/>')
        parts.append(f'<text x="{x + 14}" y="33" class="legend">{escape(item.name)}</text>')
    plot_bottom = height - BOTTOM
    for tick in range(TICKS + 1):
        x = LABEL_WIDTH + PLOT_WIDTH * tick / TICKS
        parts.append(f'<line x1="{x:.1f}" y1="{TOP - 4}" x2="{x:.1f}" y2="{plot_bottom}" class="grid"/>')
        parts.append(f'<text x="{x:.1f}" y="{plot_bottom + 16}" class="tick">{_format(top * tick / TICKS)}</text>')
    for row, label in enumerate(labels):
        group_top = TOP + row * group_height
        label_y = group_top + len(series) * BAR_HEIGHT / 2 + 4
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{label_y:.1f}" class="label">{escape(label)}</text>')
        for index, item in enumerate(series):
            value = item.values[row]
            if value is None:
                continue
            y = group_top + index * BAR_HEIGHT
            bar = PLOT_WIDTH * value / top
            color = PALETTE[index % len(PALETTE)]
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{bar:.1f}" height="{BAR_HEIGHT - 2}" '
                f'fill="{color}"><title>{escape(label)}, {escape(item.name)}: '
                f"{_format(value)} {escape(unit)}</title></rect>"
            )
            parts.append(
                f'<text x="{LABEL_WIDTH + bar + 4:.1f}" y="{y + BAR_HEIGHT - 3}" class="value">{_format(value)}</text>'
            )
    parts.append("</svg>")
    return "\n".join(parts)
