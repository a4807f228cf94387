"""The compliance data set: factories in Vietnam, each with published independent
assessments (cycles) of a 250-question instrument, every question answered, the derived
results per compliance point, and the latest published assessment set on each factory.

Rows go in through :func:`bench.datasets.fast_insert.insert_rows` (COPY on PostgreSQL);
nothing is made twice: factories already there (by name prefix) are skipped."""

import datetime
import random
import uuid

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from wagtail.models import Locale

from bench.datasets.fast_insert import analyze, insert_rows

PREFIX = "Bench Factory "
INSTRUMENT_NAME = "Bench Compliance Assessment Tool"


def bench_instrument(questions: int = 250):
    from compliance.models import InstrumentVersion, Question
    from lms.taxonomy.models import CompliancePoint

    instrument = InstrumentVersion.objects.canonical().filter(name=INSTRUMENT_NAME).first()
    if instrument:
        return instrument
    points = list(CompliancePoint.objects.canonical().order_by("cluster__sort_order", "code"))
    instrument = InstrumentVersion.objects.create(
        locale=Locale.get_default(),
        name=INSTRUMENT_NAME,
        number=9000,
        status=InstrumentVersion.Status.ACTIVE,
        frozen_at=timezone.now(),
    )
    Question.objects.bulk_create(
        Question(
            instrument=instrument,
            locale=instrument.locale,
            code=f"B.{i + 1}",
            sort_order=i,
            compliance_point=points[i % len(points)],
            text=f"Does the employer meet requirement {i + 1} of the bench instrument?",
            guidance="Check the records and interview workers.",
            legal_reference="C155, Art. 16",
            options=["yes", "no", "na"],
            non_compliant_options=["no"],
            publicly_reported=i % 9 == 0,
        )
        for i in range(questions)
    )
    return instrument


def compliance_data_build(*, factories: int, cycles: int, questions: int = 250) -> dict:
    from compliance.models import Assessment, Factory, Finding, PointResult
    from lms.accounts.models import Organisation
    from lms.taxonomy.models import Country, Sector

    instrument = bench_instrument(questions)
    asked = list(instrument.questions.values_list("pk", "compliance_point_id", "publicly_reported"))
    clusters = dict(
        instrument.questions.values_list("compliance_point_id", "compliance_point__cluster_id")
    )
    country = Country.objects.canonical().get(code="vn")
    sector = Sector.objects.canonical().get(code="garment")
    existing = Organisation.objects.filter(name__startswith=PREFIX).count()
    if existing >= factories:
        return {"factories": existing}
    numbers = range(existing + 1, factories + 1)
    insert_rows(
        Organisation,
        ["name", "country", "sector", "city"],
        ((f"{PREFIX}{n:05d}", country.pk, sector.pk, "Ho Chi Minh City") for n in numbers),
        kind=Organisation.Kind.FACTORY,
    )
    organisations = dict(
        Organisation.objects.filter(name__startswith=PREFIX)
        .exclude(factory__isnull=False)
        .values_list("name", "pk")
    )
    insert_rows(
        Factory,
        ["organisation", "legal_name", "address", "registry_id", "workers_women", "workers_men"],
        (
            (
                pk,
                f"{name} Co., Ltd.",
                f"{name[-5:]} Industrial Road",
                f"VNBENCH{name[-5:]}",
                800,
                200,
            )
            for name, pk in organisations.items()
        ),
    )
    new_factories = list(
        Factory.objects.filter(organisation_id__in=organisations.values()).values_list(
            "pk", flat=True
        )
    )
    start = datetime.date(2021, 3, 1)
    published_at = timezone.now()
    insert_rows(
        Assessment,
        ["factory", "cycle", "starts_on", "ends_on", "submitted_at", "published_at"],
        (
            (
                factory_id,
                cycle,
                start.replace(year=start.year + cycle - 1),
                start.replace(year=start.year + cycle - 1, day=2),
                published_at,
                published_at,
            )
            for factory_id in new_factories
            for cycle in range(1, cycles + 1)
        ),
        instrument=instrument.pk,
        kind=Assessment.Kind.INDEPENDENT,
        state=Assessment.State.PUBLISHED,
        announced=False,
    )
    assessments = list(
        Assessment.objects.filter(factory_id__in=new_factories).values_list("pk", "cycle")
    )
    rng = random.Random(20261202)
    answered_at = timezone.now()
    results: dict[tuple[int, int], list[int]] = {}

    def findings():
        for assessment_id, cycle in assessments:
            rate = 0.12 / cycle
            for question_id, point_id, public in asked:
                wrong = rng.random() < rate
                tally = results.setdefault((assessment_id, point_id), [0, 0, 0])
                tally[0] += 1
                tally[1] += wrong
                tally[2] += wrong and public
                yield (
                    assessment_id,
                    question_id,
                    "no" if wrong else "yes",
                    wrong,
                    uuid.uuid4(),
                    answered_at,
                )

    insert_rows(
        Finding,
        ["assessment", "question", "answer", "is_non_compliant", "client_id", "answered_at"],
        findings(),
        version=1,
        notes="",
    )
    insert_rows(
        PointResult,
        [
            "assessment",
            "compliance_point",
            "cluster",
            "questions_answered",
            "questions_non_compliant",
            "publicly_reported_non_compliant",
        ],
        (
            (assessment_id, point_id, clusters[point_id], *tally)
            for (assessment_id, point_id), tally in results.items()
        ),
    )
    latest = (
        Assessment.objects.filter(factory=OuterRef("pk"), state=Assessment.State.PUBLISHED)
        .order_by("-starts_on", "-pk")
        .values("pk")[:1]
    )
    Factory.objects.filter(pk__in=new_factories).update(latest_published=Subquery(latest))
    analyze(Organisation, Factory, Assessment, Finding, PointResult)
    return {"factories": factories, "assessments": len(assessments)}


