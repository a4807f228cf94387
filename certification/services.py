"""Write-side operations of certification. Every change that may complete a candidate's
requirements ends in :func:`candidacy_evaluate`, which schedules the issue once they are met.
"""

import secrets
import uuid
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from certification import permissions, selectors, signals
from certification.dates import add_months
from certification.models import (
    AssessmentResult,
    Candidacy,
    Certificate,
    CourseCompletion,
    CPDActivity,
    ExpiryReminder,
    Programme,
    Renewal,
    Requirement,
    ReviewComment,
    Submission,
)
from lms.records.snapshots import person_snapshot


def _tasks():
    # Tasks import services; import them late to keep the module graph acyclic.
    from certification import tasks

    return tasks


def _after_commit(task, *args):
    transaction.on_commit(lambda: task.delay(*args))


def _send_after_commit(signal, **kwargs):
    transaction.on_commit(lambda: signal.send(sender=Certificate, **kwargs))


# --- candidacies -------------------------------------------------------------------------


@transaction.atomic
def candidacy_start(*, candidate, programme: Programme) -> Candidacy:
    """Enrol a person as a candidate (idempotent: a second call returns the first)."""
    programme = programme.get_translation(selectors.default_locale())
    if not permissions.can_enrol(candidate, programme):
        raise PermissionDenied(_("This programme is not open to you."))
    candidacy, created = Candidacy.objects.get_or_create(candidate=candidate, programme=programme)
    if created:
        candidacy_evaluate(candidacy=candidacy)
    elif candidacy.status == Candidacy.Status.WITHDRAWN:
        candidacy_resume(candidacy=candidacy, by=candidate)
    return candidacy


def candidacy_evaluate(*, candidacy: Candidacy) -> bool:
    """Check the candidate's requirements; once all are met, issue the certificate (in a
    Celery task, after this transaction commits). Returns whether all are met."""
    if candidacy.status != Candidacy.Status.IN_PROGRESS:
        return False
    met = selectors.requirements_met(candidacy=candidacy)
    if met:
        _after_commit(_tasks().certificate_issue_task, candidacy.pk)
    return met


@transaction.atomic
def candidacy_withdraw(*, candidacy: Candidacy, by) -> Candidacy:
    """The candidate (or staff of their country) closes a candidacy; evidence is kept and
    the candidate may return through :func:`candidacy_resume`."""
    if by.pk != candidacy.candidate_id and not permissions.can_manage_candidacy(by, candidacy):
        raise PermissionDenied(_("You may not withdraw this candidacy."))
    if candidacy.status != Candidacy.Status.IN_PROGRESS:
        raise ValidationError(_("Only a candidacy in progress can be withdrawn."))
    candidacy.status = Candidacy.Status.WITHDRAWN
    candidacy.save(update_fields=["status"])
    return candidacy


@transaction.atomic
def candidacy_resume(*, candidacy: Candidacy, by) -> Candidacy:
    if by.pk != candidacy.candidate_id and not permissions.can_manage_candidacy(by, candidacy):
        raise PermissionDenied(_("You may not change this candidacy."))
    if candidacy.status == Candidacy.Status.WITHDRAWN:
        candidacy.status = Candidacy.Status.IN_PROGRESS
        candidacy.save(update_fields=["status"])
        candidacy_evaluate(candidacy=candidacy)
    return candidacy


def _evaluate_person(*, person, requirement_filter) -> None:
    for candidacy in Candidacy.objects.filter(
        candidate=person,
        status=Candidacy.Status.IN_PROGRESS,
        programme__requirements__in=Requirement.objects.filter(**requirement_filter),
    ).distinct():
        candidacy_evaluate(candidacy=candidacy)


