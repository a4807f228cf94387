"""Views: who may open what (anonymous, wrong role, another country's staff), forms that
re-display input with translated errors, uploads validated, and query budgets."""

import datetime
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from certification import services
from certification.models import CPDActivity, Requirement, Submission
from tests.accounts.factories import UserFactory, country_staff, global_admin
from tests.certification.factories import RUBRIC, CandidacyFactory, assessor, trainer
from tests.first_request import forget_what_processes_keep
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db
Kind = Requirement.Kind
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def _submission(candidacy, kind=Kind.PORTFOLIO, title="Lesson plans"):
    return services.submission_create(
        candidacy=candidacy,
        requirement=candidacy.programme.requirements.get(kind=kind),
        title=title,
    )


def test_anonymous_visitors_are_sent_to_sign_in(client, candidacy):
    for name, args in [
        ("home", []),
        ("candidacy", [candidacy.pk]),
        ("cpd", []),
        ("review_queue", []),
        ("manage", []),
    ]:
        response = client.get(reverse(f"certification:{name}", args=args))
        assert response.status_code == 302, name
        assert "/accounts/login/" in response["Location"]


def test_the_programme_page_is_public_and_a_trainer_can_enrol(client, programme):
    url = reverse("certification:programme", args=[programme.slug])
    assert client.get(url).status_code == 200
    person = trainer()
    client.force_login(person)
    assert "Become a candidate" in client.get(url).content.decode()
    response = client.post(reverse("certification:enrol", args=[programme.slug]))
    assert response.status_code == 302
    assert person.candidacies.filter(programme=programme).exists()


def test_a_worker_cannot_enrol_in_a_trainer_programme(client, programme):
    client.force_login(UserFactory(roles=["worker"]))
    client.post(reverse("certification:enrol", args=[programme.slug]))
    assert not programme.candidacies.exists()


def test_a_candidacy_is_seen_by_its_candidate_assessors_and_country_staff_only(
    client, candidacy, reviewer, totp_for
):
    url = reverse("certification:candidacy", args=[candidacy.pk])
    allowed = [candidacy.candidate, reviewer, country_staff("vn"), global_admin()]
    refused = [
        trainer(),
        country_staff("jo"),
        assessor(
            type(candidacy.programme).objects.create(
                locale=candidacy.programme.locale,
                title="Other",
                slug="other",
                audience="trainer",
                serial_prefix="X",
            )
        ),
    ]
    for person in allowed:
        client.force_login(totp_for(person))
        assert client.get(url).status_code == 200, person
    for person in refused:
        client.force_login(totp_for(person))
        assert client.get(url).status_code == 403, person


def test_the_candidacy_page_costs_the_same_with_more_evidence(
    client, candidacy, django_assert_max_num_queries
):
    client.force_login(candidacy.candidate)
    url = reverse("certification:candidacy", args=[candidacy.pk])
    _submission(candidacy)
    client.get(url)  # warm the per-process caches (locales, sites)
    # Session, the person with their role codes (decision 0031), candidacy with its
    # certificate, requirements, their titles, course completions, assessment results,
    # approved evidence, submissions.
    with django_assert_max_num_queries(9):
        client.get(url)
    for n in range(12):
        _submission(candidacy, title=f"Plan {n}")
    with django_assert_max_num_queries(9):
        assert client.get(url).status_code == 200


