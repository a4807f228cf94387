"""The registry of study outcomes: named functions ``(factory ids, period) -> {factory id:
value}`` (a factory without data in the period is left out, never counted as zero).

Register a new one with :func:`register`; every study, panel export, balance table and
estimate picks it up by its key. Each is a fixed number of queries, whatever the number of
factories. An outcome may also give a *yearly* form, ``(factory ids, years) -> {year:
{factory id: value}}``, the same values for several calendar years in the queries of one
call: a study's page reads every year of the study at once (issue 14: at most ten queries).
The outcomes read from the monthly figures are :class:`MonthlyMeasure` s, registered with
:func:`register_monthly`: :func:`outcomes_for_years` reads all of a study's in one query.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Aggregate, Avg, Count, F, Max, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from compliance.models import Assessment, MonthlyFigures, PointResult

Period = tuple[dt.date, dt.date]  # first day, last day (both included)
OutcomeFunction = Callable[[Iterable[int], Period], dict[int, float]]
YearlyFunction = Callable[[list[int], list[int]], dict[int, dict[int, float]]]


@dataclass(frozen=True)
class Outcome:
    key: str
    label: str
    unit: str
    definition: str
    function: OutcomeFunction
    yearly: YearlyFunction | None = None
    monthly: "MonthlyMeasure | None" = None

    def __call__(self, factory_ids, period: Period) -> dict[int, float]:
        return self.function(list(factory_ids), period)

    def for_years(self, factory_ids, years) -> dict[int, dict[int, float]]:
        """``{year: {factory id: value}}``: what calling the outcome with each calendar
        year's period gives, in the queries of one call when it has a yearly form (a
        monthly measure always has one)."""
        ids, years = list(factory_ids), list(years)
        if not ids or not years:
            return {year: {} for year in years}
        if self.monthly is not None:
            found = monthly_for_years({self.key: self.monthly}, ids, years)[self.key]
        elif self.yearly is not None:
            found = self.yearly(ids, years)
        else:
            return {year: self.function(ids, year_period(year)) for year in years}
        return {year: found.get(year, {}) for year in years}


OUTCOMES: dict[str, Outcome] = {}


def register(key: str, *, label, unit, definition, yearly: YearlyFunction | None = None):
    def decorator(function: OutcomeFunction) -> OutcomeFunction:
        OUTCOMES[key] = Outcome(key, label, unit, definition, function, yearly)
        return function

    return decorator


def register_monthly(key: str, measure: "MonthlyMeasure", *, label, unit, definition) -> None:
    """An outcome read from the factories' monthly figures (both forms from ``measure``)."""
    OUTCOMES[key] = Outcome(key, label, unit, definition, measure.for_period, monthly=measure)


def outcomes_for_years(keys, factory_ids, years) -> dict[str, dict[int, dict[int, float]]]:
    """``{key: outcome.for_years(...)}`` for several outcomes, the monthly measures among
    them read together in one query: a study's page costs the same queries however many
    outcomes it measures (decision 0623)."""
    ids, years = list(factory_ids), list(years)
    outcomes = [OUTCOMES[key] for key in keys]
    measures = {o.key: o.monthly for o in outcomes if o.monthly is not None}
    together = monthly_for_years(measures, ids, years) if measures and ids and years else {}
    return {
        outcome.key: (
            {year: together.get(outcome.key, {}).get(year, {}) for year in years}
            if outcome.key in measures
            else outcome.for_years(ids, years)
        )
        for outcome in outcomes
    }


def outcome_choices() -> list[tuple[str, str]]:
    return [(key, outcome.label) for key, outcome in OUTCOMES.items()]


def year_period(year: int) -> Period:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _years_span(years: list[int]) -> Period:
    return dt.date(min(years), 1, 1), dt.date(max(years), 12, 31)


def _by_year(rows, value, years: list[int]) -> dict[int, dict[int, float]]:
    """Rows with ``factory_id`` and ``year`` gathered by year (years not asked are left
    out); ``value(row)`` None leaves the factory out of that year."""
    wanted, found = set(years), defaultdict(dict)
    for row in rows:
        if row["year"] in wanted and (result := value(row)) is not None:
            found[row["year"]][row["factory_id"]] = result
    return dict(found)


def _non_compliance_rate_yearly(factory_ids, years) -> dict[int, dict[int, float]]:
    """``non_compliance_rate`` for several years in one query: each published assessment
    day of each factory with its points answered and non-compliant (an assessment without
    answered points counts as the latest too, as in the one-period form)."""
    answered = Q(point_results__questions_answered__gt=0)
    days = (
        Assessment.objects.filter(
            factory_id__in=factory_ids,
            state=Assessment.State.PUBLISHED,
            starts_on__range=_years_span(years),
        )
        .values("factory_id", "starts_on")
        .annotate(
            points=Count("point_results", filter=answered),
            non_compliant=Count(
                "point_results",
                filter=answered & Q(point_results__questions_non_compliant__gt=0),
            ),
        )
    )
    latest: dict[tuple[int, int], dict] = {}
    for row in days:
        key = (row["factory_id"], row["starts_on"].year)
        if key not in latest or row["starts_on"] > latest[key]["starts_on"]:
            latest[key] = row
    return _by_year(
        ({"factory_id": f, "year": y, **row} for (f, y), row in latest.items()),
        lambda row: round(100 * row["non_compliant"] / row["points"], 2) if row["points"] else None,
        years,
    )