@transaction.atomic
def candidacy_approve_issue(*, candidacy: Candidacy, approved_by) -> Certificate:
    """A staff member issues the certificate though some requirement is not met (e.g. for
    evidence gathered outside the system)."""
    if not permissions.can_manage_candidacy(approved_by, candidacy):
        raise PermissionDenied(_("You may not approve this candidate."))
    if candidacy.candidate_id == approved_by.pk:
        raise PermissionDenied(_("You cannot approve your own certificate."))
    candidacy.approved_by = approved_by
    candidacy.save(update_fields=["approved_by"])
    return certificate_issue(candidacy=candidacy, approved=True)


# --- evidence: courses, assessments, submissions ----------------------------------------


@transaction.atomic
def completion_evidence_record(
    *, candidate_user, course_page_id: int, completed_at: datetime
) -> CourseCompletion:
    """Record that a person completed a course (once; a repeat keeps the first date) and
    re-evaluate their candidacies that require it. The ``courses.signals.course_completed``
    receiver and the post-merge backfill both call this."""
    completion, created = CourseCompletion.objects.get_or_create(
        learner=candidate_user,
        course_id=course_page_id,
        defaults={"completed_at": completed_at},
    )
    if not created and completed_at < completion.completed_at:
        completion.completed_at = completed_at
        completion.save(update_fields=["completed_at"])
    _evaluate_person(
        person=candidate_user,
        requirement_filter={"kind": Requirement.Kind.COURSE, "course_id": course_page_id},
    )
    return completion


def course_completions_backfill(*, candidacy: Candidacy) -> int:
    """Record as evidence the required courses the candidate completed in the courses room
    (in any language) that certification has not heard of: completions from before the
    ``course_completed`` receiver was connected, or lost. Uses the enrolment's completion
    date. Idempotent; returns how many completions were new."""
    from courses.selectors import courses_completed_by, enrolments_of

    required = dict(
        candidacy.programme.requirements.filter(
            kind=Requirement.Kind.COURSE, course__isnull=False
        ).values_list("course_id", "course__translation_key")
    )
    if not required:
        return 0
    person = candidacy.candidate
    known = set(
        CourseCompletion.objects.filter(learner=person, course_id__in=required).values_list(
            "course_id", flat=True
        )
    )
    missing = {pk: key for pk, key in required.items() if pk not in known}
    if not missing:
        return 0
    completed = courses_completed_by(learner=person)
    dates = {
        enrolment.course.translation_key: enrolment.completed_at
        for enrolment in enrolments_of(learner=person)
        if enrolment.completed_at is not None
    }
    recorded = 0
    for course_id, key in missing.items():
        completed_at = dates.get(key)
        if course_id in completed and completed_at is not None:
            completion_evidence_record(
                candidate_user=person, course_page_id=course_id, completed_at=completed_at
            )
            recorded += 1
    return recorded


@transaction.atomic
def assessment_result_record(
    *,
    candidacy: Candidacy,
    requirement: Requirement,
    score: Decimal | float | int,
    recorded_by=None,
    statement_id: uuid.UUID | None = None,
    taken_at: datetime | None = None,
    comment: str = "",
) -> AssessmentResult:
    """Record a scored attempt. From the learning records (``statement_id``, idempotent) or
    typed in by an assessor of the programme (never the candidate)."""
    if requirement.kind != Requirement.Kind.ASSESSMENT:
        raise ValidationError(_("This requirement is not an assessment."))
    if requirement.programme_id != candidacy.programme_id:
        raise ValidationError(_("This requirement belongs to another programme."))
    if recorded_by is not None and not permissions.can_assess(recorded_by, candidacy):
        raise PermissionDenied(_("You do not assess this programme."))
    if statement_id:
        existing = AssessmentResult.objects.filter(statement_id=statement_id).first()
        if existing:
            return existing
    result = AssessmentResult(
        candidacy=candidacy,
        requirement=requirement,
        score=Decimal(str(round(float(score), 1))),
        recorded_by=recorded_by,
        statement_id=statement_id,
        taken_at=taken_at or timezone.now(),
        comment=comment,
    )
    result.full_clean()
    result.save()
    candidacy_evaluate(candidacy=candidacy)
    return result


