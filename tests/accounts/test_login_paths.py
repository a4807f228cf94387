"""Every way to sign in goes through allauth: rate-limited per account and per address, with
the second factor; Wagtail's own sign-in forms only send people there."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from tests.accounts.factories import PASSWORD, UserFactory, authenticator_code, country_staff

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/en/_util/login/", "/vi/_util/login/", "/admin/login/"])
def test_wagtails_own_sign_in_forms_send_people_to_allauth(client, path):
    response = client.get(f"{path}?next=/en/private/")
    assert response.status_code == 302
    assert "/accounts/login/?next=%2Fen%2Fprivate%2F" in response["Location"]


@pytest.mark.parametrize("path", ["/en/_util/login/", "/admin/login/"])
def test_a_password_posted_to_wagtails_forms_signs_nobody_in(client, path):
    staff = country_staff(username="vstaff")
    response = client.post(path, {"username": "vstaff", "password": PASSWORD})
    assert response.status_code in (302, 405)
    assert not client.session.get("_auth_user_id")
    assert client.get("/admin/").status_code == 302
    assert staff.last_login is None


def test_guessing_one_accounts_password_from_many_addresses_is_stopped(client):
    UserFactory(username="lan")
    for n in range(6):
        client.post(
            "/en/accounts/login/",
            {"login": "lan", "password": f"guess-{n}"},
            REMOTE_ADDR=f"198.51.100.{n + 1}",
        )
    response = client.post(
        "/en/accounts/login/", {"login": "lan", "password": PASSWORD}, REMOTE_ADDR="198.51.100.99"
    )
    assert not client.session.get("_auth_user_id")
    assert "Too many failed login attempts" in response.content.decode()


def test_guessing_the_code_is_stopped_too(client):
    user = UserFactory(username="huy")
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    response = client.post("/en/accounts/login/", {"login": "huy", "password": PASSWORD})
    assert "/accounts/2fa/authenticate/" in response["Location"]
    for _ in range(6):
        client.post("/en/accounts/2fa/authenticate/", {"code": "000000"})
    response = client.post("/en/accounts/2fa/authenticate/", {"code": authenticator_code(secret)})
    assert not client.session.get("_auth_user_id")


def test_setting_up_totp_confirms_the_session(client):
    """A trainer asked for a second factor before their classes sets it up and goes on."""
    trainer = UserFactory(username="trainer", roles=["trainer"])
    client.post("/en/accounts/login/", {"login": "trainer", "password": PASSWORD})
    response = client.get("/en/learn/cohorts/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/2fa/totp/activate/?next=")
    # Setting it up asks for the password once more, then for a code from the new secret.
    client.post("/en/accounts/reauthenticate/", {"password": PASSWORD})
    page = client.get("/en/accounts/2fa/totp/activate/")
    secret = page.context["form"].secret
    response = client.post("/en/accounts/2fa/totp/activate/", {"code": authenticator_code(secret)})
    assert response.status_code == 302
    assert trainer.authenticator_set.filter(type="totp").exists()
    assert client.get("/en/learn/cohorts/").status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/en/_util/authenticate_with_password/1/1/", "/documents/authenticate_with_password/1/"],
)
def test_passwords_of_private_pages_and_documents_are_limited_per_address(client, path):
    answers = [
        client.post(path, {"password": f"guess-{n}"}, REMOTE_ADDR="203.0.113.5").status_code
        for n in range(11)
    ]
    assert 403 not in answers[:10]
    assert answers[10] == 403
    # Another address is not held back.
    assert client.post(path, {"password": "x"}, REMOTE_ADDR="203.0.113.6").status_code != 403
