"""The registry of study outcomes: named functions ``(factory ids, period) -> {factory id:
value}`` (a factory without data in the period is left out, never counted as zero).

Register a new one with :func:`register`; every study, panel export, balance table and
estimate picks it up by its key. Each is a fixed number of queries, whatever the number of
factories.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Avg, Count, F, Max, Q, Sum
from django.utils.translation import gettext_lazy as _

from compliance.models import Assessment, MonthlyFigures, PointResult

Period = tuple[dt.date, dt.date]  # first day, last day (both included)
OutcomeFunction = Callable[[Iterable[int], Period], dict[int, float]]


@dataclass(frozen=True)
class Outcome:
    key: str
    label: str
    unit: str
    definition: str
    function: OutcomeFunction

    def __call__(self, factory_ids, period: Period) -> dict[int, float]:
        return self.function(list(factory_ids), period)


OUTCOMES: dict[str, Outcome] = {}


def register(key: str, *, label, unit, definition):
    def decorator(function: OutcomeFunction) -> OutcomeFunction:
        OUTCOMES[key] = Outcome(key, label, unit, definition, function)
        return function

    return decorator


def outcome_choices() -> list[tuple[str, str]]:
    return [(key, outcome.label) for key, outcome in OUTCOMES.items()]


def year_period(year: int) -> Period:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


@register(
    "non_compliance_rate",
    label=_("Non-compliance rate (%)"),
    unit="%",
    definition=_(
        "Of the compliance points assessed in the factory's latest published assessment that "
        "started in the period, the share with at least one non-compliant answer."
    ),
)
def non_compliance_rate(factory_ids, period: Period) -> dict[int, float]:
    latest = (
        Assessment.objects.filter(
            factory_id__in=factory_ids,
            state=Assessment.State.PUBLISHED,
            starts_on__range=period,
        )
        .values("factory_id")
        .annotate(last=Max("starts_on"))
    )
    last_day = {row["factory_id"]: row["last"] for row in latest}
    rows = (
        PointResult.objects.filter(
            assessment__factory_id__in=factory_ids,
            assessment__state=Assessment.State.PUBLISHED,
            assessment__starts_on__range=period,
            questions_answered__gt=0,
        )
        .values("assessment__factory_id", "assessment__starts_on")
        .annotate(
            points=Count("pk"), non_compliant=Count("pk", filter=Q(questions_non_compliant__gt=0))
        )
    )
    result = {}
    for row in rows:
        factory_id = row["assessment__factory_id"]
        if row["assessment__starts_on"] == last_day.get(factory_id) and row["points"]:
            result[factory_id] = round(100 * row["non_compliant"] / row["points"], 2)
    return result


def _monthly(field, *, aggregate=Avg):
    def compute(factory_ids, period: Period) -> dict[int, float]:
        rows = (
            MonthlyFigures.objects.filter(
                factory_id__in=factory_ids, month__range=period, **{f"{field}__isnull": False}
            )
            .values("factory_id")
            .annotate(value=aggregate(field))
        )
        return {row["factory_id"]: round(float(row["value"]), 2) for row in rows}

    return compute


for _key, _field, _label, _unit in (
    ("efficiency", "efficiency_percent", _("Efficiency (%)"), "%"),
    ("defect_rate", "defect_percent", _("Defect or rework rate (%)"), "%"),
    ("absenteeism", "absenteeism_percent", _("Absenteeism (%)"), "%"),
    ("turnover", "turnover_percent", _("Turnover (% a month)"), "%"),
    ("overtime", "overtime_hours_per_worker", _("Overtime hours per worker a month"), "h"),
):
    register(
        _key,
        label=_label,
        unit=_unit,
        definition=_("The mean of the factory's monthly figures in the period."),
    )(_monthly(_field))


@register(
    "employment",
    label=_("Employment (people)"),
    unit="people",
    definition=_("The mean number of people employed over the months reported in the period."),
)
def employment(factory_ids, period: Period) -> dict[int, float]:
    rows = (
        MonthlyFigures.objects.filter(factory_id__in=factory_ids, month__range=period)
        .values("factory_id")
        .annotate(value=Avg(F("employees_women") + F("employees_men") + F("employees_other")))
    )
    return {row["factory_id"]: round(float(row["value"]), 2) for row in rows}


@register(
    "lost_time_accidents",
    label=_("Lost-time accidents per 1,000 workers"),
    unit="per 1,000",
    definition=_(
        "Lost-time accidents in the months reported in the period, per 1,000 people employed "
        "(summed over those months)."
    ),
)
def lost_time_accidents(factory_ids, period: Period) -> dict[int, float]:
    rows = (
        MonthlyFigures.objects.filter(
            factory_id__in=factory_ids, month__range=period, lost_time_accidents__isnull=False
        )
        .values("factory_id")
        .annotate(
            accidents=Sum("lost_time_accidents"),
            people=Sum(F("employees_women") + F("employees_men") + F("employees_other")),
        )
    )
    return {
        row["factory_id"]: round(1000 * row["accidents"] / row["people"], 3)
        for row in rows
        if row["people"]
    }
