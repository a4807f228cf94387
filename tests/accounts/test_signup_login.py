"""Signing up, signing in, and the messages people get when something is wrong."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from lms.accounts.models import User
from tests.accounts.factories import PASSWORD, UserFactory
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db


def signup(client, language="en", **overrides):
    data = {
        "username": "mai.nguyen",
        "email": "mai@example.org",
        "password1": "a-long-and-unusual-phrase-7",
        "password2": "a-long-and-unusual-phrase-7",
        "display_name": "Nguyễn Thị Mai",
        "preferred_language": "vi",
        "country": country("vn").pk,
    }
    data.update(overrides)
    return client.post(f"/{language}/accounts/signup/", data)


def test_a_worker_signs_up_with_a_username_and_no_email(client):
    response = signup(client, email="", username="worker.lan")
    assert response.status_code == 302
    user = User.objects.get(username="worker.lan")
    assert user.email == ""
    assert user.preferred_language == "vi"
    assert user.country.code == "vn"
    assert mail.outbox == []


def test_signing_up_with_an_email_sends_a_verification_message(client):
    signup(client)
    user = User.objects.get(username="mai.nguyen")
    assert user.display_name == "Nguyễn Thị Mai"
    assert EmailAddress.objects.get(user=user).verified is False
    assert len(mail.outbox) == 1
    assert "mai@example.org" in mail.outbox[0].to


def test_a_taken_email_is_refused_and_the_form_keeps_what_was_typed(client):
    UserFactory(email="mai@example.org")
    response = signup(client)
    assert response.status_code == 200
    assert "already registered" in response.content.decode()
    assert 'value="mai.nguyen"' in response.content.decode()
    assert not User.objects.filter(username="mai.nguyen").exists()


def test_a_taken_email_is_refused_whatever_its_case(client):
    UserFactory(email="mai@example.org")
    signup(client, email="MAI@Example.org")
    assert not User.objects.filter(username="mai.nguyen").exists()


def test_a_weak_password_is_refused_with_a_reason(client):
    response = signup(client, password1="12345678", password2="12345678")
    assert response.status_code == 200
    assert "too common" in response.content.decode()
    assert not User.objects.filter(username="mai.nguyen").exists()


def test_a_too_long_name_is_refused_with_a_reason(client):
    response = signup(client, display_name="x" * 81)
    assert response.status_code == 200
    assert "at most 80 characters" in response.content.decode()


def test_errors_are_translated(client):
    response = signup(client, language="vi", password1="12345678", password2="12345678")
    assert response.status_code == 200
    assert "too common" not in response.content.decode()
    assert 'lang="vi"' in response.content.decode()


def test_sign_in_by_username(client):
    UserFactory(username="worker.lan", email="")
    response = client.post("/en/accounts/login/", {"login": "worker.lan", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id")


def test_sign_in_by_email(client):
    user = UserFactory(email="huy@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    response = client.post(
        "/en/accounts/login/", {"login": "huy@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(user.pk)


def test_a_wrong_password_gets_a_clear_message(client):
    UserFactory(username="worker.lan")
    response = client.post("/en/accounts/login/", {"login": "worker.lan", "password": "wrong"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_repeated_failed_logins_are_rate_limited(client):
    UserFactory(username="worker.lan")
    pages = [
        client.post(
            "/en/accounts/login/", {"login": "worker.lan", "password": "wrong"}
        ).content.decode()
        for _ in range(6)
    ]
    assert "Too many failed login attempts" not in pages[0]
    assert "Too many failed login attempts" in pages[-1]
    # Even the right password is refused while the limit holds.
    response = client.post("/en/accounts/login/", {"login": "worker.lan", "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()
    assert not client.session.get("_auth_user_id")


def test_password_reset_sends_a_link(client):
    UserFactory(email="huy@example.org")
    response = client.post("/en/accounts/password/reset/", {"email": "huy@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_signing_in_switches_to_the_preferred_language(client):
    UserFactory(username="lan", preferred_language="vi")
    response = client.post("/en/accounts/login/", {"login": "lan", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/vi/")


def test_wagtail_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/?next=/admin/pages/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")
    assert "next=%2Fadmin%2Fpages%2F" in response["Location"]


def test_wagtail_admin_login_refuses_an_outside_next(client):
    response = client.get("/admin/login/?next=https://evil.example/")
    assert "evil" not in response["Location"]


def test_the_profile_page_needs_a_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_person_edits_their_profile(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        "/en/accounts/profile/",
        {
            "display_name": "Lan",
            "preferred_language": "ar",
            "country": country("jo").pk,
            "gender": "self",
            "gender_description": "non-binary",
            "consent_gender": "on",
            "migrant_status": "migrant",
            "consent_migrant_status": "on",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.preferred_language, user.migrant_status) == (
        "Lan",
        "ar",
        "migrant",
    )
    assert user.gender_description == "non-binary"


def test_the_profile_form_cannot_change_country_or_organisation(client):
    """Hole 2: the person's country and organisation are out of their own hands."""
    from tests.accounts.factories import OrganisationFactory

    own = OrganisationFactory(country=country("vn"))
    user = UserFactory(organisation=own)
    client.force_login(user)
    elsewhere = OrganisationFactory(country=country("jo"))
    response = client.post(
        "/en/accounts/profile/",
        {
            "display_name": "Lan",
            "preferred_language": "en",
            "country": country("jo").pk,
            "organisation": elsewhere.pk,
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.display_name == "Lan"
    assert user.country == country("vn")
    assert user.organisation == own
    page = client.get("/en/accounts/profile/").content.decode()
    assert 'name="country"' not in page
    assert 'name="organisation"' not in page
    assert own.name in page
