"""Charts as inline SVG, hand-written: no script, no external asset, no inline style,
so they render under the edge's strict Content-Security-Policy and without the
network (bench/README.md says why not a library).

Two kinds: horizontal grouped bars (one group per label, one bar per series,
on a log axis where the values span more than LOG_SPREAD), and lines over a
numeric x axis (a cell's throughput second by second, connections held
against memory). Every mark carries data-series and data-label, for the
browser tests and for anyone reading the page's source.
"""

import math
from dataclasses import dataclass
from html import escape

PALETTE = ("#2f6fb3", "#c2571a", "#2f7d4a", "#b8433f", "#7d5ba6", "#8c6d46", "#c45a9a", "#4b5563")
LABEL_WIDTH = 230
PLOT_WIDTH = 500
VALUE_WIDTH = 80
BAR_HEIGHT = 13
GROUP_GAP = 8
TOP = 44
BOTTOM = 26
TICKS = 4
# Above this ratio between the largest and smallest value a linear axis
# hides the small ones (CGI's 8 req/s beside nginx's 9,741): go logarithmic.
LOG_SPREAD = 30.0


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]  # one per label; None draws no bar


@dataclass(frozen=True)
class Line:
    name: str
    points: list[tuple[float, float | None]]  # (x, y); a None y breaks the line
    dashed: bool = False


def nice_ceiling(value: float) -> float:
    """Round up to 1, 2, 2.5 or 5 times a power of ten, for readable ticks."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.3g}"


def wants_log(values: list[float]) -> bool:
    positive = [v for v in values if v > 0]
    return len(positive) > 1 and max(positive) / min(positive) > LOG_SPREAD


class _Axis:
    """Value -> share of the plot's length, linear from 0 or logarithmic over whole decades."""

    def __init__(self, values: list[float], log: bool) -> None:
        positive = [v for v in values if v > 0]
        self.log = log and bool(positive)
        if self.log:
            self.low = math.floor(math.log10(min(positive)))
            self.high = max(math.ceil(math.log10(max(positive))), self.low + 1)
            self.ticks = [10.0**power for power in range(self.low, self.high + 1)]
        else:
            top = nice_ceiling(max(values, default=0.0))
            self.ticks = [top * tick / TICKS for tick in range(TICKS + 1)]

    def share(self, value: float) -> float:
        if not self.log:
            return value / self.ticks[-1]
        if value <= 0:
            return 0.0
        return max(0.0, (math.log10(value) - self.low) / (self.high - self.low))


def _open(title: str, width: float, height: float, series_names: list[str], css_class: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css_class}" width="{width:.0f}" '
        f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
        f'aria-label="{escape(title)}" data-series="{escape(",".join(series_names))}">',
        f"<title>{escape(title)}</title>",
    ]


def _legend(names: list[str], x: float, y: float, dashed: list[bool] | None = None) -> list[str]:
    parts, left = [], x
    for index, name in enumerate(names):
        color = PALETTE[index % len(PALETTE)]
        dash = ' stroke-dasharray="4 3"' if dashed and dashed[index] else ""
        parts.append(f'<line x1="{left}" y1="{y - 4}" x2="{left + 14}" y2="{y - 4}" stroke="{color}" '
                     f'stroke-width="3"{dash}/>')  # fmt: skip
        parts.append(f'<text x="{left + 18}" y="{y}" class="legend">{escape(name)}</text>')
        left += 34 + 6.5 * len(name)  # the name's width at 11px, roughly, and a gap
    return parts