def test_submitting_evidence_validates_the_upload_and_keeps_the_input(client, candidacy):
    client.force_login(candidacy.candidate)
    url = reverse("certification:submission_create", args=[candidacy.pk])
    portfolio = candidacy.programme.requirements.get(kind=Kind.PORTFOLIO)
    response = client.post(
        url,
        {
            "requirement": portfolio.pk,
            "title": "My lesson plans",
            "file": SimpleUploadedFile("plans.pdf", b"MZ\x90\x00 not a pdf"),
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "does not match its type" in body
    assert 'value="My lesson plans"' in body
    response = client.post(
        url,
        {
            "requirement": portfolio.pk,
            "title": "My lesson plans",
            "file": SimpleUploadedFile("plans.pdf", PDF),
        },
    )
    assert response.status_code == 302
    assert Submission.objects.get().file.name.endswith(".pdf")


def test_someone_else_cannot_submit_evidence_for_a_candidate(client, candidacy, reviewer, totp_for):
    client.force_login(totp_for(reviewer))
    url = reverse("certification:submission_create", args=[candidacy.pk])
    portfolio = candidacy.programme.requirements.get(kind=Kind.PORTFOLIO)
    response = client.post(url, {"requirement": portfolio.pk, "title": "x"})
    assert response.status_code == 403


def test_the_assessor_queue_lists_only_their_programmes_and_never_their_own(
    client, candidacy, reviewer, django_assert_max_num_queries, totp_for
):
    _submission(candidacy)
    own = CandidacyFactory(programme=candidacy.programme, candidate=reviewer)
    _submission(own, title="My own plans")
    client.force_login(totp_for(reviewer))
    url = reverse("certification:review_queue")
    with django_assert_max_num_queries(8):
        body = client.get(url).content.decode()
    assert "Lesson plans" in body
    assert "My own plans" not in body
    for n in range(10):
        _submission(CandidacyFactory(programme=candidacy.programme), title=f"Other {n}")
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200
    client.force_login(totp_for(trainer()))
    assert client.get(url).status_code == 403


def test_an_assessor_signs_off_observed_practice_with_the_rubric(
    client, candidacy, reviewer, totp_for
):
    submission = _submission(candidacy, kind=Kind.OBSERVED_PRACTICE, title="Session 1")
    url = reverse("certification:review", args=[submission.pk])
    client.force_login(totp_for(candidacy.candidate))
    assert client.get(url).status_code == 403
    client.force_login(totp_for(reviewer))
    response = client.post(url, {"decision": "approved", "comment": "Good"})
    assert response.status_code == 400
    assert "Score every criterion" in response.content.decode()
    data = {"decision": "approved", "comment": "Good"}
    data |= {f"criterion_{i}": "3" for i, _ in enumerate(RUBRIC.splitlines())}
    assert client.post(url, data).status_code == 302
    submission.refresh_from_db()
    assert submission.status == "approved"


def test_the_candidate_resubmits_after_changes_are_requested(client, candidacy, reviewer):
    submission = _submission(candidacy)
    services.submission_review(
        submission=submission,
        reviewer=reviewer,
        decision="changes_requested",
        comment="Add the attendance sheets",
    )
    client.force_login(candidacy.candidate)
    url = reverse("certification:submission", args=[submission.pk])
    assert "Add the attendance sheets" in client.get(url).content.decode()
    response = client.post(url, {"action": "resubmit", "body": "Added the sheets"})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == "submitted"
    client.force_login(trainer())
    assert client.get(url).status_code == 403


def test_cpd_logging_is_not_doubled_by_a_resent_form(client, django_assert_max_num_queries):
    person = trainer()
    client.force_login(person)
    url = reverse("certification:cpd")
    data = {
        "kind": "peer_learning",
        "title": "Trainers' community of practice",
        "date": "2026-01-15",
        "hours": "2.5",
        "client_id": str(uuid.uuid4()),
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert CPDActivity.objects.filter(person=person).count() == 1
    bad = client.post(url, {**data, "hours": "500", "client_id": str(uuid.uuid4())})
    assert bad.status_code == 400
    assert 'value="Trainers&#x27; community of practice"' in bad.content.decode()
    with django_assert_max_num_queries(8):
        client.get(url)
    for n in range(20):
        CPDActivity.objects.create(
            person=person, kind="self_study", title=f"Reading {n}", date="2026-01-01", hours=1
        )
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200


def test_staff_manage_only_their_countrys_candidates(client, programme, issue, totp_for):
    vn = CandidacyFactory(programme=programme, candidate=trainer(display_name="Vietnam Trainer"))
    jo = CandidacyFactory(
        programme=programme, candidate=trainer(display_name="Jordan Trainer", country=country("jo"))
    )
    issue(vn)
    client.force_login(totp_for(country_staff("vn")))
    body = client.get(reverse("certification:manage")).content.decode()
    assert "Vietnam Trainer" in body
    assert "Jordan Trainer" not in body
    response = client.post(reverse("certification:approve_issue", args=[jo.pk]))
    assert response.status_code == 403
    client.force_login(totp_for(trainer()))
    assert client.get(reverse("certification:manage")).status_code == 403


def test_staff_approve_the_issue_and_revoke_with_a_reason(client, candidacy, totp_for):
    staff = country_staff("vn")
    client.force_login(totp_for(staff))
    response = client.post(reverse("certification:approve_issue", args=[candidacy.pk]))
    certificate = candidacy.candidate.certificates.get()
    assert response["Location"] == reverse("certification:certificate", args=[certificate.code])
    url = reverse("certification:certificate", args=[certificate.code])
    response = client.post(url, {"action": "revoke", "reason": ""})
    assert response.status_code == 400
    response = client.post(url, {"action": "revoke", "reason": "Forged attendance"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.revoked_by == staff
    client.force_login(totp_for(country_staff("jo")))
    assert client.get(url).status_code == 403


def test_the_holder_cannot_revoke_their_own_certificate(client, candidacy, issue):
    certificate = issue(candidacy)
    client.force_login(candidacy.candidate)
    url = reverse("certification:certificate", args=[certificate.code])
    client.post(url, {"action": "revoke", "reason": "oops"})
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


def test_evidence_files_are_served_only_to_the_candidate_assessors_and_staff(
    client, candidacy, reviewer, totp_for
):
    submission = services.submission_create(
        candidacy=candidacy,
        requirement=candidacy.programme.requirements.get(kind=Kind.PORTFOLIO),
        title="Plans",
        file=SimpleUploadedFile("plans.pdf", PDF),
    )
    url = reverse("certification:submission_file", args=[submission.pk])
    for person, status in [
        (candidacy.candidate, 200),
        (reviewer, 200),
        (country_staff("vn"), 200),
        (country_staff("jo"), 403),
        (trainer(), 403),
    ]:
        client.force_login(totp_for(person))
        assert client.get(url).status_code == status, person
    activity = services.cpd_activity_log(
        person=candidacy.candidate,
        kind="coaching",
        title="Coaching",
        date=datetime.date(2026, 1, 2),
        hours=2,
        evidence=SimpleUploadedFile("note.pdf", PDF),
    )
    url = reverse("certification:cpd_evidence", args=[activity.pk])
    client.force_login(totp_for(candidacy.candidate))
    assert client.get(url).status_code == 200
    client.force_login(totp_for(trainer()))
    assert client.get(url).status_code == 403


def test_the_candidates_page_and_staff_page_cost_the_same_with_more_data(
    client, programme, issue, django_assert_max_num_queries, totp_for
):
    person = trainer()
    issue(CandidacyFactory(programme=programme, candidate=person))
    staff = global_admin()
    pages = [(person, reverse("certification:home")), (staff, reverse("certification:manage"))]
    counts = {}
    for user, url in pages:  # warm what each process keeps (locales, taxonomy terms)
        client.force_login(totp_for(user))
        assert client.get(url).status_code == 200
    for _size in ("small", "large"):
        for user, url in pages:
            client.force_login(totp_for(user))
            with django_assert_max_num_queries(10) as captured:
                assert client.get(url).status_code == 200
            counts.setdefault(url, []).append(len(captured))
        for _ in range(12):
            issue(CandidacyFactory(programme=programme, candidate=trainer(country=country("jo"))))
    # Issue 14: at most ten queries, the same with thirteen times the candidates.
    assert all(small == large for small, large in counts.values()), counts


def test_staff_filter_certificates_by_status(client, programme, issue, totp_for):
    valid = issue(CandidacyFactory(programme=programme, candidate=trainer(display_name="Valid Va")))
    revoked = issue(
        CandidacyFactory(programme=programme, candidate=trainer(display_name="Revoked Ro"))
    )
    services.certificate_revoke(certificate=revoked, revoked_by=global_admin(), reason="x")
    client.force_login(totp_for(global_admin()))
    body = client.get(reverse("certification:manage") + "?state=revoked").content.decode()
    assert revoked.serial in body
    assert valid.serial not in body


def test_a_candidate_withdraws_from_the_candidacy_page(client, candidacy):
    client.force_login(candidacy.candidate)
    url = reverse("certification:candidacy", args=[candidacy.pk])
    body = client.get(url).content.decode()
    assert body.count("Withdraw from the programme") == 1
    assert body.index("<title>") < body.index("</title>") < body.index("Withdraw from")
    client.force_login(trainer())
    assert client.post(reverse("certification:withdraw", args=[candidacy.pk])).status_code == 403
    client.force_login(candidacy.candidate)
    client.post(reverse("certification:withdraw", args=[candidacy.pk]))
    candidacy.refresh_from_db()
    assert candidacy.status == "withdrawn"


def test_an_oversized_upload_is_refused_with_the_limit(client, candidacy, settings):
    settings.CERTIFICATION_EVIDENCE_MAX_BYTES = 1024
    client.force_login(candidacy.candidate)
    portfolio = candidacy.programme.requirements.get(kind=Kind.PORTFOLIO)
    response = client.post(
        reverse("certification:submission_create", args=[candidacy.pk]),
        {
            "requirement": portfolio.pk,
            "title": "Big scan",
            "file": SimpleUploadedFile("scan.pdf", PDF + b"0" * 4096),
        },
    )
    assert response.status_code == 400
    assert "too large" in response.content.decode()
    assert not Submission.objects.exists()


def test_the_conversation_page_costs_the_same_with_more_comments(
    client, candidacy, reviewer, django_assert_max_num_queries
):
    """The first request (what each process keeps forgotten) at ten queries or fewer, the
    same with ten comments more: session, person, submission, requirement title, locale,
    comments with their authors."""
    submission = _submission(candidacy)
    url = reverse("certification:submission", args=[submission.pk])
    client.force_login(candidacy.candidate)
    counts = []
    for comments in (0, 10):
        for n in range(comments):
            services.submission_comment(submission=submission, author=reviewer, body=f"Note {n}")
        forget_what_processes_keep()
        with django_assert_max_num_queries(10) as captured:
            body = client.get(url).content.decode()
        counts.append(len(captured))
    assert "Note 9" in body
    assert counts[0] == counts[1], counts


def test_the_holders_certificate_page_offers_the_downloads(
    client, candidacy, issue, django_assert_max_num_queries
):
    certificate = issue(candidacy, tasks=True)  # the PDF rendered
    client.force_login(candidacy.candidate)
    url = reverse("certification:certificate", args=[certificate.code])
    forget_what_processes_keep()
    with django_assert_max_num_queries(10):  # the first request
        body = client.get(url).content.decode()
    for name in ("certificate_pdf", "credential"):
        assert reverse(f"certification:{name}", args=[certificate.code]) in body
    assert reverse("certification_api:badge_assertion", args=[certificate.code]) in body
    assert "Revoke the certificate" not in body


def test_the_conversation_and_certificate_pages_take_ten_queries_at_most_at_two_sizes(
    client, candidacy, programme, reviewer, issue, django_assert_max_num_queries
):
    """Issue 14: each page at ten queries or fewer, the same with ten comments more and
    five other holders' certificates, measured on a process's first request (what each
    process keeps forgotten) and on the one after."""
    submission = _submission(candidacy)
    certificate = issue(candidacy, tasks=True)
    urls = {
        "conversation": reverse("certification:submission", args=[submission.pk]),
        "certificate": reverse("certification:certificate", args=[certificate.code]),
    }
    client.force_login(candidacy.candidate)
    counts = {}
    for size in ("small", "larger"):
        if size == "larger":
            for n in range(10):
                services.submission_comment(
                    submission=submission, author=reviewer, body=f"Note {n}"
                )
            for _other in range(5):
                issue(CandidacyFactory(programme=programme))
        for name, url in urls.items():
            forget_what_processes_keep()
            for request in ("first", "again"):
                with django_assert_max_num_queries(10) as captured:
                    assert client.get(url).status_code == 200
                counts[name, request, size] = len(captured)
    for name in urls:
        for request in ("first", "again"):
            assert counts[name, request, "small"] == counts[name, request, "larger"], counts
    assert "Note 9" in client.get(urls["conversation"]).content.decode()


def test_the_other_certification_pages_take_ten_queries_at_most_at_two_sizes(
    client, programme, candidacy, reviewer, issue, totp_for, django_assert_max_num_queries
):
    """Issue 14 for the rest of the room: the programme page (anonymous, a trainer, a
    candidate), the public verification page, the hosted Open Badges assertion and the
    assessors' queue, each on a process's first request (what each process keeps
    forgotten) at ten queries or fewer, the same with twelve candidates, their evidence
    and five certificates more."""
    certificate = issue(CandidacyFactory(programme=programme))
    _submission(candidacy)
    totp_for(reviewer)
    visitors = {
        "programme, anonymous": (None, reverse("certification:programme", args=[programme.slug])),
        "programme, trainer": (
            trainer(),
            reverse("certification:programme", args=[programme.slug]),
        ),
        "programme, candidate": (
            candidacy.candidate,
            reverse("certification:programme", args=[programme.slug]),
        ),
        "verification": (None, f"/verify/{certificate.code}/"),
        "assertion": (
            None,
            reverse("certification_api:badge_assertion", args=[certificate.code]),
        ),
        "assessors' queue": (reviewer, reverse("certification:review_queue")),
    }
    counts = {}
    for size in ("small", "larger"):
        if size == "larger":
            for n in range(12):
                _submission(CandidacyFactory(programme=programme), title=f"Other {n}")
            for _other in range(5):
                issue(CandidacyFactory(programme=programme))
        for name, (person, url) in visitors.items():
            client.logout()
            if person is not None:
                client.force_login(person)
            forget_what_processes_keep()
            with django_assert_max_num_queries(10) as captured:
                assert client.get(url).status_code == 200, name
            counts[name, size] = len(captured)
    for name in visitors:
        assert counts[name, "small"] == counts[name, "larger"], counts


def test_the_dashboard_panel_lists_certificates_and_candidacies(rf, candidacy, programme, issue):
    from django.template import Context, Template

    other = CandidacyFactory(programme=programme)
    certificate = issue(other)
    request = rf.get("/")
    request.user = other.candidate
    html = Template("{% load certification_tags %}{% certification_panel %}").render(
        Context({"request": request})
    )
    assert reverse("certification:certificate", args=[certificate.code]) in html
    request.user = candidacy.candidate
    html = Template("{% load certification_tags %}{% certification_panel %}").render(
        Context({"request": request})
    )
    assert reverse("certification:candidacy", args=[candidacy.pk]) in html


def test_a_resent_evidence_form_is_stored_once(client, candidacy):
    client.force_login(candidacy.candidate)
    url = reverse("certification:submission_create", args=[candidacy.pk])
    data = {
        "requirement": candidacy.programme.requirements.get(kind=Kind.PORTFOLIO).pk,
        "title": "Lesson plans",
        "client_id": str(uuid.uuid4()),
    }
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Submission.objects.count() == 1
