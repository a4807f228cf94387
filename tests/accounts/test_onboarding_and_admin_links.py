"""Issue 21.3: each onboarding step explains itself in the staff member's language; the site
links staff to the admin, the admin's dashboard to the reports; the People list offers the
bulk upload; a shared video is listed for every country's staff; opening a person in the
admin is recorded in the audit trail."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from tests.accounts.factories import PASSWORD, UserFactory, country_staff, global_admin
from tests.courses.factories import learner
from tests.media_library.factories import VideoFactory
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db


def test_the_totp_step_explains_itself(client):
    staff = country_staff("vn")
    client.force_login(staff)
    response = client.get(reverse("mfa_activate_totp"), follow=True)
    page = response.content.decode()
    # allauth may first ask for the password again; both steps explain why.
    assert (
        "Step 1 of 2: staff see other people's personal data" in page
        or "Why your password again" in page
    )


def test_the_password_re_prompt_explains_itself(client):
    client.force_login(country_staff("vn"))
    page = client.get(reverse("account_reauthenticate")).content.decode()
    assert "Why your password again" in page


def test_recovery_codes_explain_themselves(client, totp_for):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    staff = totp_for(country_staff("vn"))
    RecoveryCodes.activate(staff)
    client.force_login(staff)
    page = client.get(reverse("mfa_view_recovery_codes"), follow=True).content.decode()
    assert (
        "Step 2 of 2: these recovery codes let you sign in if you lose your phone" in page
        or "Why your password again" in page
    )


def test_the_steps_speak_the_staff_members_language(client, settings):
    from django.utils import translation

    client.force_login(country_staff("vn", preferred_language="vi"))
    with translation.override("vi"):
        url = reverse("account_reauthenticate")
    response = client.get(url)
    assert response.status_code == 200
    assert 'lang="vi"' in response.content.decode()


def test_staff_see_a_link_to_the_admin_and_learners_do_not(client, home_page):
    client.force_login(country_staff("vn"))
    page = client.get(reverse("accounts:profile")).content.decode()
    assert f'href="{reverse("wagtailadmin_home")}"' in page
    client.force_login(learner())
    page = client.get(reverse("accounts:profile")).content.decode()
    assert f'href="{reverse("wagtailadmin_home")}"' not in page


def test_the_admin_dashboard_links_to_the_reports(client, totp_for):
    client.force_login(totp_for(country_staff("vn")))
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert f'href="{reverse("reports_dashboard")}"' in page
    assert "Open the impact reports" in page
    assert reverse("audit-trail:index") not in page  # global staff only
    client.force_login(totp_for(global_admin()))
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert f'href="{reverse("audit-trail:index")}"' in page


def test_the_people_list_links_to_the_bulk_upload(client, totp_for):
    client.force_login(totp_for(country_staff("vn")))
    page = client.get(reverse("people:index")).content.decode()
    assert f'href="{reverse("people:import")}"' in page
    assert "Add people from a file" in page


def test_shared_videos_are_listed_for_country_staff_but_not_editable(client, totp_for):
    shared = VideoFactory(title="At the Factory Gates 1", country=None)
    VideoFactory(title="Jordan only", country=country("jo"))
    VideoFactory(title="Vietnam only", country=country("vn"))
    client.force_login(totp_for(country_staff("vn")))
    page = client.get(reverse("media_videos:index")).content.decode()
    assert "At the Factory Gates 1" in page
    assert "Vietnam only" in page
    assert "Jordan only" not in page
    client.post(
        reverse("media_videos:edit", args=[shared.pk]), {"title": "Taken over"}, follow=True
    )
    shared.refresh_from_db()
    assert shared.title == "At the Factory Gates 1"


def test_opening_a_person_in_the_admin_is_recorded(client, totp_for):
    staff = totp_for(country_staff("vn"))
    person = UserFactory(country=country("vn"), display_name="Thu Viewed")
    client.force_login(staff)
    for view in ("inspect", "edit", "history"):
        assert client.get(reverse(f"people:{view}", args=[person.pk])).status_code == 200
    entries = LogEntry.objects.get_for_object(person).filter(action=LogEntry.Action.ACCESS)
    assert {e.additional_data["what"] for e in entries} == {
        "person viewed in the admin",
        "person opened for editing in the admin",
        "person's history viewed in the admin",
    }
    assert {e.actor_id for e in entries} == {staff.pk}


def test_the_onboarding_works_by_password_too(client):
    """A smoke check that the explanation templates do not break allauth's forms."""
    staff = country_staff("vn")
    assert client.login(username=staff.username, password=PASSWORD)
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code in (200, 302)