def assessment_statements_record(*, actor, statements) -> list[AssessmentResult]:
    """Turn scored learning records about an assessment requirement's activity into
    results (the receiver of ``lms.records.signals.statements_recorded``).

    Only scores this site computed count: a score the candidate's own device or a package
    reported (``self_reported``) is kept in the records for the assessor to see, and never
    becomes a result (issue 12, hole 8): an assessor records those."""
    scored = [s for s in statements if s.score_scaled is not None and not s.self_reported]
    if not scored:
        return []
    requirements = {
        r.assessment_activity: r
        for r in Requirement.objects.filter(
            kind=Requirement.Kind.ASSESSMENT,
            assessment_activity__in={s.activity for s in scored},
            programme__candidacies__candidate=actor,
            programme__candidacies__status=Candidacy.Status.IN_PROGRESS,
        )
    }
    results = []
    for statement in scored:
        requirement = requirements.get(statement.activity)
        if requirement is None:
            continue
        candidacy = Candidacy.objects.get(candidate=actor, programme_id=requirement.programme_id)
        results.append(
            assessment_result_record(
                candidacy=candidacy,
                requirement=requirement,
                score=max(0.0, min(1.0, statement.score_scaled)) * 100,
                statement_id=statement.id,
                taken_at=statement.timestamp,
            )
        )
    return results


def _submission_requirement_check(candidacy: Candidacy, requirement: Requirement) -> None:
    if requirement.programme_id != candidacy.programme_id:
        raise ValidationError(_("This requirement belongs to another programme."))
    if not requirement.takes_submissions:
        raise ValidationError(_("This requirement does not take submitted evidence."))
    if candidacy.status != Candidacy.Status.IN_PROGRESS:
        raise ValidationError(_("This candidacy is closed."))


@transaction.atomic
def submission_create(
    *,
    candidacy: Candidacy,
    requirement: Requirement,
    title: str,
    description: str = "",
    session_date: date | None = None,
    file=None,
    client_id: uuid.UUID | None = None,
) -> Submission:
    """Submit evidence for review. A form resent with the same ``client_id`` (a flaky
    connection, a double click) is stored once."""
    if client_id:
        existing = Submission.objects.filter(client_id=client_id).first()
        if existing:
            if existing.candidacy_id != candidacy.pk:
                raise PermissionDenied
            return existing
    _submission_requirement_check(candidacy, requirement)
    submission = Submission(
        candidacy=candidacy,
        requirement=requirement,
        title=title,
        description=description,
        session_date=session_date,
        client_id=client_id,
    )
    if file:
        submission.file = file
    submission.full_clean()
    try:
        with transaction.atomic():
            submission.save()
    except IntegrityError:
        return Submission.objects.get(client_id=client_id, candidacy=candidacy)
    _after_commit(_tasks().submission_notify_task, submission.pk, "submitted")
    return submission


@transaction.atomic
def submission_resubmit(*, submission: Submission, author, body: str, file=None) -> Submission:
    """The candidate answers a request for changes, with a note and optionally a new file."""
    if submission.candidacy.candidate_id != author.pk:
        raise PermissionDenied(_("Only the candidate may resubmit."))
    if submission.status != Submission.Status.CHANGES_REQUESTED:
        raise ValidationError(_("This submission is not waiting for changes."))
    if file:
        submission.file = file
    submission.status = Submission.Status.SUBMITTED
    submission.submitted_at = timezone.now()
    submission.full_clean()
    submission.save()
    ReviewComment.objects.create(
        submission=submission, author=author, body=body, decision="resubmitted"
    )
    _after_commit(_tasks().submission_notify_task, submission.pk, "submitted")
    return submission


