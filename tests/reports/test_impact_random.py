"""The impact indicators rewritten for speed give the figures of their first definition, on
random data: random factories in two countries, random assessments of every kind and state
over several cycles and years, random results per compliance point. The first definitions
are kept here, word for word, as the reference."""

import datetime as dt
import random

import pytest
from django.db.models import Count, F

from compliance.models import Assessment, PointResult
from lms.reports.filters import ReportFilters
from lms.reports.impact import (
    NON_COMPLIANT,
    PUBLIC_NON_COMPLIANT,
    _in_period,
    _official,
    compliance_by_cycle,
    factories_q,
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
