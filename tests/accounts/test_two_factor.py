"""Two-factor authentication: offered to everyone, required of staff before the admin."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    generate_totp_secret,
)

from tests.accounts.factories import (
    PASSWORD,
    UserFactory,
    authenticator_code,
    country_staff,
    global_admin,
)

pytestmark = pytest.mark.django_db


def test_staff_without_a_second_factor_are_sent_to_set_one_up(client):
    staff = country_staff()
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/accounts/2fa/totp/activate/" in response["Location"]


def test_staff_with_a_second_factor_reach_the_admin(client, totp_for):
    staff = totp_for(country_staff())
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200


def test_a_global_administrator_needs_it_too(client):
    client.force_login(global_admin())
    assert "/2fa/" in client.get("/admin/")["Location"]


def test_learners_are_not_forced_but_may_set_it_up(client):
    UserFactory(username="lan", roles=["worker"])
    client.post("/en/accounts/login/", {"login": "lan", "password": PASSWORD})
    assert client.get("/en/accounts/profile/").status_code == 200
    response = client.get("/en/accounts/2fa/totp/activate/")
    # Setting up a second factor asks for the password once more, then shows the secret.
    assert "/accounts/reauthenticate/" in response["Location"]
    client.post(response["Location"], {"password": PASSWORD})
    response = client.get("/en/accounts/2fa/totp/activate/")
    assert response.status_code == 200
    assert "secret" in response.content.decode().lower()


def test_sign_in_asks_for_the_code_and_refuses_a_wrong_one(client):
    user = UserFactory(username="huy")
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    response = client.post("/en/accounts/login/", {"login": "huy", "password": PASSWORD})
    assert response.status_code == 302
    assert "/accounts/2fa/authenticate/" in response["Location"]
    response = client.post(response["Location"], {"code": "000000"})
    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert not client.session.get("_auth_user_id")
    response = client.post("/en/accounts/2fa/authenticate/", {"code": authenticator_code(secret)})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(user.pk)
    assert Authenticator.objects.filter(user=user, type="totp").exists()