@transaction.atomic
def submission_review(
    *,
    submission: Submission,
    reviewer,
    decision: str,
    comment: str = "",
    rubric_scores: dict[str, int] | None = None,
) -> Submission:
    """An assessor approves a submission or asks for changes, with a comment. Observed
    practice is approved only with every rubric criterion scored 1-4."""
    if not permissions.can_review(reviewer, submission):
        raise PermissionDenied(_("You may not review this submission."))
    # Two assessors reviewing at once: the row lock lets one decide.
    current = (
        Submission.objects.select_for_update()
        .values_list("status", flat=True)
        .get(pk=submission.pk)
    )
    if current != Submission.Status.SUBMITTED:
        raise ValidationError(_("This submission has already been reviewed."))
    decisions = ReviewComment.Decision
    if decision not in (decisions.APPROVED, decisions.CHANGES_REQUESTED):
        raise ValidationError(_("Choose approve or ask for changes."))
    if decision == decisions.CHANGES_REQUESTED and not comment.strip():
        raise ValidationError({"comment": _("Say what should change.")})
    requirement = submission.requirement
    if requirement.kind == Requirement.Kind.OBSERVED_PRACTICE:
        criteria = requirement.rubric_criteria
        scores = rubric_scores or {}
        if decision == decisions.APPROVED and (
            set(scores) != set(criteria) or any(s not in (1, 2, 3, 4) for s in scores.values())
        ):
            raise ValidationError(
                {"rubric": _("Score every criterion of the rubric from 1 to 4 to sign off.")}
            )
        submission.rubric_scores = scores
    submission.status = decision
    submission.reviewer = reviewer
    submission.reviewed_at = timezone.now()
    submission.save()
    ReviewComment.objects.create(
        submission=submission, author=reviewer, body=comment, decision=decision
    )
    _after_commit(_tasks().submission_notify_task, submission.pk, decision)
    if decision == decisions.APPROVED:
        candidacy_evaluate(candidacy=submission.candidacy)
    return submission


@transaction.atomic
def submission_comment(*, submission: Submission, author, body: str) -> ReviewComment:
    if not (
        submission.candidacy.candidate_id == author.pk or permissions.can_review(author, submission)
    ):
        raise PermissionDenied(_("You may not comment on this submission."))
    comment = ReviewComment(submission=submission, author=author, body=body)
    comment.full_clean()
    comment.save()
    _after_commit(_tasks().submission_notify_task, submission.pk, "commented")
    return comment


# --- CPD ---------------------------------------------------------------------------------


def _cpd_date_check(day: date) -> None:
    if day > timezone.localdate():
        raise ValidationError({"date": _("CPD activities are logged once they have happened.")})


def _storage_delete_after_commit(field) -> None:
    """Forget a replaced or deleted evidence file once the change is committed (it is
    personal data; a rolled-back change keeps it)."""
    storage, name = field.storage, field.name
    transaction.on_commit(lambda: storage.delete(name))


def _cpd_activity_for_change(*, activity: CPDActivity, by) -> tuple[CPDActivity, list]:
    """The activity, locked for this transaction, and the person's CPD counts, once its
    owner may still change it: an activity that counted towards an issued or renewed
    certificate stays as it was (docs/decisions/0402)."""
    if by.pk != activity.person_id:
        raise PermissionDenied(_("Only the person who logged a CPD activity may change it."))
    activity = CPDActivity.objects.select_for_update().get(pk=activity.pk)
    counts = selectors.cpd_counts(person=activity.person_id)
    count = selectors.cpd_activity_lock(activity=activity, counts=counts)
    if count is not None:
        raise ValidationError(cpd_lock_message(count), code="locked")
    return activity, counts


def cpd_lock_message(count) -> str:
    params = {
        "serial": count.certificate.serial,
        "date": date_format(timezone.localtime(count.at), "DATE_FORMAT"),
    }
    if count.is_renewal:
        return (
            _(
                "This activity counted towards the renewal of certificate %(serial)s on "
                "%(date)s, so it can no longer be changed or deleted."
            )
            % params
        )
    return (
        _(
            "This activity counted towards certificate %(serial)s, issued on %(date)s, so it "
            "can no longer be changed or deleted."
        )
        % params
    )


