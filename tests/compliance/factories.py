"""Factories for the compliance room: factories (enterprises), instrument versions with their
questions, assessments, findings, committees, plans, visits and monthly figures."""

import datetime
import uuid
from decimal import Decimal

import factory
from django.utils import timezone
from wagtail.models import Locale

from compliance import services
from compliance.models import (
    AdvisoryVisit,
    Assessment,
    CommitteeMember,
    Factory,
    ImprovementPlan,
    InstrumentVersion,
    MonthlyFigures,
    PlanAction,
    Question,
)
from lms.taxonomy.models import CompliancePoint
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.taxonomy.factories import country


class FactoryFactory(factory.django.DjangoModelFactory):
    """A factory (the enterprise profile of an organisation)."""

    class Meta:
        model = Factory
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    legal_name = factory.LazyAttribute(lambda f: f"{f.organisation.name} Co., Ltd.")
    address = factory.Sequence(lambda n: f"{n} Industrial Road")
    products = "Knitwear"
    workers_women = 780
    workers_men = 220

    @factory.post_generation
    def advisors(self, create, extracted, **kwargs):
        if create and extracted:
            self.advisors.set(extracted)


def factory_in(code: str = "vn", **kwargs) -> Factory:
    return FactoryFactory(organisation=OrganisationFactory(country=country(code)), **kwargs)


class InstrumentVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InstrumentVersion

    locale = factory.LazyFunction(Locale.get_default)
    name = factory.Sequence(lambda n: f"Compliance Assessment Tool {n}")
    country = None
    number = factory.Sequence(lambda n: n + 100)
    status = InstrumentVersion.Status.ACTIVE


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    instrument = factory.SubFactory(InstrumentVersionFactory)
    locale = factory.LazyAttribute(lambda q: q.instrument.locale)
    code = factory.Sequence(lambda n: f"Q.{n}")
    sort_order = factory.Sequence(lambda n: n)
    compliance_point = factory.LazyFunction(
        lambda: CompliancePoint.objects.canonical().get(code="child-labourers")
    )
    text = factory.Sequence(lambda n: f"Does the employer comply with requirement {n}?")
    guidance = "Check the records and interview workers."
    legal_reference = "C138, Art. 2"
    options = factory.LazyFunction(lambda: ["yes", "no", "na"])
    non_compliant_options = factory.LazyFunction(lambda: ["no"])


def instrument_with_questions(
    count: int = 6, *, points=("child-labourers", "coercion", "regular-hours"), **kwargs
) -> InstrumentVersion:
    """A version in use with ``count`` questions spread over ``points`` (codes); every
    third question is publicly reported."""
    instrument = InstrumentVersionFactory(**kwargs)
    terms = {p.code: p for p in CompliancePoint.objects.canonical().filter(code__in=points)}
    Question.objects.bulk_create(
        Question(
            instrument=instrument,
            locale=instrument.locale,
            code=f"Q.{i + 1}",
            sort_order=i,
            compliance_point=terms[points[i % len(points)]],
            text=f"Does the employer comply with requirement {i + 1}?",
            legal_reference="C138, Art. 2",
            options=["yes", "no", "na"],
            non_compliant_options=["no"],
            publicly_reported=i % 3 == 0,
        )
        for i in range(count)
    )
    return instrument


def assessment(
    factory_=None, *, instrument=None, kind=Assessment.Kind.INDEPENDENT, assessors=None, **kwargs
) -> Assessment:
    """A draft assessment made through the service (so its version is frozen)."""
    factory_ = factory_ or FactoryFactory()
    instrument = instrument or instrument_with_questions()
    if assessors is None:
        assessors = [UserFactory(roles=["enterprise_advisor"]) for _ in range(2)]
    kwargs.setdefault("starts_on", datetime.date(2026, 3, 10))
    return services.assessment_create(
        factory=factory_, instrument=instrument, kind=kind, assessors=assessors, **kwargs
    )


def answer_all(assessment_: Assessment, *, non_compliant_codes=(), user=None) -> None:
    """Answer every question asked: "no" (non-compliant) for the codes given, else "yes"."""
    user = user or assessment_.assessors.first()
    for question in services.assessment_questions(assessment=assessment_):
        services.finding_answer(
            assessment=assessment_,
            question=question,
            answer="no" if question.code in non_compliant_codes else "yes",
            client_id=uuid.uuid4(),
            base_version=0,
            user=user,
        )


def published_assessment(factory_=None, *, non_compliant_codes=(), reviewer=None, **kwargs):
    """An assessment taken through the whole workflow to published."""
    item = assessment(factory_, **kwargs)
    answer_all(item, non_compliant_codes=non_compliant_codes)
    services.assessment_submit(assessment=item, user=item.assessors.first())
    reviewer = reviewer or UserFactory(roles=["global_admin"])
    services.assessment_review_start(assessment=item, user=reviewer)
    services.assessment_publish(assessment=item, user=reviewer)
    return item


class CommitteeMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitteeMember

    name = factory.Sequence(lambda n: f"Committee member {n}")
    side = CommitteeMember.Side.WORKERS
    gender = CommitteeMember.Gender.WOMAN
    position = "Sewing operator"
    # Last: the field's name hides the factory_boy module in the class body.
    factory = factory.SubFactory(FactoryFactory)


class ImprovementPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImprovementPlan

    title = "Improvement plan 2026"
    # Last: the field's name hides the factory_boy module in the class body.
    factory = factory.SubFactory(FactoryFactory)


class PlanActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanAction

    plan = factory.SubFactory(ImprovementPlanFactory)
    description = "Keep the emergency exits clear and unlocked during working hours."
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))


class AdvisoryVisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdvisoryVisit

    advisor = factory.SubFactory(UserFactory, roles=["enterprise_advisor"])
    visited_on = datetime.date(2026, 5, 4)
    notes = "Reviewed the fire-safety actions with the committee."
    # Last: the field's name hides the factory_boy module in the class body.
    factory = factory.SubFactory(FactoryFactory)


class MonthlyFiguresFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonthlyFigures

    month = factory.Sequence(lambda n: datetime.date(2025 + n // 12, n % 12 + 1, 1))
    employees_women = 780
    employees_men = 220
    turnover_percent = Decimal("3.5")
    absenteeism_percent = Decimal("4.0")
    overtime_hours_per_worker = Decimal("22.0")
    efficiency_percent = Decimal("68.0")
    defect_percent = Decimal("2.5")
    lost_time_accidents = 1
    # Last: the field's name hides the factory_boy module in the class body.
    factory = factory.SubFactory(FactoryFactory)
