"""The privacy notice per language, linked from every page and from sign-up; the retention
task that proposes erasing accounts unused for too long."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import Locale

from lms.privacy.models import ErasureRequest, PrivacyNotice
from lms.privacy.tasks import inactive_accounts_propose_erasure
from tests.accounts.factories import country_staff
from tests.courses.factories import learner

pytestmark = pytest.mark.django_db


@pytest.fixture
def notices():
    english = PrivacyNotice.objects.create(
        locale=Locale.get_default(), title="How we use your data", body="<p>English text</p>"
    )
    vietnamese = english.copy_for_translation(Locale.objects.get(language_code="vi"))
    vietnamese.title = "Cách chúng tôi dùng dữ liệu của bạn"
    vietnamese.body = "<p>Văn bản tiếng Việt</p>"
    vietnamese.save()
    return english, vietnamese


def test_the_notice_is_shown_in_the_readers_language(client, notices):
    assert "English text" in client.get("/en/privacy/").content.decode()
    assert "Văn bản tiếng Việt" in client.get("/vi/privacy/").content.decode()
    # A language without its own copy shows the default language's.
    assert "English text" in client.get("/ar/privacy/").content.decode()


def test_without_a_notice_the_page_says_so(client):
    response = client.get("/en/privacy/")
    assert response.status_code == 200
    assert "has not been published yet" in response.content.decode()


def test_the_footer_and_sign_up_link_to_the_notice(client, home_page):
    with translation.override("en"):
        notice_url = reverse("privacy:notice")
        signup = client.get(reverse("account_signup")).content.decode()
    assert f'href="{notice_url}"' in signup
    assert "Before you join, read our" in signup


def test_a_staff_member_edits_the_notice_in_the_admin(client, second_factor_for_everyone):
    from tests.accounts.factories import global_admin

    client.force_login(global_admin())
    response = client.get(reverse("wagtailsnippets_privacy_privacynotice:add"))
    assert response.status_code == 200


def test_country_staff_cannot_edit_the_notice(client, second_factor_for_everyone, notices):
    client.force_login(country_staff("vn"))
    url = reverse("wagtailsnippets_privacy_privacynotice:edit", args=[notices[0].pk])
    response = client.get(url)
    assert response.status_code in (302, 403)


def test_inactive_accounts_are_proposed_for_erasure_once(settings):
    settings.LMS_INACTIVE_ACCOUNT_RETENTION_DAYS = 365
    settings.LMS_INACTIVE_ACCOUNT_ERASURE = "propose"
    old = timezone.now() - dt.timedelta(days=400)
    dormant = learner(last_login=old)
    never_signed_in = learner()
    type(never_signed_in).objects.filter(pk=never_signed_in.pk).update(date_joined=old)
    recent = learner(last_login=timezone.now() - dt.timedelta(days=10))
    staff = country_staff("vn", last_login=old)
    assert inactive_accounts_propose_erasure() == 2
    proposed = set(ErasureRequest.objects.values_list("person_id", flat=True))
    assert proposed == {dormant.pk, never_signed_in.pk}
    assert recent.pk not in proposed
    assert staff.pk not in proposed
    assert set(ErasureRequest.objects.values_list("source", "status")) == {
        ("retention", "requested")
    }
    assert inactive_accounts_propose_erasure() == 0


def test_retention_can_be_turned_off(settings):
    settings.LMS_INACTIVE_ACCOUNT_RETENTION_DAYS = 0
    learner(last_login=timezone.now() - dt.timedelta(days=4000))
    assert inactive_accounts_propose_erasure() == 0


def test_retention_may_erase_at_once(settings, django_capture_on_commit_callbacks):
    settings.LMS_INACTIVE_ACCOUNT_RETENTION_DAYS = 30
    settings.LMS_INACTIVE_ACCOUNT_ERASURE = "erase"
    person = learner(last_login=timezone.now() - dt.timedelta(days=31), display_name="Old One")
    assert inactive_accounts_propose_erasure() == 1
    person.refresh_from_db()
    assert person.username.startswith("erased-")
    assert not person.is_active
    assert ErasureRequest.objects.get(person=person).status == ErasureRequest.Status.DONE


def test_the_person_asks_and_cancels(client):
    person = learner()
    client.force_login(person)
    page = client.get(reverse("privacy:mine")).content.decode()
    assert "Ask for erasure" in page
    assert client.post(reverse("privacy:erasure_request"), {}).status_code == 302
    assert not ErasureRequest.objects.exists()  # not confirmed
    client.post(reverse("privacy:erasure_request"), {"confirm": "yes"})
    client.post(reverse("privacy:erasure_request"), {"confirm": "yes"})
    assert ErasureRequest.objects.filter(person=person).count() == 1
    assert "Waiting for review" in client.get(reverse("privacy:mine")).content.decode()
    client.post(reverse("privacy:erasure_cancel"))
    assert ErasureRequest.objects.get(person=person).status == "cancelled"


def test_the_privacy_page_needs_sign_in(client):
    response = client.get(reverse("privacy:mine"))
    assert response.status_code == 302
    assert "login" in response["Location"]