@transaction.atomic
def cpd_activity_log(
    *,
    person,
    kind: str,
    title: str,
    date: date,
    hours: Decimal,
    description: str = "",
    evidence=None,
    client_id: uuid.UUID | None = None,
) -> CPDActivity:
    """Log a CPD activity. A form resent with the same ``client_id`` is logged once."""
    if client_id:
        existing = CPDActivity.objects.filter(client_id=client_id).first()
        if existing:
            if existing.person_id != person.pk:
                raise PermissionDenied
            return existing
    _cpd_date_check(date)
    activity = CPDActivity(
        person=person,
        kind=kind,
        title=title,
        date=date,
        hours=hours,
        description=description,
        client_id=client_id,
    )
    if evidence:
        activity.evidence = evidence
    activity.full_clean()
    try:
        with transaction.atomic():
            activity.save()
    except IntegrityError:
        return CPDActivity.objects.get(client_id=client_id, person=person)
    _evaluate_person(person=person, requirement_filter={"kind": Requirement.Kind.CPD_HOURS})
    return activity


@transaction.atomic
def cpd_activity_update(
    *,
    activity: CPDActivity,
    by,
    kind: str,
    title: str,
    date: date,
    hours: Decimal,
    description: str = "",
    evidence=None,
    remove_evidence: bool = False,
) -> CPDActivity:
    """The owner corrects an activity that has not counted towards a certificate yet.
    ``evidence`` replaces the file; ``remove_evidence`` drops it. More hours may complete
    a candidacy's requirements, so the person's candidacies are evaluated again."""
    activity, counts = _cpd_activity_for_change(activity=activity, by=by)
    _cpd_date_check(date)
    old_file = activity.evidence if activity.evidence else None
    activity.kind = kind
    activity.title = title
    activity.date = date
    activity.hours = hours
    activity.description = description
    # Logged before an issue or renewal but dated outside its period, it did not count;
    # moved into that period it would look as if it had.
    count = selectors.cpd_activity_lock(activity=activity, counts=counts)
    if count is not None:
        raise ValidationError(
            {
                "date": _(
                    "The CPD hours from %(since)s to %(until)s were already counted towards "
                    "certificate %(serial)s; an activity cannot be moved into that period."
                )
                % {
                    "since": date_format(count.since, "DATE_FORMAT"),
                    "until": date_format(count.until, "DATE_FORMAT"),
                    "serial": count.certificate.serial,
                }
            }
        )
    if evidence:
        activity.evidence = evidence
    elif remove_evidence:
        activity.evidence = ""
    activity.full_clean()
    activity.save()
    if old_file is not None and (evidence or remove_evidence):
        _storage_delete_after_commit(old_file)
    _evaluate_person(person=by, requirement_filter={"kind": Requirement.Kind.CPD_HOURS})
    return activity


@transaction.atomic
def cpd_activity_delete(*, activity: CPDActivity, by) -> None:
    """The owner deletes an activity that has not counted towards a certificate yet, with
    its evidence file."""
    activity, _counts = _cpd_activity_for_change(activity=activity, by=by)
    if activity.evidence:
        _storage_delete_after_commit(activity.evidence)
    activity.delete()


# --- certificates ------------------------------------------------------------------------


def status_index_allocate() -> int:
    """A random free position in the revocation status list (the Bitstring Status List
    asks for random indexes, so a position tells nothing about the certificate). The list
    is at least twice as long as the number of certificates, so a try or two finds one;
    the unique constraint settles the rare race between two programmes issuing at once."""
    from certification.openbadges import status_list_length

    length = status_list_length(Certificate.objects.count() + 1)
    while True:
        index = secrets.randbelow(length)
        if not Certificate.objects.filter(status_index=index).exists():
            return index