@register(
    "non_compliance_rate",
    label=_("Non-compliance rate (%)"),
    unit="%",
    definition=_(
        "Of the compliance points assessed in the factory's latest published assessment that "
        "started in the period, the share with at least one non-compliant answer."
    ),
    yearly=_non_compliance_rate_yearly,
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


# People employed in a month, all genders.
_EMPLOYED = F("employees_women") + F("employees_men") + F("employees_other")


@dataclass(frozen=True)
class MonthlyMeasure:
    """An outcome computed from each factory's monthly figures in a period: ``aggregates``
    (name: (aggregate, expression)) over the months that have ``required`` filled in (all
    of them when None), then ``result(row)`` of those aggregates (None leaves the factory
    out)."""

    result: Callable[[dict], float | None]
    aggregates: dict[str, tuple[type[Aggregate], Any]]
    required: str | None = None

    def counted(self) -> Q | None:
        """The months this measure counts (None: every month reported)."""
        return Q(**{f"{self.required}__isnull": False}) if self.required else None

    def for_period(self, factory_ids, period: Period) -> dict[int, float]:
        """The one-period form: the definition the yearly reading is compared with."""
        months = MonthlyFigures.objects.filter(factory_id__in=factory_ids, month__range=period)
        if (counted := self.counted()) is not None:
            months = months.filter(counted)
        aggregates = {name: kind(field) for name, (kind, field) in self.aggregates.items()}
        rows = months.values("factory_id").annotate(**aggregates)
        found = ((row["factory_id"], self.result(row)) for row in rows)
        return {factory_id: figure for factory_id, figure in found if figure is not None}


def monthly_for_years(
    measures: dict[str, MonthlyMeasure], factory_ids, years
) -> dict[str, dict[int, dict[int, float]]]:
    """Several monthly measures for several years in one query, ``{key: {year: {factory
    id: value}}}``: one row per factory and year, each measure's aggregates (and the number
    of its months) restricted to the months it counts, so a factory's year without any of
    them is left out of that measure, as in its one-period form."""
    annotations, aliases = {}, {}
    for number, (key, measure) in enumerate(measures.items()):
        counted = measure.counted()
        annotations[f"m{number}_months"] = Count("pk", filter=counted)
        aliases[key] = (f"m{number}_months", {})
        for name, (kind, expression) in measure.aggregates.items():
            alias = f"m{number}_{name}"
            annotations[alias] = kind(expression, filter=counted)
            aliases[key][1][name] = alias
    rows = list(_months(factory_ids, years).values("factory_id", "year").annotate(**annotations))
    found = {}
    for key, measure in measures.items():
        months, names = aliases[key]
        own = (
            {
                "factory_id": row["factory_id"],
                "year": row["year"],
                **{name: row[alias] for name, alias in names.items()},
            }
            for row in rows
            if row[months]
        )
        found[key] = _by_year(own, measure.result, years)
    return found


def _months(factory_ids, years):
    """The factories' monthly figures in these years, each with its ``year``."""
    return MonthlyFigures.objects.filter(
        factory_id__in=factory_ids, month__range=_years_span(years)
    ).annotate(year=ExtractYear("month"))


def _mean_value(row) -> float:
    return round(float(row["value"]), 2)


for _key, _field, _label, _unit in (
    ("efficiency", "efficiency_percent", _("Efficiency (%)"), "%"),
    ("defect_rate", "defect_percent", _("Defect or rework rate (%)"), "%"),
    ("absenteeism", "absenteeism_percent", _("Absenteeism (%)"), "%"),
    ("turnover", "turnover_percent", _("Turnover (% a month)"), "%"),
    ("overtime", "overtime_hours_per_worker", _("Overtime hours per worker a month"), "h"),
):
    register_monthly(
        _key,
        MonthlyMeasure(_mean_value, {"value": (Avg, _field)}, required=_field),
        label=_label,
        unit=_unit,
        definition=_("The mean of the factory's monthly figures in the period."),
    )

register_monthly(
    "employment",
    MonthlyMeasure(_mean_value, {"value": (Avg, _EMPLOYED)}),
    label=_("Employment (people)"),
    unit="people",
    definition=_("The mean number of people employed over the months reported in the period."),
)


def _per_thousand(row) -> float | None:
    return round(1000 * row["accidents"] / row["people"], 3) if row["people"] else None


register_monthly(
    "lost_time_accidents",
    MonthlyMeasure(
        _per_thousand,
        {"accidents": (Sum, "lost_time_accidents"), "people": (Sum, _EMPLOYED)},
        required="lost_time_accidents",
    ),
    label=_("Lost-time accidents per 1,000 workers"),
    unit="per 1,000",
    definition=_(
        "Lost-time accidents in the months reported in the period, per 1,000 people employed "
        "(summed over those months)."
    ),
)
