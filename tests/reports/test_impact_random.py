"""Impact indicators on random data, against references worked out independently here:

* the trend over cycles, rewritten for speed (counted per assessment), against its first
  definition kept word for word (one grouped query with ``COUNT(DISTINCT)``), on random
  factories, assessments of every kind and state over cycles and years, and point results;
* the productivity medians (the database's ``percentile_cont(0.5)`` on PostgreSQL, the
  app's ``LMS_MEDIAN`` on SQLite) against the medians of the factory-months computed in
  Python, on random monthly figures with gaps, missing values, ties and half-way values."""

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.db.models import Count, F

from compliance.models import Assessment, MonthlyFigures, PointResult
from lms.reports.aggregates import median_of
from lms.reports.filters import ReportFilters
from lms.reports.impact import (
    NON_COMPLIANT,
    PUBLIC_NON_COMPLIANT,
    _figures,
    _in_period,
    _official,
    _rounded,
    compliance_by_cycle,
    factories_q,
    impact_tables,
    productivity_by_country,
    productivity_by_year,
)
from lms.reports.selectors import percent
from lms.taxonomy.models import CompliancePoint
from tests.compliance.factories import InstrumentVersionFactory
from tests.reports.test_impact import make_factory, sector
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db


def reference_by_cycle(f: ReportFilters) -> list[dict]:
    """``compliance_by_cycle`` as first written: one grouped query with COUNT(DISTINCT)."""
    rows = (
        PointResult.objects.filter(
            _official("assessment__"),
            _in_period(f, "assessment__starts_on"),
            factories_q(f, "assessment__factory__"),
        )
        .values(cycle=F("assessment__cycle"))
        .annotate(
            factories=Count("assessment_id", distinct=True),
            any_public=Count("assessment_id", distinct=True, filter=PUBLIC_NON_COMPLIANT),
            points=Count("pk", filter=NON_COMPLIANT),
        )
        .order_by("cycle")
    )
    result = []
    for row in rows:
        row["public_rate"] = percent(row["any_public"], row["factories"])
        row["points_per_factory"] = round(row["points"] / row["factories"], 1)
        result.append(row)
    return result


FIGURE_KEYS = [
    "efficiency_percent",
    "defect_percent",
    "absenteeism_percent",
    "turnover_percent",
    "overtime_hours_per_worker",
]


def medians_in_python(f: ReportFilters, group_of) -> list[dict]:
    """The productivity medians worked out here from the factory-months themselves, with
    :func:`median_of` (PostgreSQL's ``percentile_cont(0.5)``), per group."""
    groups: dict = {}
    rows = (
        _figures(f)
        .annotate(code=F(COUNTRY_CODE))
        .values("factory_id", "month", "lost_time_accidents", "code", *FIGURE_KEYS, *EMPLOYED)
    )
    for row in rows:
        group = groups.setdefault(group_of(row), {"factories": set(), "months": 0, "values": {}})
        group["factories"].add(row["factory_id"])
        group["months"] += 1
        for key in FIGURE_KEYS:
            if row[key] is not None:
                group["values"].setdefault(key, []).append(float(row[key]))
        employed = sum(row[key] for key in EMPLOYED)
        if employed > 0 and row["lost_time_accidents"] is not None:
            accidents = 100.0 * row["lost_time_accidents"] / employed
            group["values"].setdefault("accidents_per_100", []).append(accidents)
    result = {}
    for name, group in groups.items():
        result[name] = _rounded(
            {
                "factories": len(group["factories"]),
                "months": group["months"],
                **{
                    key: median_of(group["values"].get(key, []))
                    for key in [*FIGURE_KEYS, "accidents_per_100"]
                },
            }
        )
    return result


COUNTRY_CODE = "factory__organisation__country__code"
EMPLOYED = ("employees_women", "employees_men", "employees_other")


def reference_by_year(f: ReportFilters) -> list[dict]:
    groups = medians_in_python(f, lambda row: row["month"].year)
    return [{"year": year, **groups[year]} for year in sorted(groups)]


def reference_by_country(f: ReportFilters) -> list[dict]:
    groups = medians_in_python(f, lambda row: row["code"])
    return [{"country_code": code, **groups[code]} for code in sorted(groups)]


