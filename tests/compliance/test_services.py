"""The assessment workflow, answers (stale writes refused, retries harmless), derived
results per compliance point, versions and evidence."""

import datetime
import io
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from compliance import services
from compliance.models import (
    Assessment,
    AssessmentEvent,
    Finding,
    FindingWrite,
    InstrumentVersion,
    PointResult,
)
from compliance.signals import assessment_published
from tests.accounts.factories import UserFactory
from tests.compliance.factories import (
    FactoryFactory,
    answer_all,
    assessment,
    instrument_with_questions,
    published_assessment,
)
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db


def _answer(item, question, answer="yes", *, base=0, client_id=None, user=None, notes=""):
    return services.finding_answer(
        assessment=item,
        question=question,
        answer=answer,
        notes=notes,
        client_id=client_id or uuid.uuid4(),
        base_version=base,
        user=user or item.assessors.first(),
    )


# --- workflow ------------------------------------------------------------------------------


def test_an_assessment_goes_from_draft_to_published_and_each_step_is_logged():
    item = assessment()
    staff = UserFactory(roles=["global_admin"])
    answer_all(item, non_compliant_codes={"Q.1"})

    services.assessment_submit(assessment=item, user=item.assessors.first())
    assert item.state == Assessment.State.SUBMITTED
    assert item.submitted_at
    services.assessment_review_start(assessment=item, user=staff)
    assert item.state == Assessment.State.IN_REVIEW
    assert item.reviewer == staff
    services.assessment_publish(assessment=item, user=staff)

    item.refresh_from_db()
    assert item.state == Assessment.State.PUBLISHED
    assert item.published_at
    steps = list(AssessmentEvent.objects.filter(assessment=item).values_list("to_state", flat=True))
    assert steps == ["draft", "submitted", "in_review", "published"]
    item.factory.refresh_from_db()
    assert item.factory.latest_published == item


def test_an_assessment_with_unanswered_questions_cannot_be_submitted():
    item = assessment()
    _answer(item, item.instrument.questions.first())
    with pytest.raises(ValidationError, match="5 questions are not answered"):
        services.assessment_submit(assessment=item, user=item.assessors.first())
    item.refresh_from_db()
    assert item.state == Assessment.State.DRAFT


def test_steps_out_of_order_are_refused():
    item = assessment()
    staff = UserFactory(roles=["global_admin"])
    with pytest.raises(ValidationError, match="cannot go to"):
        services.assessment_publish(assessment=item, user=staff)
    with pytest.raises(ValidationError, match="cannot go to"):
        services.assessment_review_start(assessment=item, user=staff)


def test_review_can_send_an_assessment_back_with_a_note_and_answers_open_again():
    item = assessment()
    staff = UserFactory(roles=["country_staff"], country=country("vn"))
    answer_all(item)
    services.assessment_submit(assessment=item, user=item.assessors.first())
    services.assessment_review_start(assessment=item, user=staff)
    with pytest.raises(ValidationError):
        services.assessment_return(assessment=item, user=staff, note="  ")
    services.assessment_return(assessment=item, user=staff, note="Q.2 needs a photo.")
    item.refresh_from_db()
    assert item.state == Assessment.State.DRAFT
    assert item.review_note == "Q.2 needs a photo."
    assert not PointResult.objects.filter(assessment=item).exists()
    finding = Finding.objects.filter(assessment=item).first()
    _answer(item, finding.question, "no", base=finding.version)


def test_answers_are_locked_once_submitted():
    item = assessment()
    answer_all(item)
    services.assessment_submit(assessment=item, user=item.assessors.first())
    finding = Finding.objects.filter(assessment=item).first()
    with pytest.raises(ValidationError, match="can no longer change"):
        _answer(item, finding.question, "no", base=finding.version)


def test_publishing_announces_it_after_commit(django_capture_on_commit_callbacks):
    received = []

    def receiver(sender, assessment, **kwargs):
        received.append(assessment.pk)

    assessment_published.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            item = published_assessment()
    finally:
        assessment_published.disconnect(receiver)
    assert received == [item.pk]


