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


# --- line charts: trends over cycles and years ----------------------------------------------

LINE_HEIGHT = 260
LINE_LEFT = 48
LINE_RIGHT = 24
LINE_TOP = 40
LINE_BOTTOM = 32


@dataclass
class Line:
    label: str
    colour: str
    segments: list[str]  # polylines "x,y x,y": a missing value breaks the line
    dots: list[tuple[str, str, str]]  # x, y, shown value
    legend_x: str
    legend_text_x: str


@dataclass
class AxisLabel:
    x: str
    y: str
    label: str


@dataclass
class LineChart:
    key: str
    title: str
    width: int
    height: int
    lines: list[Line]
    x_labels: list[AxisLabel]
    y_labels: list[AxisLabel]
    plot_left: str
    plot_right: str
    plot_top: str
    plot_bottom: str
    rtl: bool = False


def line_chart(table: Table, *, rtl: bool = False) -> LineChart | None:
    """A line per charted column of ``table`` over its rows (cycles, years: in order, evenly
    spaced), or ``None`` with fewer than two rows; a missing value breaks its line. Mirrored
    for a right-to-left language (time then runs from right to left)."""
    if not table.chart_values or len(table.rows) < 2:
        return None
    labels = {c.key: c.label for c in table.columns}
    rows = table.rows
    values = [_number(row.get(k)) for row in rows for k in table.chart_values]
    largest = max((v for v in values if v is not None), default=0.0)
    top_value = max(1.0, largest * 1.1)
    plot_width = WIDTH - LINE_LEFT - LINE_RIGHT
    plot_height = LINE_HEIGHT - LINE_TOP - LINE_BOTTOM
    step = plot_width / (len(rows) - 1)

    def x_of(index: int) -> float:
        return LINE_LEFT + index * step

    def y_of(value: float) -> float:
        return LINE_TOP + plot_height - value * plot_height / top_value

    lines = []
    for number, key in enumerate(table.chart_values):
        runs: list[list[str]] = [[]]
        dots = []
        for index, row in enumerate(rows):
            value = _number(row.get(key))
            if value is None:
                runs.append([])
                continue
            x, y = x_of(index), y_of(value)
            runs[-1].append(f"{_fmt(x)},{_fmt(y)}")
            dots.append((_fmt(x), _fmt(y), _shown(value)))
        lines.append(
            Line(
                label=labels.get(key, key),
                colour=PALETTE[number % len(PALETTE)],
                segments=[" ".join(run) for run in runs if len(run) > 1],
                dots=dots,
                legend_x=str(LINE_LEFT + number * 150),
                legend_text_x=str(LINE_LEFT + number * 150 + 16),
            )
        )
    x_labels = [
        AxisLabel(
            _fmt(x_of(index)),
            str(LINE_HEIGHT - LINE_BOTTOM + 16),
            str(row.get(table.chart_label, "")),
        )
        for index, row in enumerate(rows)
    ]
    y_labels = [
        AxisLabel(
            str(LINE_LEFT - 6),
            _fmt(y_of(top_value * share) + 4),
            _shown(round(top_value * share, 1)),
        )
        for share in (0, 0.25, 0.5, 0.75, 1)
    ]
    chart = LineChart(
        key=table.key,
        title=table.title,
        width=WIDTH,
        height=LINE_HEIGHT,
        lines=lines,
        x_labels=x_labels,
        y_labels=y_labels,
        plot_left=str(LINE_LEFT),
        plot_right=str(WIDTH - LINE_RIGHT),
        plot_top=str(LINE_TOP),
        plot_bottom=str(LINE_HEIGHT - LINE_BOTTOM),
    )
    return _mirror_lines(chart) if rtl else chart


def _mirror_lines(chart: LineChart) -> LineChart:
    """Every x becomes ``width - x`` (texts are anchored at their right edge under
    ``direction="rtl"``, so they read from there)."""

    def flip(x: str, width: float = 0) -> str:
        return _fmt(chart.width - float(x) - width)

    for line in chart.lines:
        line.segments = [
            " ".join(f"{flip(pair.split(',')[0])},{pair.split(',')[1]}" for pair in segment.split())
            for segment in line.segments
        ]
        line.dots = [(flip(x), y, shown) for x, y, shown in line.dots]
        line.legend_x = flip(line.legend_x, 12)
        line.legend_text_x = flip(line.legend_text_x)
    for label in chart.x_labels:
        label.x = flip(label.x)
    for label in chart.y_labels:
        label.x = flip(label.x)
    chart.plot_left, chart.plot_right = flip(chart.plot_right), flip(chart.plot_left)
    chart.rtl = True
    return chart
