"""Quality and productivity indicators: a factory's monthly figures (recorded once per month,
sending the form again corrects that month), and a line chart of them over time with the
factory's published assessments marked, so a factory sees whether compliance and productivity
move together.

The chart's geometry is worked out here as strings with a dot as the decimal mark; the
template only draws it. For a right-to-left language the chart is mirrored (time runs from
right to left), like :mod:`lms.reports.charts`."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compliance.models import Assessment, Factory, MonthlyFigures

FIGURE_FIELDS = (
    "employees_women",
    "employees_men",
    "employees_other",
    "turnover_percent",
    "absenteeism_percent",
    "overtime_hours_per_worker",
    "efficiency_percent",
    "defect_percent",
    "lost_time_accidents",
)
# The series drawn (all percentages, one axis); the rest are in the table under the chart.
CHARTED = (
    ("efficiency_percent", _("Efficiency %"), "#1f5f8b"),
    ("defect_percent", _("Defect or rework rate %"), "#e07b00"),
    ("absenteeism_percent", _("Absenteeism %"), "#3c8d2f"),
    ("turnover_percent", _("Turnover %"), "#8b1f5f"),
)
MONTHS_SHOWN = 36


def month_start(value: datetime.date) -> datetime.date:
    return value.replace(day=1)


@transaction.atomic
def figures_record(*, factory: Factory, month: datetime.date, user, **values) -> MonthlyFigures:
    """Record (or correct) the figures of one month. Values that cannot be true are refused
    with the reason, naming the field; nothing is stored then."""
    if month is None:
        raise ValidationError({"month": _("Give the month.")})
    month = month_start(month)
    if month > month_start(timezone.localdate()):
        raise ValidationError(
            {"month": _("Figures are recorded after the month: this month is in the future.")}
        )
    unknown = set(values) - set(FIGURE_FIELDS)
    if unknown:
        raise TypeError(f"unknown figures: {sorted(unknown)}")
    figures = MonthlyFigures.objects.select_for_update().filter(
        factory=factory, month=month
    ).first() or MonthlyFigures(factory=factory, month=month)
    for name, value in values.items():
        setattr(figures, name, value)
    figures.recorded_by = user
    figures.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            figures.save()
    except IntegrityError:
        # The same month sent twice at once: the other request stored it; correct that row.
        figures.pk = MonthlyFigures.objects.get(factory=factory, month=month).pk
        figures.save(force_update=True)
    return figures


# --- the chart -------------------------------------------------------------------------------

WIDTH = 640
HEIGHT = 280
LEFT = 44
RIGHT = 16
TOP = 44
BOTTOM = 36


@dataclass
class Series:
    key: str
    label: str
    colour: str
    segments: list[str] = field(default_factory=list)  # polyline "x,y x,y" strings
    dots: list[tuple[str, str, str]] = field(default_factory=list)  # x, y, shown value
    legend_x: str = "0"
    legend_text_x: str = "0"


@dataclass
class Marker:
    x: str
    label: str
    label_x: str


@dataclass
class Tick:
    y: str
    label: str
    label_x: str


@dataclass
class MonthLabel:
    x: str
    label: str


@dataclass
class LineChart:
    width: int
    height: int
    series: list[Series]
    markers: list[Marker]
    ticks: list[Tick]
    months: list[MonthLabel]
    plot_left: str
    plot_right: str
    plot_top: str
    plot_bottom: str
    rtl: bool = False


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def _shown(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _month_index(value: datetime.date) -> int:
    return value.year * 12 + value.month - 1


def figures_chart(
    *, figures: list[MonthlyFigures], assessments: list[Assessment], rtl: bool = False
) -> LineChart | None:
    """A line per charted figure over the months recorded, with a dashed line at each
    published assessment (labelled with its non-compliant points when known); ``None``
    without figures."""
    figures = sorted(figures, key=lambda f: f.month)[-MONTHS_SHOWN:]
    if not figures:
        return None
    first, last = _month_index(figures[0].month), _month_index(figures[-1].month)
    span = max(last - first, 1)
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    largest = max(
        (
            float(getattr(f, key))
            for f in figures
            for key, _label, _colour in CHARTED
            if getattr(f, key) is not None
        ),
        default=0.0,
    )
    top_value = max(100.0, (int(largest) // 25 + 1) * 25.0 if largest > 100 else 100.0)

    def x_of(month: datetime.date) -> float:
        return LEFT + (_month_index(month) - first) * plot_width / span

    def y_of(value: float) -> float:
        return TOP + plot_height - value * plot_height / top_value

    series = []
    for number, (key, label, colour) in enumerate(CHARTED):
        line = Series(
            key=key,
            label=str(label),
            colour=colour,
            legend_x=str(LEFT + number * 148),
            legend_text_x=str(LEFT + number * 148 + 16),
        )
        run: list[str] = []
        previous = None
        for item in figures:
            value = getattr(item, key)
            index = _month_index(item.month)
            if value is None or (previous is not None and index != previous + 1):
                # A missing month breaks the line rather than drawing across it.
                if len(run) > 1:
                    line.segments.append(" ".join(run))
                run = []
            if value is not None:
                x, y = x_of(item.month), y_of(float(value))
                run.append(f"{_fmt(x)},{_fmt(y)}")
                line.dots.append((_fmt(x), _fmt(y), _shown(value)))
            previous = index
        if len(run) > 1:
            line.segments.append(" ".join(run))
        series.append(line)

    markers = []
    for assessment in assessments:
        month = month_start(assessment.starts_on)
        if not figures[0].month <= month <= figures[-1].month:
            continue
        x = x_of(month)
        points = getattr(assessment, "non_compliant_points", None)
        if points is None:
            label = str(_("Assessment %(date)s") % {"date": f"{month:%Y-%m}"})
        else:
            label = str(
                _("Assessment %(date)s: %(count)s points non-compliant")
                % {"date": f"{month:%Y-%m}", "count": points}
            )
        markers.append(Marker(x=_fmt(x), label=label, label_x=_fmt(x + 4)))

    ticks = [
        Tick(y=_fmt(y_of(value)), label=f"{int(value)}", label_x=str(LEFT - 6))
        for value in (0, top_value / 4, top_value / 2, 3 * top_value / 4, top_value)
    ]
    step = max(1, len(figures) // 6)
    months = [
        MonthLabel(x=_fmt(x_of(item.month)), label=f"{item.month:%Y-%m}")
        for item in figures[::step]
    ]
    chart = LineChart(
        width=WIDTH,
        height=HEIGHT,
        series=series,
        markers=markers,
        ticks=ticks,
        months=months,
        plot_left=str(LEFT),
        plot_right=str(WIDTH - RIGHT),
        plot_top=str(TOP),
        plot_bottom=str(HEIGHT - BOTTOM),
    )
    return _mirror(chart) if rtl else chart


def _mirror(chart: LineChart) -> LineChart:
    """The chart seen in a mirror: every x becomes ``width - x``; with the SVG's
    ``direction="rtl"`` each text is anchored at its right edge, so it reads from there."""

    def flip(x: str, width: float = 0) -> str:
        return _fmt(chart.width - float(x) - width)

    for line in chart.series:
        line.segments = [
            " ".join(f"{flip(pair.split(',')[0])},{pair.split(',')[1]}" for pair in segment.split())
            for segment in line.segments
        ]
        line.dots = [(flip(x), y, shown) for x, y, shown in line.dots]
        line.legend_x = flip(line.legend_x, 12)
        line.legend_text_x = flip(line.legend_text_x)
    for marker in chart.markers:
        marker.x = flip(marker.x)
        marker.label_x = flip(marker.label_x)
    for tick in chart.ticks:
        tick.label_x = flip(tick.label_x)
    for month in chart.months:
        month.x = flip(month.x)
    chart.plot_left, chart.plot_right = flip(chart.plot_right), flip(chart.plot_left)
    chart.rtl = True
    return chart