def random_figures(seed: int, factories: int = 10) -> None:
    """Monthly figures over five years with gaps, missing figures, no employees, and many
    ties and half-way values (where a median's last bit decides the rounding)."""
    rng = random.Random(seed)
    made = [
        make_factory(f"Figures {seed} {n}", rng.choice(["vn", "jo"]), "garment")
        for n in range(factories)
    ]

    def figure(places: int, low: int, high: int):
        if rng.random() < 0.1:
            return None
        step = Decimal(1).scaleb(-places)
        return Decimal(rng.randint(low * 10**places, high * 10**places)) * step

    rows = []
    for factory in made:
        for year in range(2021, 2026):
            for month in rng.sample(range(1, 13), rng.randint(0, 12)):
                nobody = rng.random() < 0.05
                rows.append(
                    MonthlyFigures(
                        factory=factory,
                        month=dt.date(year, month, 1),
                        employees_women=0 if nobody else rng.randint(0, 900),
                        employees_men=0 if nobody else rng.randint(1, 400),
                        employees_other=0 if nobody else rng.randint(0, 3),
                        turnover_percent=figure(2, 0, 9),
                        absenteeism_percent=figure(1, 0, 9),
                        overtime_hours_per_worker=figure(1, 0, 40),
                        efficiency_percent=figure(2, 40, 95),
                        defect_percent=figure(2, 0, 9),
                        lost_time_accidents=None if rng.random() < 0.1 else rng.randint(0, 4),
                    )
                )
    MonthlyFigures.objects.bulk_create(rows)


def random_assessments(seed: int, factories: int = 12) -> None:
    rng = random.Random(seed)
    instrument = InstrumentVersionFactory()
    points = list(CompliancePoint.objects.canonical().select_related("cluster")[:12])
    made = []
    for n in range(factories):
        code = rng.choice(["vn", "jo"])
        made.append(make_factory(f"Random {seed} {n}", code, rng.choice(["garment", "footwear"])))
    results = []
    for factory in made:
        for cycle in range(1, rng.randint(1, 5) + 1):
            assessment = Assessment.objects.create(
                factory=factory,
                instrument=instrument,
                kind=rng.choice([*Assessment.Kind.values, Assessment.Kind.INDEPENDENT]),
                state=rng.choice([*Assessment.State.values, Assessment.State.PUBLISHED]),
                cycle=cycle,
                starts_on=dt.date(2021 + rng.randint(0, 4), rng.randint(1, 12), 1),
            )
            # Some assessments have no result at all; some results no non-compliance.
            for point in rng.sample(points, rng.randint(0, len(points))):
                non_compliant = rng.choice([0, 0, 1, 2, 3])
                results.append(
                    PointResult(
                        assessment=assessment,
                        compliance_point=point,
                        cluster=point.cluster,
                        questions_answered=3,
                        questions_non_compliant=non_compliant,
                        publicly_reported_non_compliant=rng.choice([0, min(non_compliant, 1)]),
                    )
                )
    PointResult.objects.bulk_create(results)


def filter_sets():
    vn = country("vn")
    return [
        ReportFilters(),
        ReportFilters(country=vn),
        ReportFilters(country=vn, sector=sector("garment")),
        ReportFilters(since=dt.date(2022, 6, 1), until=dt.date(2024, 12, 31)),
        ReportFilters(country=country("jo"), since=dt.date(2023, 1, 1)),
    ]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_trend_over_cycles_is_the_first_definitions(seed):
    random_assessments(seed)
    assert PointResult.objects.exists()
    for f in filter_sets():
        expected = reference_by_cycle(f)
        assert compliance_by_cycle(f) == expected
    assert any(reference_by_cycle(f) for f in filter_sets())


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_the_productivity_medians_are_percentile_conts_of_the_factory_months(seed):
    random_figures(seed)
    for f in filter_sets():
        assert productivity_by_year(f) == reference_by_year(f)
        assert productivity_by_country(f) == reference_by_country(f)
    assert len(reference_by_year(ReportFilters())) == 5
    tables = {t.key: t for t in impact_tables(ReportFilters())}
    assert [r["year"] for r in tables["productivity_years"].rows] == [
        str(y) for y in range(2021, 2026)
    ]
    assert tables["productivity_countries"].rows


def test_the_median_is_percentile_conts():
    assert median_of([]) is None
    assert median_of([3.0]) == 3.0
    assert median_of([5.0, 1.0, 3.0]) == 3.0
    assert median_of([4.0, 1.0, 3.0, 2.0]) == 2.5
    # lo + 0.5 * (hi - lo), not (lo + hi) / 2: they differ in the last bit here.
    lo, hi = 0.1, 0.7
    assert (lo + hi) / 2 != lo + 0.5 * (hi - lo)
    assert median_of([hi, lo]) == lo + 0.5 * (hi - lo)
