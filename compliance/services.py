"""Write-side rules of the compliance room: factories, instrument versions, the assessment
workflow (draft → submitted → in review → published, or back to draft), answers with
stale-write refusal and idempotent replay, evidence, and the derived results per point."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale

from compliance.evidence import evidence_policy
from compliance.models import (
    Assessment,
    AssessmentEvent,
    Evidence,
    Factory,
    Finding,
    FindingWrite,
    InstrumentVersion,
    PlanAction,
    PointResult,
    Question,
)
from compliance.signals import assessment_published
from lms.accounts.models import Organisation
from lms.uploads import check_upload

# Kinds whose published results stand for the factory's compliance (overviews, comparison
# between cycles, public reporting): self-assessments and inspections are kept apart.
OFFICIAL_KINDS = (Assessment.Kind.INDEPENDENT,)


# --- factories -------------------------------------------------------------------------------


@transaction.atomic
def factory_create(
    *,
    name: str,
    country,
    legal_name: str = "",
    sector=None,
    city: str = "",
    organisation: Organisation | None = None,
    **profile,
) -> Factory:
    """A factory: its organisation (created unless given) and its enterprise profile."""
    if organisation is None:
        organisation = Organisation(
            name=name,
            kind=Organisation.Kind.FACTORY,
            country=country,
            sector=sector,
            city=city,
        )
        organisation.full_clean()
        organisation.save()
    factory = Factory(organisation=organisation, legal_name=legal_name or name, **profile)
    factory.full_clean()
    factory.save()
    return factory


# --- the instrument --------------------------------------------------------------------------


def _question_copy(question: Question, *, instrument: InstrumentVersion, key) -> Question:
    return Question(
        instrument=instrument,
        locale_id=instrument.locale_id,
        translation_key=key,
        sort_order=question.sort_order,
        code=question.code,
        compliance_point_id=question.compliance_point_id,
        text=question.text,
        guidance=question.guidance,
        legal_source=question.legal_source,
        legal_reference=question.legal_reference,
        reference_is_example=question.reference_is_example,
        options=list(question.options),
        non_compliant_options=list(question.non_compliant_options),
        publicly_reported=question.publicly_reported,
    )


@transaction.atomic
def instrument_version_copy(
    *, source: InstrumentVersion, name: str, country=None, number: int | None = None
) -> InstrumentVersion:
    """A new draft version made from ``source`` (a country's adaptation of the global
    instrument, or the next version of a country's), in every language ``source`` has.
    Assessments made with ``source`` keep pointing at its questions."""
    source = source.get_translation(Locale.get_default())
    if number is None:
        latest = (
            InstrumentVersion.objects.canonical()
            .filter(country=country)
            .order_by("-number")
            .values_list("number", flat=True)
            .first()
        )
        number = (latest or 0) + 1
    key = uuid.uuid4()
    question_keys: dict = {}
    created = None
    for translation in [source, *source.get_translations()]:
        copy = InstrumentVersion(
            locale_id=translation.locale_id,
            translation_key=key,
            name=name if translation.pk == source.pk else translation.name,
            country=country,
            number=number,
            based_on=source,
            status=InstrumentVersion.Status.DRAFT,
            notes=translation.notes,
        )
        copy.full_clean(exclude=["based_on"])
        copy.save()
        Question.objects.bulk_create(
            _question_copy(
                q,
                instrument=copy,
                key=question_keys.setdefault(q.translation_key, uuid.uuid4()),
            )
            for q in translation.questions.all()
        )
        if translation.pk == source.pk:
            created = copy
    return created


def _refuse_if_frozen(instrument: InstrumentVersion):
    if instrument.is_frozen:
        raise ValidationError(
            _("“%(name)s” is used by assessments and cannot change: make a new version."),
            code="frozen",
            params={"name": str(instrument)},
        )


def instrument_version_activate(*, instrument: InstrumentVersion) -> InstrumentVersion:
    """Put a draft version in use (it may then be chosen for assessments)."""
    if not instrument.questions.exists():
        raise ValidationError(_("A version without questions cannot be used."), code="empty")
    instrument.status = InstrumentVersion.Status.ACTIVE
    instrument.save(update_fields=["status"])
    return instrument


def instrument_version_freeze(*, instrument: InstrumentVersion) -> None:
    """Called when an assessment first uses a version: from then on it never changes."""
    InstrumentVersion.objects.filter(pk=instrument.pk, frozen_at__isnull=True).update(
        frozen_at=timezone.now()
    )
    instrument.refresh_from_db(fields=["frozen_at"])


def question_save(*, question: Question) -> Question:
    """Add or change a question of a version that no assessment uses yet."""
    _refuse_if_frozen(question.instrument.get_translation(Locale.get_default()))
    question.full_clean()
    question.save()
    return question


# --- assessments -----------------------------------------------------------------------------


def instruments_for(*, factory: Factory):
    """The versions an assessment of ``factory`` may use: in use, global or its country's."""
    return InstrumentVersion.objects.canonical().filter(
        Q(country__isnull=True) | Q(country_id=factory.organisation.country_id),
        status=InstrumentVersion.Status.ACTIVE,
    )


@transaction.atomic
def assessment_create(
    *,
    factory: Factory,
    instrument: InstrumentVersion,
    kind: str,
    starts_on: date,
    assessors=(),
    created_by=None,
    ends_on: date | None = None,
    announced: bool | None = None,
    questions=None,
    cycle: int | None = None,
) -> Assessment:
    """Start an assessment in draft. The version it uses is frozen from now on."""
    if not instruments_for(factory=factory).filter(pk=instrument.pk).exists():
        raise ValidationError(
            {"instrument": _("Choose a version in use, global or of the factory's country.")},
            code="instrument",
        )
    if announced is None:
        announced = kind != Assessment.Kind.INDEPENDENT
    if cycle is None:
        cycle = (
            Assessment.objects.filter(factory=factory, kind=kind).exclude(starts_on__gt=starts_on)
        ).count() + 1
    assessment = Assessment(
        factory=factory,
        instrument=instrument,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        announced=announced,
        cycle=cycle,
        created_by=created_by,
    )
    assessment.full_clean()
    chosen = list(questions or [])
    if kind == Assessment.Kind.VIRTUAL and not chosen:
        raise ValidationError(
            {"questions": _("A virtual check asks a chosen subset of questions: choose them.")},
            code="questions",
        )
    if any(q.instrument_id != instrument.pk for q in chosen):
        raise ValidationError(
            {"questions": _("Choose questions of the version used.")}, code="questions"
        )
    assessment.save()
    if assessors:
        assessment.assessors.set(assessors)
    if chosen:
        assessment.questions.set(chosen)
    instrument_version_freeze(instrument=instrument)
    AssessmentEvent.objects.create(
        assessment=assessment,
        from_state=Assessment.State.DRAFT,
        to_state=Assessment.State.DRAFT,
        actor=created_by,
    )
    return assessment


def assessment_questions(*, assessment: Assessment):
    """The questions asked: the chosen subset of a virtual check, or the whole version."""
    chosen = assessment.questions.all()
    if assessment.kind == Assessment.Kind.VIRTUAL or chosen.exists():
        return chosen.order_by("sort_order", "id")
    return assessment.instrument.questions.order_by("sort_order", "id")


class StaleAnswer(Exception):
    """The answer was written against an older version of the finding; ``finding`` is the
    newer answer someone else stored, to be shown to the person whose write was refused."""

    def __init__(self, finding: Finding):
        super().__init__(f"stale write on finding {finding.pk}")
        self.finding = finding


@dataclass(frozen=True)
class AnswerResult:
    finding: Finding
    created: bool = False
    replayed: bool = False


def _question_of(assessment: Assessment, question: Question) -> None:
    if question.instrument_id != assessment.instrument_id:
        raise ValidationError(_("This question is not part of this assessment."), code="question")
    chosen = assessment.questions
    if (assessment.kind == Assessment.Kind.VIRTUAL or chosen.exists()) and not chosen.filter(
        pk=question.pk
    ).exists():
        raise ValidationError(_("This question is not part of this assessment."), code="question")


def finding_answer(
    *,
    assessment: Assessment,
    question: Question,
    answer: str,
    notes: str = "",
    client_id: uuid.UUID | str,
    base_version: int | None,
    user,
    answered_at: datetime | None = None,
) -> AnswerResult:
    """Store one answer.

    ``client_id`` is made by the device for this write: sending it again (a retry after a
    lost connection) changes nothing and returns the stored finding. ``base_version`` is the
    version the device last saw (0 or None for a first answer); if someone else wrote since,
    :class:`StaleAnswer` is raised with their answer and nothing is overwritten.
    """
    client_id = uuid.UUID(str(client_id))
    if not assessment.is_editable:
        raise ValidationError(
            _("This assessment is %(state)s: its answers can no longer change."),
            code="locked",
            params={"state": assessment.get_state_display().lower()},
        )
    _question_of(assessment, question)
    if answer not in question.options:
        raise ValidationError(
            _("“%(answer)s” is not an answer to this question."),
            code="answer",
            params={"answer": answer},
        )
    notes = (notes or "").strip()
    if len(notes) > 5000:
        raise ValidationError(_("Notes are limited to 5000 characters."), code="notes")
    answered_at = answered_at or timezone.now()
    if answered_at > timezone.now():
        answered_at = timezone.now()
    base_version = base_version or 0
    non_compliant = question.is_non_compliant_answer(answer)

    replay = FindingWrite.objects.filter(client_id=client_id).select_related("finding").first()
    if replay is not None:
        return _replayed(replay, assessment=assessment, question=question)
    try:
        with transaction.atomic():
            finding = (
                Finding.objects.select_for_update()
                .filter(assessment=assessment, question=question)
                .first()
            )
            if finding is None:
                finding = Finding.objects.create(
                    assessment=assessment,
                    question=question,
                    answer=answer,
                    notes=notes,
                    is_non_compliant=non_compliant,
                    version=1,
                    client_id=client_id,
                    answered_by=user,
                    answered_at=answered_at,
                )
                created = True
            else:
                if finding.version != base_version:
                    raise StaleAnswer(finding)
                finding.answer = answer
                finding.notes = notes
                finding.is_non_compliant = non_compliant
                finding.version += 1
                finding.client_id = client_id
                finding.answered_by = user
                finding.answered_at = answered_at
                finding.save(
                    update_fields=[
                        "answer",
                        "notes",
                        "is_non_compliant",
                        "version",
                        "client_id",
                        "answered_by",
                        "answered_at",
                    ]
                )
                created = False
            FindingWrite.objects.create(
                finding=finding,
                client_id=client_id,
                version=finding.version,
                answer=answer,
                notes=notes,
                author=user,
                answered_at=answered_at,
            )
    except IntegrityError:
        # Another request won a race: the same write replayed at the same moment (its
        # client id is now stored), or another device created the finding first.
        replay = FindingWrite.objects.filter(client_id=client_id).select_related("finding").first()
        if replay is not None:
            return _replayed(replay, assessment=assessment, question=question)
        current = Finding.objects.filter(assessment=assessment, question=question).first()
        if current is None:
            raise
        raise StaleAnswer(current) from None
    return AnswerResult(finding=finding, created=created)


def _replayed(write: FindingWrite, *, assessment, question) -> AnswerResult:
    finding = write.finding
    if finding.assessment_id != assessment.pk or finding.question_id != question.pk:
        raise ValidationError(_("This answer id was already used for another question."))
    return AnswerResult(finding=finding, replayed=True)


def _move(assessment: Assessment, *, to: str, actor, note: str = "", allowed_from) -> None:
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.state not in allowed_from:
        raise ValidationError(
            _("This assessment is %(state)s: it cannot go to “%(target)s”."),
            code="state",
            params={
                "state": locked.get_state_display().lower(),
                "target": Assessment.State(to).label,
            },
        )
    AssessmentEvent.objects.create(
        assessment=assessment, from_state=locked.state, to_state=to, actor=actor, note=note
    )
    assessment.state = to


def unanswered_count(*, assessment: Assessment) -> int:
    asked = assessment_questions(assessment=assessment)
    answered = Finding.objects.filter(assessment=assessment, question__in=asked).count()
    return asked.count() - answered


@transaction.atomic
def assessment_submit(*, assessment: Assessment, user) -> Assessment:
    """The assessors hand the draft over for quality review: every question answered."""
    missing = unanswered_count(assessment=assessment)
    if missing:
        raise ValidationError(
            _("%(count)s questions are not answered yet."),
            code="unanswered",
            params={"count": missing},
        )
    _move(
        assessment,
        to=Assessment.State.SUBMITTED,
        actor=user,
        allowed_from={Assessment.State.DRAFT},
    )
    assessment.submitted_at = timezone.now()
    assessment.review_note = ""
    assessment.save(update_fields=["state", "submitted_at", "review_note", "updated_at"])
    return assessment


@transaction.atomic
def assessment_review_start(*, assessment: Assessment, user) -> Assessment:
    """Country staff take a submitted assessment into quality review."""
    _move(
        assessment,
        to=Assessment.State.IN_REVIEW,
        actor=user,
        allowed_from={Assessment.State.SUBMITTED},
    )
    assessment.reviewer = user
    assessment.save(update_fields=["state", "reviewer", "updated_at"])
    point_results_compute(assessment=assessment)
    return assessment


@transaction.atomic
def assessment_return(*, assessment: Assessment, user, note: str) -> Assessment:
    """Send back to the assessors as a draft, saying what to fix."""
    note = (note or "").strip()
    if not note:
        raise ValidationError(
            {"note": _("Say what the assessors should look at again.")}, code="note"
        )
    _move(
        assessment,
        to=Assessment.State.DRAFT,
        actor=user,
        note=note,
        allowed_from={Assessment.State.SUBMITTED, Assessment.State.IN_REVIEW},
    )
    assessment.review_note = note
    assessment.save(update_fields=["state", "review_note", "updated_at"])
    assessment.point_results.all().delete()
    return assessment


@transaction.atomic
def assessment_publish(*, assessment: Assessment, user) -> Assessment:
    """Publish the reviewed assessment to its factory."""
    _move(
        assessment,
        to=Assessment.State.PUBLISHED,
        actor=user,
        allowed_from={Assessment.State.IN_REVIEW},
    )
    assessment.published_at = timezone.now()
    assessment.save(update_fields=["state", "published_at", "updated_at"])
    point_results_compute(assessment=assessment)
    if assessment.kind in OFFICIAL_KINDS:
        factory_latest_refresh(factory=assessment.factory)
    transaction.on_commit(
        lambda: assessment_published.send(sender=Assessment, assessment=assessment)
    )
    return assessment


def factory_latest_refresh(*, factory: Factory) -> None:
    latest = (
        Assessment.objects.filter(
            factory=factory, state=Assessment.State.PUBLISHED, kind__in=OFFICIAL_KINDS
        )
        .order_by("-starts_on", "-id")
        .first()
    )
    Factory.objects.filter(pk=factory.pk).update(latest_published=latest)
    factory.latest_published = latest


def point_results_compute(*, assessment: Assessment) -> list[PointResult]:
    """Derive the result of every compliance point asked from the answers (one query to
    read, one to write)."""
    asked = assessment_questions(assessment=assessment)
    rows = (
        asked.values("compliance_point_id", "compliance_point__cluster_id")
        .annotate(
            answered=Count(
                "findings",
                filter=Q(findings__assessment=assessment) & ~Q(findings__answer="na"),
            ),
            non_compliant=Count(
                "findings",
                filter=Q(findings__assessment=assessment, findings__is_non_compliant=True),
            ),
            public_non_compliant=Count(
                "findings",
                filter=Q(
                    findings__assessment=assessment,
                    findings__is_non_compliant=True,
                    publicly_reported=True,
                ),
            ),
        )
        .order_by()
    )
    results = [
        PointResult(
            assessment=assessment,
            compliance_point_id=row["compliance_point_id"],
            cluster_id=row["compliance_point__cluster_id"],
            questions_answered=row["answered"],
            questions_non_compliant=row["non_compliant"],
            publicly_reported_non_compliant=row["public_non_compliant"],
        )
        for row in rows
    ]
    PointResult.objects.filter(assessment=assessment).delete()
    return PointResult.objects.bulk_create(results)


# --- evidence --------------------------------------------------------------------------------


def evidence_add(
    *, file, user, finding: Finding | None = None, action: PlanAction | None = None, caption=""
) -> Evidence:
    """Attach a checked file to a finding (while its assessment is a draft) or an action."""
    if (finding is None) == (action is None):
        raise ValueError("evidence belongs to exactly one finding or action")
    if finding is not None and not finding.assessment.is_editable:
        raise ValidationError(
            _("This assessment is no longer a draft: evidence cannot be added."), code="locked"
        )
    checked = check_upload(file, policy=evidence_policy())
    evidence = Evidence(
        finding=finding,
        action=action,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        caption=(caption or "").strip()[:200],
        uploaded_by=user,
    )
    evidence.file.save(checked.name, checked.file, save=False)
    evidence.save()
    return evidence