@transaction.atomic
def certificate_issue(*, candidacy: Candidacy, approved: bool = False) -> Certificate:
    """Issue the candidacy's certificate, once. Locks the programme row, so serial numbers
    stay unique and gapless under concurrent issue; a second call returns the first
    certificate. The PDF follows in a Celery task."""
    programme = Programme.objects.select_for_update().get(pk=candidacy.programme_id)
    existing = Certificate.objects.filter(candidacy_id=candidacy.pk).first()
    if existing:
        return existing
    candidacy = Candidacy.objects.select_related("candidate").get(pk=candidacy.pk)
    if candidacy.status == Candidacy.Status.WITHDRAWN:
        raise ValidationError(_("This candidacy was withdrawn."))
    if not (approved or candidacy.approved_by_id) and not selectors.requirements_met(
        candidacy=candidacy
    ):
        raise ValidationError(_("Not every requirement is met yet."))
    programme.last_serial += 1
    # An update, not save(): the row is locked, and saving the page-like snippet would
    # rewrite its search and reference index entries (ten queries) for a counter.
    Programme.objects.filter(pk=programme.pk).update(last_serial=programme.last_serial)
    holder = candidacy.candidate
    now = timezone.now()
    today = timezone.localdate(now)
    certificate = Certificate(
        programme=programme,
        holder=holder,
        candidacy=candidacy,
        holder_name=holder.display_name or holder.get_full_name() or holder.username,
        holder_profile=person_snapshot(holder),
        serial_number=programme.last_serial,
        issued_at=now,
        issued_on=today,
        expires_on=add_months(today, programme.validity_months),
        language=holder.preferred_language,
        status_index=status_index_allocate(),
    )
    # The related rows were just read under the programme's lock, and uniqueness is the
    # database's: the candidacy and the serial number are settled by that lock, the
    # random code and status index by unique indexes (the index retried below). Checking
    # them again here cost eight queries an issue.
    certificate.full_clean(
        exclude=["programme", "holder", "candidacy", "holder_profile"],
        validate_unique=False,
        validate_constraints=False,
    )
    for attempt in range(3):
        try:
            with transaction.atomic():
                certificate.save()
            break
        except IntegrityError:
            # Another programme took the same status index a moment ago.
            if (
                attempt == 2
                or not Certificate.objects.filter(status_index=certificate.status_index).exists()
            ):
                raise
            certificate.pk = None
            certificate.status_index = status_index_allocate()
    candidacy.status = Candidacy.Status.CERTIFIED
    candidacy.save(update_fields=["status"])
    _after_commit(_tasks().certificate_pdf_task, certificate.pk)
    _after_commit(_tasks().certificate_notify_task, certificate.pk, "issued")
    _send_after_commit(signals.certificate_issued, certificate=certificate)
    return certificate


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, revoked_by, reason: str) -> Certificate:
    """Revoke a certificate with a reason; the verification page, the badge assertion and
    the status list show it from the next request."""
    if not permissions.can_manage_certificate(revoked_by, certificate):
        raise PermissionDenied(_("You may not revoke this certificate."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for revoking.")})
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at:
        raise ValidationError(_("This certificate is already revoked."))
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = revoked_by
    certificate.revocation_reason = reason.strip()
    certificate.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    _after_commit(_tasks().certificate_notify_task, certificate.pk, "revoked")
    _send_after_commit(signals.certificate_revoked, certificate=certificate)
    return certificate


@transaction.atomic
def certificate_renew(*, certificate: Certificate, renewed_by, today: date | None = None):
    """Extend a certificate by the programme's validity once the holder has logged the CPD
    hours for the period (from 90 days before expiry; an expired one may renew too)."""
    certificate = (
        Certificate.objects.select_for_update().select_related("programme").get(pk=certificate.pk)
    )
    if renewed_by.pk != certificate.holder_id and not permissions.can_manage_certificate(
        renewed_by, certificate
    ):
        raise PermissionDenied(_("You may not renew this certificate."))
    today = today or timezone.localdate()
    status = selectors.renewal_status(certificate=certificate, today=today)
    if certificate.revoked_at:
        raise ValidationError(_("A revoked certificate cannot be renewed."))
    if not status["window_open"]:
        raise ValidationError(
            _("Renewal opens on %(date)s.")
            % {"date": date_format(certificate.renewal_window_opens(), "DATE_FORMAT")}
        )
    if not status["enough_hours"]:
        raise ValidationError(
            _("Renewal needs %(needed)s CPD hours in this period; %(hours)s are logged.")
            % {"needed": status["needed"], "hours": status["hours"]}
        )
    previous = certificate.expires_on
    start = max(previous, today)
    certificate.expires_on = add_months(start, certificate.programme.validity_months)
    certificate.save(update_fields=["expires_on"])
    renewal = Renewal.objects.create(
        certificate=certificate,
        previous_expires_on=previous,
        expires_on=certificate.expires_on,
        cpd_hours=status["hours"],
        approved_by=renewed_by,
    )
    _after_commit(_tasks().certificate_pdf_task, certificate.pk)
    _after_commit(_tasks().certificate_notify_task, certificate.pk, "renewed")
    _send_after_commit(signals.certificate_renewed, certificate=certificate, renewal=renewal)
    return renewal


def certificate_pdf_store(*, certificate: Certificate) -> Certificate:
    """Render the PDF in the holder's language and store it, replacing an older one.

    Safe to repeat (a retried or duplicated task): the file is rendered and saved outside
    any transaction, then the row is locked, pointed at the new file, and the file it
    pointed at before is deleted once that commits. However many times it runs, the
    certificate ends with one PDF, the one it names; a run that rendered a state since
    changed (a renewal moved the expiry date meanwhile) keeps nothing, the later run's
    PDF stands."""
    from django.core.files.base import ContentFile

    from certification.documents import certificate_pdf

    content = certificate_pdf(certificate=certificate)
    field = certificate.pdf
    storage = field.storage
    name = storage.save(
        field.field.generate_filename(certificate, f"{certificate.code}.pdf"), ContentFile(content)
    )
    with transaction.atomic():
        current = (
            Certificate.objects.select_for_update()
            .filter(pk=certificate.pk)
            .values_list("pdf", "expires_on")
            .first()
        )
        if current is None or current[1] != certificate.expires_on:
            # Deleted or renewed meanwhile: this rendering is out of date.
            transaction.on_commit(lambda: storage.delete(name))
            return certificate
        old = current[0]
        Certificate.objects.filter(pk=certificate.pk).update(pdf=name)
        if old and old != name:
            transaction.on_commit(lambda: storage.delete(old))
    certificate.pdf.name = name
    return certificate


def expiry_reminders_due(*, today: date | None = None) -> list[tuple[Certificate, int]]:
    """(certificate, threshold) pairs whose reminder is due and not yet sent."""
    from django.conf import settings

    today = today or timezone.localdate()
    due = []
    thresholds = sorted(settings.CERTIFICATION_REMINDER_DAYS)
    horizon = today + timezone.timedelta(days=max(thresholds))
    certificates = Certificate.objects.filter(
        revoked_at__isnull=True, expires_on__gte=today, expires_on__lte=horizon
    ).prefetch_related("reminders")
    for certificate in certificates:
        days_left = (certificate.expires_on - today).days
        sent = {
            r.days_before
            for r in certificate.reminders.all()
            if r.expires_on == certificate.expires_on
        }
        # The nearest threshold passed; earlier ones missed (e.g. issued late) are skipped.
        passed = [t for t in thresholds if days_left <= t]
        if passed and passed[0] not in sent:
            due.append((certificate, passed[0]))
    return due


def expiry_reminder_mark_sent(*, certificate: Certificate, days_before: int) -> bool:
    """Claim a reminder; False when another worker already sent it."""
    try:
        with transaction.atomic():
            ExpiryReminder.objects.create(
                certificate=certificate, days_before=days_before, expires_on=certificate.expires_on
            )
    except IntegrityError:
        return False
    return True