def test_a_self_assessment_never_replaces_the_latest_independent_result():
    factory = FactoryFactory()
    independent = published_assessment(factory, starts_on=datetime.date(2025, 3, 1))
    published_assessment(factory, kind=Assessment.Kind.SELF, starts_on=datetime.date(2026, 3, 1))
    factory.refresh_from_db()
    assert factory.latest_published == independent


def test_cycles_count_up_per_factory_and_kind():
    factory = FactoryFactory()
    first = assessment(factory, starts_on=datetime.date(2025, 3, 1))
    second = assessment(factory, starts_on=datetime.date(2026, 3, 1))
    self_check = assessment(factory, kind=Assessment.Kind.SELF)
    assert (first.cycle, second.cycle, self_check.cycle) == (1, 2, 1)
    assert not first.announced
    assert self_check.announced


# --- instrument versions -------------------------------------------------------------------


def test_an_assessment_needs_a_version_in_use_of_its_country_or_the_global_one():
    jordan = instrument_with_questions(2, country=country("jo"))
    with pytest.raises(ValidationError) as error:
        assessment(FactoryFactory(), instrument=jordan)
    assert "instrument" in error.value.message_dict
    draft = instrument_with_questions(2, status=InstrumentVersion.Status.DRAFT)
    with pytest.raises(ValidationError):
        assessment(FactoryFactory(), instrument=draft)


def test_a_new_country_version_leaves_answers_tied_to_the_version_they_answered():
    global_version = instrument_with_questions(3)
    item = assessment(instrument=global_version)
    answer_all(item)
    vietnam = services.instrument_version_copy(
        source=global_version, name="CAT Vietnam", country=country("vn")
    )
    assert vietnam.based_on == global_version
    assert vietnam.number == 1
    assert not vietnam.is_frozen
    assert vietnam.status == InstrumentVersion.Status.DRAFT
    question = vietnam.questions.get(code="Q.1")
    question.text = "Are all workers at least 15 (Labour Code, Art. 143: example)?"
    services.question_save(question=question)

    original = global_version.questions.get(code="Q.1")
    assert original.text != question.text
    answered = Finding.objects.filter(assessment=item).values_list("question__instrument")
    assert set(answered) == {(global_version.pk,)}
    original.text = "Changed"
    with pytest.raises(ValidationError, match="new version"):
        services.question_save(question=original)


def test_a_virtual_check_asks_only_its_chosen_questions():
    instrument = instrument_with_questions(6)
    chosen = list(instrument.questions.order_by("sort_order", "id")[:2])
    with pytest.raises(ValidationError):
        assessment(instrument=instrument, kind=Assessment.Kind.VIRTUAL)
    item = assessment(instrument=instrument, kind=Assessment.Kind.VIRTUAL, questions=chosen)
    assert list(services.assessment_questions(assessment=item)) == chosen
    other = instrument.questions.exclude(pk__in=[q.pk for q in chosen]).first()
    with pytest.raises(ValidationError, match="not part of this assessment"):
        _answer(item, other)
    answer_all(item)
    services.assessment_submit(assessment=item, user=item.assessors.first())


# --- answers: concurrency and replay ---------------------------------------------------------


def test_an_answer_not_offered_by_the_question_is_refused():
    item = assessment()
    with pytest.raises(ValidationError, match="not an answer"):
        _answer(item, item.instrument.questions.first(), "perhaps")


def test_two_assessors_answering_different_questions_both_keep_their_answers():
    item = assessment()
    first, second = item.assessors.all()[:2]
    q1, q2 = item.instrument.questions.order_by("sort_order", "id")[:2]
    _answer(item, q1, "no", user=first)
    _answer(item, q2, "yes", user=second)
    answers = dict(Finding.objects.filter(assessment=item).values_list("question__code", "answer"))
    assert answers == {"Q.1": "no", "Q.2": "yes"}


