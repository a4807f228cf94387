"""Horizontal bar charts drawn as SVG by a template: the geometry is worked out here (as
strings with a dot as the decimal mark, whatever the viewer's locale).

For a right-to-left language the chart is mirrored: labels on the right, bars growing
leftwards, and the SVG's ``direction`` set so each text is anchored at its right edge."""

from dataclasses import dataclass, field
from decimal import Decimal

from lms.reports.selectors import Table

PALETTE = ("#1f5f8b", "#e07b00", "#3c8d2f", "#8b1f5f")
WIDTH = 640
LABEL_WIDTH = 200
VALUE_WIDTH = 60
BAR_HEIGHT = 14
GAP = 10


@dataclass
class Bar:
    x: str
    y: str
    width: str
    height: str
    fill: str
    value: str
    value_x: str
    text_y: str


@dataclass
class Group:
    label: str
    label_x: str
    label_y: str
    bars: list[Bar] = field(default_factory=list)


@dataclass
class Legend:
    label: str
    fill: str
    x: str
    y: str
    text_x: str
    text_y: str


@dataclass
class BarChart:
    key: str
    title: str
    width: int
    height: int
    groups: list[Group]
    legend: list[Legend]
    rtl: bool = False


def _number(value) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | Decimal):
        return float(value)
    return None


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def _shown(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.1f}"


def _mirror(chart: BarChart) -> BarChart:
    """The chart seen in a mirror: every shape's left edge moves to where its right edge
    was; a text's start point (its right edge under ``direction="rtl"``) likewise."""

    def flip(x: str, width: str = "0") -> str:
        return _fmt(chart.width - float(x) - float(width))

    for group in chart.groups:
        group.label_x = flip(group.label_x)
        for bar in group.bars:
            bar.x = flip(bar.x, bar.width)
            bar.value_x = flip(bar.value_x)
    for item in chart.legend:
        item.x = flip(item.x, "12")
        item.text_x = flip(item.text_x)
    chart.rtl = True
    return chart


def bar_chart(table: Table, *, max_groups: int = 20, rtl: bool = False) -> BarChart | None:
    """A grouped bar chart of ``table`` (one bar per charted column in each row), or
    ``None`` when it has nothing to draw; mirrored for a right-to-left language."""
    if not table.chart_values or not table.rows:
        return None
    labels = {c.key: c.label for c in table.columns}
    rows = table.rows[:max_groups]
    largest = max((_number(row.get(k)) or 0 for row in rows for k in table.chart_values), default=0)
    scale = (WIDTH - LABEL_WIDTH - VALUE_WIDTH) / largest if largest else 0
    series = len(table.chart_values)
    legend_height = 24
    group_height = series * BAR_HEIGHT + GAP
    groups = []
    for index, row in enumerate(rows):
        top = legend_height + index * group_height
        group = Group(
            label=str(row.get(table.chart_label, ""))[:32],
            label_x="0",
            label_y=_fmt(top + series * BAR_HEIGHT / 2 + 4),
        )
        for number, key in enumerate(table.chart_values):
            value = _number(row.get(key))
            width = (value or 0) * scale
            y = top + number * BAR_HEIGHT
            group.bars.append(
                Bar(
                    x=str(LABEL_WIDTH),
                    y=_fmt(y),
                    width=_fmt(width),
                    height=str(BAR_HEIGHT - 2),
                    fill=PALETTE[number % len(PALETTE)],
                    value="–" if value is None else _shown(value),
                    value_x=_fmt(LABEL_WIDTH + width + 4),
                    text_y=_fmt(y + BAR_HEIGHT - 4),
                )
            )
        groups.append(group)
    legend = [
        Legend(
            label=labels.get(key, key),
            fill=PALETTE[number % len(PALETTE)],
            x=str(LABEL_WIDTH + number * 160),
            y="4",
            text_x=str(LABEL_WIDTH + number * 160 + 16),
            text_y="15",
        )
        for number, key in enumerate(table.chart_values)
    ]
    chart = BarChart(
        key=table.key,
        title=table.title,
        width=WIDTH,
        height=legend_height + len(rows) * group_height,
        groups=groups,
        legend=legend,
    )
    return _mirror(chart) if rtl else chart