def monthly_figures_build(*, years: int = 5, last_year: int = 2025) -> dict:
    """Monthly figures for every bench factory over ``years`` calendar years up to
    ``last_year``: efficiency improving a little each year, defects and absenteeism
    falling, with noise; months already there are skipped (a factory with figures is
    complete)."""
    from compliance.models import Factory, MonthlyFigures

    factories = list(
        Factory.objects.filter(organisation__name__startswith=PREFIX)
        .exclude(monthly_figures__isnull=False)
        .values_list("pk", flat=True)
    )
    first_year = last_year - years + 1
    rng = random.Random(20261203)

    def rows():
        for factory_id in factories:
            base = rng.uniform(55, 75)
            for year in range(first_year, last_year + 1):
                trend = year - first_year
                for month in range(1, 13):
                    yield (
                        factory_id,
                        datetime.date(year, month, 1),
                        800,
                        200,
                        round(min(150.0, base + 2 * trend + rng.uniform(-4, 4)), 2),
                        round(max(0.0, 4.5 - 0.5 * trend + rng.uniform(-1, 1)), 2),
                        round(max(0.0, 5.0 - 0.4 * trend + rng.uniform(-1, 1)), 2),
                        round(max(0.0, 4.0 + rng.uniform(-1.5, 1.5)), 2),
                        round(max(0.0, 24 - trend + rng.uniform(-5, 5)), 1),
                        rng.choice((0, 0, 0, 1)),
                    )

    count = insert_rows(
        MonthlyFigures,
        [
            "factory",
            "month",
            "employees_women",
            "employees_men",
            "efficiency_percent",
            "defect_percent",
            "absenteeism_percent",
            "turnover_percent",
            "overtime_hours_per_worker",
            "lost_time_accidents",
        ],
        rows(),
        employees_other=0,
    )
    analyze(MonthlyFigures)
    return {"factories": len(factories), "rows": count}