def bar_chart(title: str, labels: list[str], series: list[Series], unit: str, log: bool | None = None) -> str:
    """One group of bars per label, one bar per series; log=None decides by the values' spread."""
    values = [v for s in series for v in s.values if v is not None]
    axis = _Axis(values, wants_log(values) if log is None else log)
    group_height = len(series) * BAR_HEIGHT + GROUP_GAP
    height = TOP + len(labels) * group_height + BOTTOM
    width = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH
    scale = "log scale" if axis.log else "linear scale"
    parts = _open(f"{title} ({unit}, {scale})", width, height, [s.name for s in series], "bars")
    parts.append(f'<text x="0" y="16" class="chart-title">{escape(title)} ({escape(unit)}, {scale})</text>')
    if len(series) > 1:
        parts += _legend([s.name for s in series], LABEL_WIDTH, 36)
    plot_bottom = height - BOTTOM
    for tick in axis.ticks:
        x = LABEL_WIDTH + PLOT_WIDTH * axis.share(tick)
        parts.append(f'<line x1="{x:.1f}" y1="{TOP - 4}" x2="{x:.1f}" y2="{plot_bottom}" class="grid"/>')
        parts.append(f'<text x="{x:.1f}" y="{plot_bottom + 16}" class="tick">{number(tick)}</text>')
    for row, label in enumerate(labels):
        group_top = TOP + row * group_height
        label_y = group_top + len(series) * BAR_HEIGHT / 2 + 4
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{label_y:.1f}" class="label">{escape(label)}</text>')
        for index, item in enumerate(series):
            value = item.values[row]
            if value is None:
                continue
            y = group_top + index * BAR_HEIGHT
            bar = PLOT_WIDTH * axis.share(value)
            color = PALETTE[index % len(PALETTE)]
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{bar:.1f}" height="{BAR_HEIGHT - 2}" fill="{color}" '
                f'class="bar" data-series="{escape(item.name)}" data-label="{escape(label)}" data-value="{value:g}">'
                f"<title>{escape(label)}, {escape(item.name)}: {number(value)} {escape(unit)}</title></rect>"
            )
            parts.append(
                f'<text x="{LABEL_WIDTH + bar + 4:.1f}" y="{y + BAR_HEIGHT - 3}" class="value">{number(value)}</text>'
            )
    parts.append("</svg>")
    return "\n".join(parts)


def line_chart(title: str, lines: list[Line], x_unit: str, y_unit: str, width: int = 320, height: int = 150) -> str:
    """Lines over a numeric x axis, y from 0; a legend when there is more than one."""
    left, right, top, bottom = 52, 24, 30 + (14 if len(lines) > 1 else 0), 30
    xs = [x for line in lines for x, _ in line.points]
    ys = [y for line in lines for _, y in line.points if y is not None]
    x_low, x_high = (min(xs), max(xs)) if xs else (0.0, 1.0)
    x_span = (x_high - x_low) or 1.0
    y_top = nice_ceiling(max(ys, default=0.0))
    plot_w, plot_h = width - left - right, height - top - bottom

    def at(x: float, y: float) -> str:
        return f"{left + plot_w * (x - x_low) / x_span:.1f},{top + plot_h * (1 - y / y_top):.1f}"

    parts = _open(f"{title} ({y_unit} by {x_unit})", width, height, [line.name for line in lines], "lines")
    parts.append(f'<text x="0" y="14" class="chart-title">{escape(title)}</text>')
    if len(lines) > 1:
        parts += _legend([line.name for line in lines], left, 34, [line.dashed for line in lines])
    for share in (0, 0.5, 1):
        y = top + plot_h * (1 - share)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" class="grid"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" class="label">{number(y_top * share)}</text>')
    for x in (x_low, x_high):
        parts.append(f'<text x="{left + plot_w * (x - x_low) / x_span:.1f}" y="{height - 14}" class="tick">'
                     f"{number(x)}</text>")  # fmt: skip
    parts.append(f'<text x="{left + plot_w / 2:.0f}" y="{height - 2}" class="tick">{escape(x_unit)}</text>')
    parts.append(f'<text x="0" y="{top - 6}" class="legend">{escape(y_unit)}</text>')
    for index, line in enumerate(lines):
        color = PALETTE[index % len(PALETTE)]
        dash = ' stroke-dasharray="5 3"' if line.dashed else ""
        runs: list[list[str]] = [[]]
        for x, y in line.points:
            if y is None:
                runs.append([])
            else:
                runs[-1].append(at(x, y))
        for run in (r for r in runs if r):
            if len(run) > 1:
                tag, shape = "polyline", f'points="{" ".join(run)}" fill="none" stroke="{color}" stroke-width="2"{dash}'
            else:  # one point alone: a dot
                cx, cy = run[0].split(",")
                tag, shape = "circle", f'cx="{cx}" cy="{cy}" r="3" fill="{color}"'
            parts.append(f'<{tag} {shape} class="line" data-series="{escape(line.name)}">'
                         f"<title>{escape(line.name)}</title></{tag}>")  # fmt: skip
    parts.append("</svg>")
    return "\n".join(parts)
