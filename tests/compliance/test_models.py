"""The compliance models' own rules: validation of questions, figures, enrolments and
profiles, the constraints that keep one row per answer, and freezing a used version."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from compliance.models import (
    BuyerLink,
    Evidence,
    Finding,
    ProgrammeEnrolment,
    Question,
)
from lms.taxonomy.models import CompliancePoint, Sector
from tests.compliance.factories import (
    FactoryFactory,
    MonthlyFiguresFactory,
    QuestionFactory,
    answer_all,
    assessment,
    instrument_with_questions,
)

pytestmark = pytest.mark.django_db


def test_the_programme_sectors_and_at_least_forty_points_are_in_the_taxonomy():
    codes = set(Sector.objects.canonical().values_list("code", flat=True))
    assert {
        "textile-apparel",
        "agribusiness",
        "light-manufacturing",
        "transport",
        "construction",
        "electronics",
    } <= codes
    assert CompliancePoint.objects.canonical().count() >= 40


def test_a_question_must_offer_known_answers_and_name_a_non_compliant_one():
    question = QuestionFactory.build(
        instrument=QuestionFactory().instrument, options=["yes", "maybe"]
    )
    with pytest.raises(ValidationError) as error:
        question.full_clean()
    assert "options" in error.value.message_dict

    question.options = ["yes", "no"]
    question.non_compliant_options = []
    with pytest.raises(ValidationError) as error:
        question.full_clean()
    assert "non_compliant_options" in error.value.message_dict

    question.non_compliant_options = ["yes", "no"]
    with pytest.raises(ValidationError, match="compliant"):
        question.full_clean()

    question.non_compliant_options = ["no"]
    question.full_clean()


def test_a_used_version_refuses_changed_and_new_questions_but_keeps_its_status_editable():
    item = assessment()
    instrument = item.instrument
    assert instrument.is_frozen

    question = instrument.questions.first()
    question.text = "Something else"
    with pytest.raises(ValidationError, match="make a new version"):
        question.full_clean()

    new = QuestionFactory.build(instrument=instrument, locale=instrument.locale, code="NEW.1")
    with pytest.raises(ValidationError, match="make a new version"):
        new.full_clean()

    instrument.name = "Renamed"
    with pytest.raises(ValidationError, match="make a new version"):
        instrument.full_clean()
    instrument.refresh_from_db()
    instrument.status = instrument.Status.RETIRED
    instrument.full_clean()


def test_an_unused_version_may_still_change():
    instrument = instrument_with_questions(2)
    question = instrument.questions.first()
    question.text = "Are all workers at least 15 years old?"
    question.full_clean()


def test_one_finding_per_question_per_assessment():
    item = assessment()
    answer_all(item)
    existing = Finding.objects.filter(assessment=item).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Finding.objects.create(
            assessment=item,
            question=existing.question,
            answer="yes",
            client_id=uuid.uuid4(),
            answered_at=existing.answered_at,
        )


def test_question_codes_are_unique_within_a_version():
    question = QuestionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.create(
            instrument=question.instrument,
            locale=question.locale,
            code=question.code,
            compliance_point=question.compliance_point,
            text="Duplicate",
            legal_reference="C182",
            options=["yes", "no"],
            non_compliant_options=["no"],
        )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("turnover_percent", Decimal("140"), "above 100%"),
        ("absenteeism_percent", Decimal("-1"), "below 0%"),
        ("overtime_hours_per_worker", Decimal("300"), "120 overtime hours"),
        ("efficiency_percent", Decimal("180"), "150%"),
        ("defect_percent", Decimal("101"), "above 100%"),
    ],
)
def test_implausible_monthly_figures_are_refused_with_the_reason(field, value, message):
    figures = MonthlyFiguresFactory.build(factory=FactoryFactory(), **{field: value})
    with pytest.raises(ValidationError) as error:
        figures.full_clean()
    assert message in " ".join(error.value.message_dict[field])


def test_monthly_figures_are_for_the_first_of_a_month_and_accidents_fit_the_workforce():
    figures = MonthlyFiguresFactory.build(
        factory=FactoryFactory(), month=datetime.date(2026, 2, 14), lost_time_accidents=5000
    )
    with pytest.raises(ValidationError) as error:
        figures.full_clean()
    assert {"month", "lost_time_accidents"} <= error.value.message_dict.keys()


def test_more_migrant_workers_than_workers_is_refused():
    factory = FactoryFactory.build(
        organisation=FactoryFactory().organisation,
        workers_women=10,
        workers_men=0,
        workers_migrant=20,
    )
    with pytest.raises(ValidationError) as error:
        factory.clean()
    assert "workers_migrant" in error.value.message_dict


def test_an_enrolment_takes_only_known_services():
    enrolment = ProgrammeEnrolment(
        factory=FactoryFactory(),
        cycle=1,
        starts_on=datetime.date(2026, 1, 1),
        services=["assessment", "karaoke"],
    )
    with pytest.raises(ValidationError) as error:
        enrolment.full_clean()
    assert "services" in error.value.message_dict
    enrolment.services = ["assessment", "advisory"]
    enrolment.full_clean()
    assert enrolment.get_services_display() == ["Independent assessment", "Advisory services"]


def test_a_buyer_link_needs_an_organisation_or_a_name():
    with pytest.raises(IntegrityError), transaction.atomic():
        BuyerLink.objects.create(factory=FactoryFactory())


def test_evidence_belongs_to_exactly_one_finding_or_action():
    with pytest.raises(IntegrityError), transaction.atomic():
        Evidence.objects.create(
            file="x.png", original_name="x.png", content_type="image/png", size=1
        )
