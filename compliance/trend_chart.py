"""The country trend chart of the public and social partners' pages: the share of factories
non-compliant on at least one publicly reported issue, year by year, drawn on the server as
SVG (no script; the same figures are in a table next to it) and mirrored for right-to-left
languages, like the factory figures chart (compliance/indicators.py)."""

from dataclasses import dataclass, field

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 24, 24, 36


@dataclass
class TrendPoint:
    x: str
    y: str
    label: str  # the percentage, printed above the dot
    year: str


@dataclass
class TrendChart:
    width: int = WIDTH
    height: int = HEIGHT
    line: str = ""
    points: list[TrendPoint] = field(default_factory=list)
    ticks: list[tuple[str, str, str]] = field(default_factory=list)  # y, label, label x
    plot_left: str = str(LEFT)
    plot_right: str = str(WIDTH - RIGHT)
    plot_bottom: str = str(HEIGHT - BOTTOM)
    rtl: bool = False


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def trend_chart(rows: list[dict], *, rtl: bool = False) -> TrendChart | None:
    """``rows``: ``{"year", "rate"}`` oldest first. ``None`` without data."""
    if not rows:
        return None
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    count = len(rows)

    def x_of(index: int) -> float:
        x = LEFT + (plot_width / 2 if count == 1 else index * plot_width / (count - 1))
        return WIDTH - x if rtl else x

    def y_of(rate: float) -> float:
        return TOP + plot_height - rate * plot_height / 100

    chart = TrendChart(rtl=rtl)
    for index, row in enumerate(rows):
        chart.points.append(
            TrendPoint(
                x=_fmt(x_of(index)),
                y=_fmt(y_of(row["rate"])),
                label=f"{row['rate']}%",
                year=str(row["year"]),
            )
        )
    chart.line = " ".join(f"{p.x},{p.y}" for p in chart.points)
    label_x = WIDTH - LEFT + 6 if rtl else LEFT - 6
    chart.ticks = [(_fmt(y_of(value)), f"{value}%", str(label_x)) for value in (0, 25, 50, 75, 100)]
    if rtl:
        chart.plot_left, chart.plot_right = str(RIGHT), str(WIDTH - LEFT)
    return chart