def test_a_stale_write_is_refused_with_the_other_answer_shown():
    item = assessment()
    first, second = item.assessors.all()[:2]
    question = item.instrument.questions.first()
    # Both devices saw the question unanswered (version 0).
    _answer(item, question, "no", user=first, notes="Two workers aged 14 seen.")
    with pytest.raises(services.StaleAnswer) as refused:
        _answer(item, question, "yes", user=second, base=0)
    assert refused.value.finding.answer == "no"
    assert refused.value.finding.notes == "Two workers aged 14 seen."
    assert refused.value.finding.answered_by == first

    # Having seen it, the second assessor may overwrite it knowingly.
    result = _answer(item, question, "yes", user=second, base=refused.value.finding.version)
    assert result.finding.version == 2
    assert result.finding.answer == "yes"
    assert FindingWrite.objects.filter(finding=result.finding).count() == 2


def test_a_retried_send_is_stored_once_and_never_overwrites_a_newer_answer():
    item = assessment()
    first, second = item.assessors.all()[:2]
    question = item.instrument.questions.first()
    offline_write = uuid.uuid4()
    first_try = _answer(item, question, "no", user=first, client_id=offline_write)
    assert first_try.created
    assert not first_try.replayed

    retry = _answer(item, question, "no", user=first, client_id=offline_write)
    assert retry.replayed
    assert retry.finding.version == 1

    _answer(item, question, "yes", user=second, base=1)
    late_retry = _answer(item, question, "no", user=first, client_id=offline_write)
    assert late_retry.replayed
    finding = Finding.objects.get(assessment=item, question=question)
    assert (finding.answer, finding.version) == ("yes", 2)
    assert Finding.objects.filter(assessment=item).count() == 1
    assert FindingWrite.objects.filter(finding=finding).count() == 2


def test_a_client_id_cannot_be_reused_for_another_question():
    item = assessment()
    q1, q2 = item.instrument.questions.order_by("sort_order", "id")[:2]
    write = uuid.uuid4()
    _answer(item, q1, client_id=write)
    with pytest.raises(ValidationError, match="another question"):
        _answer(item, q2, client_id=write)


def test_non_compliance_is_derived_from_the_answer_not_typed():
    item = assessment()
    question = item.instrument.questions.first()
    result = _answer(item, question, "no")
    assert result.finding.is_non_compliant
    result = _answer(item, question, "na", base=1)
    assert not result.finding.is_non_compliant


# --- derived results ---------------------------------------------------------------------------


def test_results_per_point_count_non_compliance_and_publicly_reported_issues():
    # Questions Q.1, Q.4 are child-labourers; Q.2, Q.5 coercion; Q.3, Q.6 regular-hours.
    # Every third question (Q.1, Q.4) is publicly reported.
    item = published_assessment(non_compliant_codes={"Q.1", "Q.2", "Q.5"})
    results = {
        r.compliance_point.code: r
        for r in PointResult.objects.filter(assessment=item).select_related("compliance_point")
    }
    assert set(results) == {"child-labourers", "coercion", "regular-hours"}
    assert results["child-labourers"].questions_non_compliant == 1
    assert results["child-labourers"].publicly_reported_non_compliant == 1
    assert results["coercion"].questions_non_compliant == 2
    assert results["coercion"].publicly_reported_non_compliant == 0
    assert not results["regular-hours"].is_non_compliant
    assert results["regular-hours"].questions_answered == 2
    assert results["coercion"].cluster.code == "forced-labour"


# --- evidence ------------------------------------------------------------------------------------


def _png(name="exit.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_evidence_goes_through_the_upload_checker():
    item = assessment()
    finding = _answer(item, item.instrument.questions.first(), "no").finding
    evidence = services.evidence_add(file=_png(), finding=finding, user=item.assessors.first())
    assert evidence.is_image
    assert evidence.original_name == "exit.png"
    assert evidence.file.name.startswith("compliance/evidence/")

    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError):
        services.evidence_add(file=fake, finding=finding, user=item.assessors.first())
    assert finding.evidence.count() == 1


def test_a_factory_is_created_with_its_organisation():
    factory = services.factory_create(
        name="Saigon Knit",
        legal_name="Saigon Knit Joint Stock Company",
        country=country("vn"),
        address="12 Road 3, Tan Binh",
        registry_id="VN2021123ABCD4",
        workers_women=900,
        workers_men=100,
        workers_migrant=50,
    )
    assert factory.organisation.kind == "factory"
    assert factory.organisation.country.code == "vn"
    assert factory.workers_total == 1000
