"""Services: evidence, reviews, CPD, issue, renewal, revocation and reminders."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from freezegun import freeze_time

from certification import selectors, services
from certification.models import (
    Certificate,
    CourseCompletion,
    CPDActivity,
    ExpiryReminder,
    Requirement,
)
from certification.tasks import expiry_reminders_send
from tests.accounts.factories import UserFactory, country_staff, global_admin
from tests.certification.factories import (
    RUBRIC,
    CandidacyFactory,
    CPDActivityFactory,
    ProgrammeFactory,
    assessor,
    trainer,
)
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db
Kind = Requirement.Kind


def _req(programme, kind):
    return programme.requirements.get(kind=kind)


def test_a_backfill_records_each_completion_once_and_keeps_the_earliest_date(candidacy):
    course_id = _req(candidacy.programme, Kind.COURSE).course_id
    later = timezone.now()
    earlier = later - timedelta(days=30)
    services.completion_evidence_record(
        candidate_user=candidacy.candidate, course_page_id=course_id, completed_at=later
    )
    services.completion_evidence_record(
        candidate_user=candidacy.candidate, course_page_id=course_id, completed_at=earlier
    )
    completion = CourseCompletion.objects.get()
    assert completion.completed_at == earlier
    progress = {p.requirement.kind: p for p in selectors.requirement_progress(candidacy=candidacy)}
    assert progress[Kind.COURSE].met
    assert not progress[Kind.PORTFOLIO].met


def test_a_completion_before_enrolment_counts_when_the_candidate_enrols(programme):
    person = trainer()
    services.completion_evidence_record(
        candidate_user=person,
        course_page_id=_req(programme, Kind.COURSE).course_id,
        completed_at=timezone.now(),
    )
    candidacy = services.candidacy_start(candidate=person, programme=programme)
    assert services.candidacy_start(candidate=person, programme=programme) == candidacy
    progress = {p.requirement.kind: p for p in selectors.requirement_progress(candidacy=candidacy)}
    assert progress[Kind.COURSE].met


def test_only_the_programmes_audience_may_enrol(programme):
    with pytest.raises(PermissionDenied):
        services.candidacy_start(candidate=UserFactory(roles=["worker"]), programme=programme)


def test_a_candidate_cannot_review_their_own_evidence_even_as_an_assessor(programme):
    candidate = assessor(programme)
    candidacy = CandidacyFactory(programme=programme, candidate=candidate)
    submission = services.submission_create(
        candidacy=candidacy, requirement=_req(programme, Kind.PORTFOLIO), title="Plans"
    )
    with pytest.raises(PermissionDenied):
        services.submission_review(submission=submission, reviewer=candidate, decision="approved")


def test_an_assessor_of_another_programme_may_not_review(candidacy):
    other = assessor(ProgrammeFactory())
    submission = services.submission_create(
        candidacy=candidacy, requirement=_req(candidacy.programme, Kind.PORTFOLIO), title="Plans"
    )
    with pytest.raises(PermissionDenied):
        services.submission_review(submission=submission, reviewer=other, decision="approved")
    with pytest.raises(PermissionDenied):
        services.assessment_result_record(
            candidacy=candidacy,
            requirement=_req(candidacy.programme, Kind.ASSESSMENT),
            score=90,
            recorded_by=other,
        )


def test_observed_practice_is_signed_off_only_with_the_whole_rubric(candidacy, reviewer):
    submission = services.submission_create(
        candidacy=candidacy,
        requirement=_req(candidacy.programme, Kind.OBSERVED_PRACTICE),
        title="Session on fair discipline",
    )
    criteria = RUBRIC.splitlines()
    with pytest.raises(ValidationError) as error:
        services.submission_review(
            submission=submission,
            reviewer=reviewer,
            decision="approved",
            rubric_scores={criteria[0]: 4},
        )
    assert "rubric" in error.value.error_dict
    with pytest.raises(ValidationError):
        services.submission_review(
            submission=submission,
            reviewer=reviewer,
            decision="approved",
            rubric_scores=dict.fromkeys(criteria, 5),
        )
    services.submission_review(
        submission=submission,
        reviewer=reviewer,
        decision="approved",
        rubric_scores=dict.fromkeys(criteria, 3),
    )
    submission.refresh_from_db()
    assert submission.status == "approved"
    assert submission.rubric_scores == dict.fromkeys(criteria, 3)
    with pytest.raises(ValidationError):
        services.submission_review(submission=submission, reviewer=reviewer, decision="approved")


def test_asking_for_changes_needs_a_comment(candidacy, reviewer):
    submission = services.submission_create(
        candidacy=candidacy, requirement=_req(candidacy.programme, Kind.PORTFOLIO), title="Plans"
    )
    with pytest.raises(ValidationError):
        services.submission_review(
            submission=submission, reviewer=reviewer, decision="changes_requested"
        )


def test_evidence_cannot_target_a_course_requirement(candidacy):
    with pytest.raises(ValidationError):
        services.submission_create(
            candidacy=candidacy, requirement=_req(candidacy.programme, Kind.COURSE), title="x"
        )


def test_a_resent_cpd_form_is_logged_once():
    person = trainer()
    client_id = "5d2f3c55-8f7c-4a3e-9b0b-0c8d6f1f9a11"
    for _ in range(2):
        services.cpd_activity_log(
            person=person,
            kind="coaching",
            title="Coached two new trainers",
            date=timezone.localdate(),
            hours=Decimal("3"),
            client_id=client_id,
        )
    assert CPDActivity.objects.count() == 1
    assert selectors.cpd_hours_for(person=person) == Decimal("3")


def test_cpd_in_the_future_or_out_of_range_is_refused():
    person = trainer()
    with pytest.raises(ValidationError):
        services.cpd_activity_log(
            person=person,
            kind="coaching",
            title="Later",
            date=timezone.localdate() + timedelta(days=2),
            hours=Decimal("3"),
        )
    with pytest.raises(ValidationError):
        services.cpd_activity_log(
            person=person,
            kind="coaching",
            title="Too long",
            date=timezone.localdate(),
            hours=Decimal("200"),
        )


def test_issue_needs_every_requirement_unless_staff_approve(candidacy):
    with pytest.raises(ValidationError):
        services.certificate_issue(candidacy=candidacy)
    staff = country_staff(code="vn")
    certificate = services.candidacy_approve_issue(candidacy=candidacy, approved_by=staff)
    assert certificate.serial_number == 1
    candidacy.refresh_from_db()
    assert candidacy.approved_by == staff


def test_issuing_takes_a_fixed_few_queries_and_keeps_the_serial(
    programme, issue, django_assert_max_num_queries
):
    first = issue(CandidacyFactory(programme=programme))
    candidacy = CandidacyFactory(programme=programme)
    # Lock, checks, serial, snapshot, status index, insert, candidacy (and 4 savepoints);
    # saving the programme rewrote its search and reference index entries too.
    with django_assert_max_num_queries(14):
        second = issue(candidacy)
    programme.refresh_from_db()
    assert (first.serial_number, second.serial_number, programme.last_serial) == (1, 2, 2)


def test_staff_of_another_country_cannot_approve(candidacy):
    with pytest.raises(PermissionDenied):
        services.candidacy_approve_issue(candidacy=candidacy, approved_by=country_staff("jo"))
    with pytest.raises(PermissionDenied):
        services.candidacy_approve_issue(candidacy=candidacy, approved_by=trainer())


def test_serial_numbers_count_per_programme(programme, issue):
    other = ProgrammeFactory(serial_prefix="BWA")
    first = issue(CandidacyFactory(programme=programme))
    second = issue(CandidacyFactory(programme=programme))
    elsewhere = issue(CandidacyFactory(programme=other))
    assert (first.serial_number, second.serial_number, elsewhere.serial_number) == (1, 2, 1)
    assert first.code != second.code
    assert len(first.code) >= 22


def test_revocation_needs_a_reason_and_staff_of_the_holders_country(candidacy, issue):
    certificate = issue(candidacy)
    with pytest.raises(PermissionDenied):
        services.certificate_revoke(
            certificate=certificate, revoked_by=country_staff("jo"), reason="x"
        )
    with pytest.raises(ValidationError):
        services.certificate_revoke(certificate=certificate, revoked_by=global_admin(), reason=" ")
    mail.outbox.clear()
    services.certificate_revoke(
        certificate=certificate, revoked_by=country_staff("vn"), reason="Evidence was forged."
    )
    certificate.refresh_from_db()
    assert certificate.state == Certificate.State.REVOKED
    assert certificate.revocation_reason == "Evidence was forged."


def test_renewal_needs_the_window_and_the_cpd_hours_of_the_period(candidacy, issue):
    certificate = issue(candidacy)
    holder = certificate.holder
    with pytest.raises(ValidationError, match="Renewal opens"):
        services.certificate_renew(certificate=certificate, renewed_by=holder)
    near_expiry = certificate.expires_on - timedelta(days=30)
    CPDActivityFactory(person=holder, date=certificate.issued_on, hours=Decimal("12"))
    with freeze_time(near_expiry), pytest.raises(ValidationError, match="20"):
        services.certificate_renew(certificate=certificate, renewed_by=holder)
    CPDActivityFactory(person=holder, date=certificate.issued_on, hours=Decimal("8"))
    previous = certificate.expires_on
    with freeze_time(near_expiry):
        renewal = services.certificate_renew(certificate=certificate, renewed_by=holder)
    certificate.refresh_from_db()
    assert renewal.previous_expires_on == previous
    assert certificate.expires_on > previous + timedelta(days=700)
    assert renewal.cpd_hours == Decimal("20")


def test_an_expired_certificate_shows_expired_and_may_still_renew(candidacy, issue):
    certificate = issue(candidacy)
    CPDActivityFactory(person=certificate.holder, date=certificate.issued_on, hours=Decimal("25"))
    after = certificate.expires_on + timedelta(days=10)
    with freeze_time(after):
        assert certificate.state == Certificate.State.EXPIRED
        services.certificate_renew(certificate=certificate, renewed_by=certificate.holder)
        certificate.refresh_from_db()
        assert certificate.state == Certificate.State.VALID


def test_reminders_go_out_90_30_and_7_days_before_expiry_once_each(candidacy, issue):
    certificate = issue(candidacy)
    mail.outbox.clear()
    sent = []
    for days_left in (120, 90, 89, 30, 29, 7, 3):
        with freeze_time(certificate.expires_on - timedelta(days=days_left)):
            sent.append(expiry_reminders_send())
    assert sent == [0, 1, 0, 1, 0, 1, 0]
    assert sorted(ExpiryReminder.objects.values_list("days_before", flat=True)) == [7, 30, 90]
    assert len(mail.outbox) == 3
    assert "expires in 7 days" in mail.outbox[-1].subject


def test_no_reminder_for_a_revoked_certificate(candidacy, issue):
    certificate = issue(candidacy)
    services.certificate_revoke(certificate=certificate, revoked_by=global_admin(), reason="x")
    with freeze_time(certificate.expires_on - timedelta(days=7)):
        assert expiry_reminders_send() == 0


def test_emails_are_written_in_the_recipients_language(programme, issue):
    candidacy = CandidacyFactory(
        programme=programme, candidate=trainer(preferred_language="vi", country=country("vn"))
    )
    mail.outbox.clear()
    issue(candidacy, tasks=True)
    assert mail.outbox
    assert "Chứng chỉ" in mail.outbox[0].subject or "chứng chỉ" in mail.outbox[0].subject


def test_higher_rooms_hear_of_issue_and_revocation_after_commit(
    candidacy, django_capture_on_commit_callbacks
):
    from certification.signals import certificate_issued, certificate_revoked

    heard = []

    def listener(sender, *, certificate, **kwargs):
        heard.append(certificate.pk)

    certificate_issued.connect(listener)
    certificate_revoked.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            certificate = services.certificate_issue(candidacy=candidacy, approved=True)
            assert heard == []
        with django_capture_on_commit_callbacks(execute=True):
            services.certificate_revoke(
                certificate=certificate, revoked_by=global_admin(), reason="x"
            )
    finally:
        certificate_issued.disconnect(listener)
        certificate_revoked.disconnect(listener)
    assert heard == [certificate.pk, certificate.pk]


def test_a_comment_notifies_the_other_side(candidacy, reviewer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submission = services.submission_create(
            candidacy=candidacy, requirement=_req(candidacy.programme, Kind.PORTFOLIO), title="P"
        )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_comment(
            submission=submission, author=candidacy.candidate, body="Which format?"
        )
    assert [m.to for m in mail.outbox] == [[reviewer.email]]
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_comment(submission=submission, author=reviewer, body="PDF please")
    assert mail.outbox[-1].to == [candidacy.candidate.email]
    assert "PDF please" in mail.outbox[-1].body


def test_a_withdrawn_candidate_can_return_with_their_evidence(candidacy, reviewer):
    submission = services.submission_create(
        candidacy=candidacy, requirement=_req(candidacy.programme, Kind.PORTFOLIO), title="P"
    )
    with pytest.raises(PermissionDenied):
        services.candidacy_withdraw(candidacy=candidacy, by=trainer())
    services.candidacy_withdraw(candidacy=candidacy, by=candidacy.candidate)
    with pytest.raises(ValidationError):
        services.submission_create(
            candidacy=candidacy, requirement=_req(candidacy.programme, Kind.PORTFOLIO), title="Q"
        )
    again = services.candidacy_start(candidate=candidacy.candidate, programme=candidacy.programme)
    assert again == candidacy
    again.refresh_from_db()
    assert again.status == "in_progress"
    assert again.submissions.get() == submission


def test_a_certificate_keeps_the_holders_attributes_at_issue(candidacy, issue):
    """Reports count a certificate under its holder's attributes when it was issued
    (issue 16); a later profile change, or a renewal after it (not an event the reports
    count), leaves them as they were."""
    holder = candidacy.candidate
    holder.gender = "woman"
    holder.save()
    certificate = issue(candidacy)
    snapshot = certificate.holder_profile
    assert (snapshot.country_id, snapshot.organisation_id, snapshot.gender) == (
        holder.country_id,
        holder.organisation_id,
        "woman",
    )
    assert list(snapshot.roles.values_list("code", flat=True)) == ["trainer"]
    holder.country = country("jo")
    holder.gender = "man"
    holder.save()
    CPDActivityFactory(person=holder, date=certificate.issued_on, hours=Decimal("25"))
    with freeze_time(certificate.expires_on - timedelta(days=30)):
        services.certificate_renew(certificate=certificate, renewed_by=holder)
    certificate.refresh_from_db()
    assert certificate.holder_profile == snapshot
    assert snapshot.country_id != holder.country_id
