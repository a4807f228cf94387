"""The compliance room under load, on BENCH_COMPLIANCE_FACTORIES factories (default 2,000)
× BENCH_COMPLIANCE_CYCLES published cycles (default 5) × 250 answers: the assessment form
(250 questions, half answered) for an advisor, a factory's page and the country overview
(non-compliance rate per point across the country's factories, latest cycle) for country
staff, who sign in with a password and a TOTP code."""

import datetime
import os
import uuid

from bench.harness import HttpScenario
from bench.scenarios.reports import staff_with_totp

FACTORIES = int(os.environ.get("BENCH_COMPLIANCE_FACTORIES", 2_000))
CYCLES = int(os.environ.get("BENCH_COMPLIANCE_CYCLES", 5))
STAFF = "bench.compliance.staff"
ADVISOR = "bench.compliance.advisor"


def prepare() -> None:
    from bench.datasets.compliance import bench_instrument, compliance_data_build
    from compliance import services
    from compliance.models import Assessment, Factory
    from lms.accounts.models import User
    from lms.taxonomy.models import Country

    compliance_data_build(factories=FACTORIES, cycles=CYCLES)
    vietnam = Country.objects.canonical().get(code="vn")
    staff = staff_with_totp(STAFF, roles=["country_staff"])
    advisor = staff_with_totp(ADVISOR, roles=["enterprise_advisor"])
    User.objects.filter(pk__in=[staff.pk, advisor.pk]).update(country=vietnam)
    factory = _factory()
    factory.advisors.add(advisor)
    if not Assessment.objects.filter(factory=factory, state=Assessment.State.DRAFT).exists():
        draft = services.assessment_create(
            factory=factory,
            instrument=bench_instrument(),
            kind=Assessment.Kind.INDEPENDENT,
            starts_on=datetime.date(2026, 3, 1),
            assessors=[advisor],
            cycle=CYCLES + 1,
        )
        for question in list(draft.instrument.questions.order_by("sort_order"))[::2]:
            services.finding_answer(
                assessment=draft,
                question=question,
                answer="yes",
                client_id=uuid.uuid4(),
                base_version=0,
                user=advisor,
            )
    assert Factory.objects.exists()


def _factory():
    from bench.datasets.compliance import PREFIX
    from compliance.models import Factory

    return Factory.objects.filter(organisation__name__startswith=PREFIX).order_by("pk").first()


def scenarios() -> list[HttpScenario]:
    from compliance.models import Assessment

    factory = _factory()
    draft = Assessment.objects.filter(factory=factory, state=Assessment.State.DRAFT).first()
    return [
        HttpScenario(
            "compliance.assessment_form",
            f"/en/factories/assessments/{draft.pk}/",
            login=ADVISOR,
            requests=40,
            concurrency=2,
        ),
        HttpScenario(
            "compliance.factory_page",
            f"/en/factories/{factory.pk}/",
            login=STAFF,
            requests=60,
            concurrency=2,
        ),
        HttpScenario(
            "compliance.country_overview",
            "/en/factories/countries/vn/",
            login=STAFF,
            requests=20,
            concurrency=2,
        ),
    ]
