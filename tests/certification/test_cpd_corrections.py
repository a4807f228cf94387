"""Correcting and deleting CPD activities: only their owner, with the same checks as
logging one, never once they counted towards an issued or renewed certificate
(docs/decisions/0402)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from certification import selectors, services
from certification.models import Candidacy, CPDActivity, Requirement
from tests.accounts.factories import country_staff, global_admin
from tests.certification.factories import CandidacyFactory, ProgrammeFactory, requirement, trainer

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def _log(person, *, hours="4", days_ago=10, evidence=None, title="Facilitation workshop"):
    return services.cpd_activity_log(
        person=person,
        kind="course_attended",
        title=title,
        date=timezone.localdate() - timedelta(days=days_ago),
        hours=Decimal(hours),
        evidence=evidence,
    )


def _changes(**fields):
    return {
        "kind": "coaching",
        "title": "Coached two new trainers",
        "date": timezone.localdate() - timedelta(days=3),
        "hours": Decimal("2.5"),
        "description": "",
    } | fields


@pytest.fixture
def cpd_programme(db):
    """A programme whose only requirement is 10 CPD hours (renewal: 20)."""
    programme = ProgrammeFactory()
    requirement(programme, Requirement.Kind.CPD_HOURS)
    return programme


# --- services --------------------------------------------------------------------------


def test_the_owner_corrects_an_activity_with_the_checks_of_logging_one():
    person = trainer()
    activity = _log(person)
    services.cpd_activity_update(activity=activity, by=person, **_changes())
    activity.refresh_from_db()
    assert (activity.title, activity.hours, activity.kind) == (
        "Coached two new trainers",
        Decimal("2.5"),
        "coaching",
    )
    with pytest.raises(ValidationError) as error:
        services.cpd_activity_update(activity=activity, by=person, **_changes(hours=Decimal("81")))
    assert "hours" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.cpd_activity_update(
            activity=activity,
            by=person,
            **_changes(date=timezone.localdate() + timedelta(days=1)),
        )
    assert "date" in error.value.error_dict
    activity.refresh_from_db()
    assert activity.hours == Decimal("2.5")


def test_nobody_else_corrects_or_deletes_an_activity_not_even_staff():
    person = trainer()
    activity = _log(person)
    for other in (trainer(), country_staff("vn"), global_admin()):
        with pytest.raises(PermissionDenied):
            services.cpd_activity_update(activity=activity, by=other, **_changes())
        with pytest.raises(PermissionDenied):
            services.cpd_activity_delete(activity=activity, by=other)
    assert CPDActivity.objects.get().title == "Facilitation workshop"


def test_deleting_an_activity_removes_its_evidence_file(django_capture_on_commit_callbacks):
    person = trainer()
    activity = _log(person, evidence=SimpleUploadedFile("note.pdf", PDF))
    storage, name = activity.evidence.storage, activity.evidence.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        services.cpd_activity_delete(activity=activity, by=person)
    assert not CPDActivity.objects.exists()
    assert not storage.exists(name)


def test_a_replaced_or_removed_evidence_file_is_deleted(django_capture_on_commit_callbacks):
    person = trainer()
    activity = _log(person, evidence=SimpleUploadedFile("note.pdf", PDF))
    first = activity.evidence.name
    with django_capture_on_commit_callbacks(execute=True):
        services.cpd_activity_update(
            activity=activity,
            by=person,
            **_changes(),
            evidence=SimpleUploadedFile("better.pdf", PDF),
        )
    activity.refresh_from_db()
    second = activity.evidence.name
    assert second != first
    assert not activity.evidence.storage.exists(first)
    with django_capture_on_commit_callbacks(execute=True):
        services.cpd_activity_update(
            activity=activity, by=person, **_changes(), remove_evidence=True
        )
    activity.refresh_from_db()
    assert not activity.evidence
    assert not activity.evidence.storage.exists(second)


def test_more_hours_after_a_correction_issue_the_certificate(
    cpd_programme, django_capture_on_commit_callbacks
):
    candidacy = CandidacyFactory(programme=cpd_programme)
    person = candidacy.candidate
    activity = _log(person, hours="4")
    with django_capture_on_commit_callbacks(execute=True):
        services.cpd_activity_update(activity=activity, by=person, **_changes(hours=Decimal("10")))
    candidacy.refresh_from_db()
    assert candidacy.status == Candidacy.Status.CERTIFIED


def test_an_activity_that_counted_towards_an_issued_certificate_is_locked(cpd_programme, issue):
    candidacy = CandidacyFactory(programme=cpd_programme)
    person = candidacy.candidate
    counted = _log(person, hours="10")
    certificate = issue(candidacy)
    later = _log(person, hours="3", title="Logged after the issue")
    assert selectors.cpd_activity_lock(activity=counted).certificate == certificate
    with pytest.raises(ValidationError, match=certificate.serial):
        services.cpd_activity_update(activity=counted, by=person, **_changes())
    with pytest.raises(ValidationError, match="can no longer be changed"):
        services.cpd_activity_delete(activity=counted, by=person)
    counted.refresh_from_db()
    assert counted.hours == Decimal("10")
    # Logged after the issue: it counted towards nothing yet.
    services.cpd_activity_update(activity=later, by=person, **_changes())
    services.cpd_activity_delete(activity=later, by=person)


def test_activities_outside_the_counted_period_or_programme_stay_editable(issue):
    # A programme without a CPD requirement counted no hours when it issued.
    programme = ProgrammeFactory()
    requirement(programme, Requirement.Kind.PORTFOLIO, required_count=1)
    candidacy = CandidacyFactory(programme=programme)
    person = candidacy.candidate
    activity = _log(person)
    old = _log(person, days_ago=800, title="Long before the candidacy")
    issue(candidacy)
    assert selectors.cpd_activity_lock(activity=activity) is None
    assert selectors.cpd_activity_lock(activity=old) is None


def test_an_activity_cannot_be_moved_into_a_period_already_counted(cpd_programme, issue):
    candidacy = CandidacyFactory(programme=cpd_programme)
    person = candidacy.candidate
    old = _log(person, days_ago=800, title="Long before the candidacy")
    issue(candidacy)
    assert selectors.cpd_activity_lock(activity=old) is None
    with pytest.raises(ValidationError) as error:
        services.cpd_activity_update(activity=old, by=person, **_changes())
    assert "already counted" in str(error.value.error_dict["date"])
    services.cpd_activity_update(
        activity=old, by=person, **_changes(date=timezone.localdate() - timedelta(days=790))
    )


def test_a_renewal_locks_the_activities_of_its_period(cpd_programme, issue):
    candidacy = CandidacyFactory(programme=cpd_programme)
    person = candidacy.candidate
    certificate = issue(candidacy)
    period = _log(person, hours="20", days_ago=0, title="Logged during the validity")
    near_expiry = certificate.expires_on - timedelta(days=30)
    assert selectors.cpd_activity_lock(activity=period) is None
    with freeze_time(near_expiry):
        services.certificate_renew(certificate=certificate, renewed_by=person)
    lock = selectors.cpd_activity_lock(activity=period)
    assert lock.is_renewal
    assert lock.certificate == certificate
    with freeze_time(near_expiry + timedelta(days=2)):
        after = _log(person, hours="2", days_ago=1, title="After the renewal")
        assert selectors.cpd_activity_lock(activity=after) is None
        with pytest.raises(ValidationError, match="renewal"):
            services.cpd_activity_delete(activity=period, by=person)


# --- views -----------------------------------------------------------------------------


def _urls(activity):
    return (
        reverse("certification:cpd_edit", args=[activity.pk]),
        reverse("certification:cpd_delete", args=[activity.pk]),
    )


def _form(**fields):
    return {
        "kind": "coaching",
        "title": "Coached two new trainers",
        "date": (timezone.localdate() - timedelta(days=3)).isoformat(),
        "hours": "2.5",
        "description": "Observed their first sessions.",
    } | fields


def test_anonymous_visitors_are_sent_to_sign_in(client):
    activity = _log(trainer())
    for url in _urls(activity):
        assert "/accounts/login/" in client.get(url)["Location"]
        assert "/accounts/login/" in client.post(url, _form())["Location"]
    assert CPDActivity.objects.get().title == "Facilitation workshop"


@pytest.mark.parametrize(
    "other",
    [trainer, lambda: country_staff("vn"), lambda: country_staff("jo"), global_admin],
    ids=["another person", "staff of the country", "another country's staff", "global admin"],
)
def test_only_the_owner_opens_or_sends_the_forms(client, other):
    activity = _log(trainer())
    client.force_login(other())
    for url in _urls(activity):
        assert client.get(url).status_code == 403
        assert client.post(url, _form()).status_code == 403
    assert CPDActivity.objects.get().title == "Facilitation workshop"


def test_unknown_activities_are_not_found(client):
    client.force_login(trainer())
    assert client.get(reverse("certification:cpd_edit", args=[999999])).status_code == 404


def test_the_owner_corrects_an_activity_and_bad_input_is_shown_again(client):
    person = trainer()
    activity = _log(person)
    client.force_login(person)
    edit, _delete = _urls(activity)
    page = client.get(edit).content.decode()
    assert 'value="Facilitation workshop"' in page
    response = client.post(edit, _form(hours="500", title="Coached three new trainers"))
    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="Coached three new trainers"' in body
    assert "80" in body
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(edit, _form(date=tomorrow))
    assert response.status_code == 400
    assert "once they have happened" in response.content.decode()
    response = client.post(
        edit, _form(evidence=SimpleUploadedFile("note.pdf", b"MZ\x90\x00 not a pdf"))
    )
    assert response.status_code == 400
    assert "does not match its type" in response.content.decode()
    activity.refresh_from_db()
    assert activity.title == "Facilitation workshop"
    response = client.post(edit, _form(evidence=SimpleUploadedFile("note.pdf", PDF)), follow=True)
    assert response.redirect_chain[-1][0] == reverse("certification:cpd")
    assert "Your CPD activity is corrected." in response.content.decode()
    activity.refresh_from_db()
    assert (activity.title, activity.hours) == ("Coached two new trainers", Decimal("2.5"))
    assert activity.evidence.name.endswith(".pdf")


def test_deleting_asks_first_and_needs_the_forms_token():
    person = trainer()
    activity = _log(person)
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    _edit, delete = _urls(activity)
    page = client.get(delete)
    assert page.status_code == 200
    body = page.content.decode()
    assert "This cannot be undone." in body
    assert CPDActivity.objects.exists()
    assert client.post(delete).status_code == 403
    assert CPDActivity.objects.exists()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    response = client.post(delete, {"csrfmiddlewaretoken": token}, follow=True)
    assert "The CPD activity is deleted." in response.content.decode()
    assert not CPDActivity.objects.exists()


def test_a_counted_activity_offers_no_changes_and_refuses_them(client, cpd_programme, issue):
    candidacy = CandidacyFactory(programme=cpd_programme)
    person = candidacy.candidate
    activity = _log(person, hours="10")
    certificate = issue(candidacy)
    client.force_login(person)
    log = client.get(reverse("certification:cpd")).content.decode()
    edit, delete = _urls(activity)
    assert f"Counted towards {certificate.serial}" in log
    assert edit not in log
    for url in (edit, delete):
        response = client.post(url, _form(), follow=True)
        assert response.redirect_chain[-1][0] == reverse("certification:cpd")
        assert "can no longer be changed" in response.content.decode()
    activity.refresh_from_db()
    assert activity.hours == Decimal("10")


def test_the_log_costs_the_same_with_more_activities_certificates_and_renewals(
    client, cpd_programme, issue, django_assert_max_num_queries
):
    candidacy = CandidacyFactory(programme=cpd_programme)
    person = candidacy.candidate
    _log(person, hours="20")
    certificate = issue(candidacy)
    client.force_login(person)
    url = reverse("certification:cpd")
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200
    other = ProgrammeFactory()
    requirement(other, Requirement.Kind.CPD_HOURS)
    issue(CandidacyFactory(programme=other, candidate=person))
    _log(person, hours="20", days_ago=0, title="Logged for the renewal")
    with freeze_time(certificate.expires_on - timedelta(days=30)):
        services.certificate_renew(certificate=certificate, renewed_by=person)
    for n in range(25):
        _log(person, hours="1", days_ago=n, title=f"Reading circle {n}")
    with django_assert_max_num_queries(10):
        body = client.get(url).content.decode()
    assert body.count("Counted towards") >= 2
    assert "Reading circle 24" in body
