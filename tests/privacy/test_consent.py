"""Gender and migrant status: asked with the reason, kept only with consent (recorded with
its time), withdrawable; withdrawing clears the answer and takes it out of the reports."""

import pytest
from django.apps import apps
from django.urls import reverse

from lms.accounts.models import DemographicConsent
from lms.privacy.receivers import SNAPSHOT_HOLDERS
from lms.records.models import PersonSnapshot
from lms.reports.filters import ReportFilters
from lms.reports.selectors import participation_by, participation_totals
from tests.courses.factories import learner

pytestmark = pytest.mark.django_db

PROFILE = {"display_name": "Hoa", "preferred_language": "en", "sector": ""}


def test_the_profile_shows_why_each_sensitive_field_is_asked(client):
    client.force_login(learner())
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Why we ask: Better Work reports how many women and men" in page
    assert "Why we ask: Better Work reports how many migrant workers" in page
    assert 'name="consent_gender"' in page
    assert 'name="consent_migrant_status"' in page


def test_an_answer_without_consent_is_refused_and_shown_again(client):
    person = learner()
    client.force_login(person)
    response = client.post(
        reverse("accounts:profile"), {**PROFILE, "gender": "woman", "migrant_status": "migrant"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "To keep your answer about gender, tick this box" in page
    assert '<option value="woman" selected>' in page
    person.refresh_from_db()
    assert person.gender == ""
    assert person.migrant_status == ""
    assert not DemographicConsent.objects.exists()


def test_consent_is_recorded_with_its_time_and_withdrawn_from_the_privacy_page(client):
    person = learner()
    client.force_login(person)
    client.post(
        reverse("accounts:profile"),
        {
            **PROFILE,
            "gender": "woman",
            "consent_gender": "on",
            "migrant_status": "migrant",
            "consent_migrant_status": "on",
        },
    )
    person.refresh_from_db()
    assert (person.gender, person.migrant_status) == ("woman", "migrant")
    consent = DemographicConsent.objects.get(user=person, field="gender")
    assert consent.given_at
    assert consent.withdrawn_at is None
    page = client.get(reverse("privacy:mine")).content.decode()
    assert "Withdraw consent and delete my answer about gender" in page

    response = client.post(reverse("privacy:consent_withdraw"), {"field": "gender"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.gender == ""
    assert person.migrant_status == "migrant"
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    # Unticking the box in the profile withdraws too.
    client.post(reverse("accounts:profile"), {**PROFILE, "migrant_status": ""})
    person.refresh_from_db()
    assert person.migrant_status == ""
    assert not DemographicConsent.objects.filter(user=person, withdrawn_at__isnull=True).exists()


def test_withdrawing_takes_the_answer_out_of_every_report(data):
    from lms.accounts.services import consent_record, consent_withdraw

    everyone = ReportFilters()
    women_before = {r["value"]: r for r in participation_by(everyone, "gender")}["woman"]
    total_before = participation_totals(everyone)
    consent_record(user=data.w1, field="gender")
    consent_withdraw(user=data.w1, field="gender")
    women_after = {r["value"]: r for r in participation_by(everyone, "gender")}["woman"]
    assert women_after["participants"] == women_before["participants"] - 1
    assert participation_totals(everyone) == total_before  # still counted, without gender
    assert participation_totals(ReportFilters(migrant_status="migrant"))["participants"] == 1
    assert not PersonSnapshot.objects.filter(
        pk__in=data.w1.enrolments.values("learner_profile")
    ).exclude(gender="")


def test_every_table_with_a_snapshot_is_known_to_the_withdrawal():
    holders = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is PersonSnapshot:
                holders.add(model._meta.label)
    assert holders == set(SNAPSHOT_HOLDERS)


def test_withdrawing_needs_a_signed_in_person_and_a_post(client):
    assert client.post(reverse("privacy:consent_withdraw"), {"field": "gender"}).status_code == 302
    client.force_login(learner())
    assert client.get(reverse("privacy:consent_withdraw")).status_code == 405
    assert client.post(reverse("privacy:consent_withdraw"), {"field": "email"}).status_code == 400
