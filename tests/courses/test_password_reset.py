"""Issue 12, hole 3: a new password for someone else only from the people responsible for
them, recorded, and the person told."""

import io

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.urls import reverse

from lms.accounts.models import AccountNotice, User
from tests.accounts.factories import PASSWORD, OrganisationFactory, country_staff
from tests.courses import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("second_factor_for_everyone")]


def slip_password(response):
    return response.content.decode().split('class="slip-secret">')[2].split("<")[0]


@pytest.fixture
def victim(small_programme):
    """A worker without email at a factory, in a class run there by its own trainer."""
    factory = OrganisationFactory(name="Victim Garments")
    worker = factories.learner(email="", organisation=factory, display_name="Hoa")
    own_trainer = factories.trainer(organisation=factory)
    cohort = factories.cohort(small_programme, trainers=[own_trainer], organisation=factory)
    factories.enrol(small_programme, [worker], cohort)
    return worker, own_trainer, cohort


def test_any_trainer_can_no_longer_take_over_a_worker_through_a_cohort_of_their_own(
    client, victim, training
):
    worker, _own_trainer, _cohort = victim
    attacker = factories.trainer()
    other_course = factories.seminar(training)
    client.force_login(attacker)
    response = client.post(
        reverse("courses:cohort_create"),
        {
            "name": "Trap",
            "course": other_course.pk,
            "country": worker.country_id,
            "organisation": worker.organisation_id,
            "language": "vi",
            "start_date": "2026-01-05",
        },
    )
    assert response.status_code == 302
    trap = attacker.cohorts_trained.get()
    client.post(reverse("courses:cohort_enrol", args=[trap.pk]), {"username": worker.username})
    assert trap.enrolments.filter(learner=worker).exists()
    response = client.post(reverse("courses:learner_new_slip", args=[trap.pk, worker.pk]))
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.check_password(PASSWORD)
    assert not AccountNotice.objects.exists()


def test_jordan_staff_cannot_reset_a_vietnamese_worker(client, victim, totp_for):
    worker, _own_trainer, cohort = victim
    jordan = totp_for(country_staff("jo"))
    client.force_login(jordan)
    response = client.post(reverse("courses:learner_new_slip", args=[cohort.pk, worker.pk]))
    assert response.status_code == 404
    worker.refresh_from_db()
    assert worker.check_password(PASSWORD)


def test_the_own_trainer_resets_it_recorded_and_the_worker_is_told_at_sign_in(client, victim):
    worker, own_trainer, cohort = victim
    client.force_login(own_trainer)
    response = client.post(reverse("courses:learner_new_slip", args=[cohort.pk, worker.pk]))
    assert response.status_code == 200
    password = slip_password(response)
    worker.refresh_from_db()
    assert worker.check_password(password)
    entry = LogEntry.objects.get_for_object(worker).filter(actor=own_trainer).latest()
    assert "password reset" in entry.additional_data["what"]
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": worker.username, "password": password}, follow=True
    )
    assert "set a new password for your account" in response.content.decode()
    assert AccountNotice.objects.get(user=worker).shown_at is not None


def test_country_staff_reset_and_a_worker_with_email_is_told_by_email(client, victim, totp_for):
    worker, _own_trainer, cohort = victim
    staff = totp_for(country_staff("vn"))
    client.force_login(staff)
    response = client.post(reverse("courses:learner_new_slip", args=[cohort.pk, worker.pk]))
    assert response.status_code == 200
    worker.refresh_from_db()
    assert worker.check_password(slip_password(response))
    assert AccountNotice.objects.filter(user=worker).count() == 1
    from lms.accounts.services import person_password_reset_notify

    with_email = factories.learner(email="thu@example.org")
    person_password_reset_notify(person=with_email, actor=staff)
    assert mail.outbox[-1].to == ["thu@example.org"]
    assert "new password" in mail.outbox[-1].body


def test_a_trainer_reprints_a_slip_for_an_account_their_class_import_made(client, small_programme):
    trainer = factories.trainer()
    cohort = factories.cohort(
        small_programme, trainers=[trainer], organisation=OrganisationFactory()
    )
    client.force_login(trainer)
    csv_file = io.BytesIO(b"name,role\nMai,worker\n")
    csv_file.name = "class.csv"
    response = client.post(reverse("courses:cohort_import", args=[cohort.pk]), {"file": csv_file})
    assert response.status_code == 200
    worker = User.objects.get(display_name="Mai")
    response = client.post(reverse("courses:learner_new_slip", args=[cohort.pk, worker.pk]))
    assert response.status_code == 200
    worker.refresh_from_db()
    assert worker.check_password(slip_password(response))


def test_a_cohort_export_is_recorded_in_the_audit_trail(client, victim):
    _worker, own_trainer, cohort = victim
    client.force_login(own_trainer)
    response = client.get(reverse("courses:cohort_export", args=[cohort.pk, "csv"]))
    assert response.status_code == 200
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert entry.actor == own_trainer
    assert entry.additional_data["what"] == "cohort learner export"
    assert entry.object_pk == str(cohort.pk)
