"""A mobile phone number in the profile, kept in E.164."""

import pytest
from django.core.exceptions import ValidationError

from lms.accounts.phones import phone_to_e164, validate_e164
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "region", "stored"),
    [
        ("0901 234 567", "VN", "+84901234567"),
        ("+84 90 123 4567", None, "+84901234567"),
        ("079 123 4567", "JO", "+962791234567"),
        ("+880 1712-345678", "VN", "+8801712345678"),
    ],
)
def test_numbers_are_read_in_the_persons_country_and_kept_in_e164(typed, region, stored):
    assert phone_to_e164(typed, region=region) == stored


@pytest.mark.parametrize("typed", ["12", "call me", "+84 12"])
def test_what_is_no_phone_number_is_refused(typed):
    with pytest.raises(ValidationError):
        phone_to_e164(typed, region="VN")


def test_the_model_accepts_only_e164():
    validate_e164("+84901234567")
    with pytest.raises(ValidationError):
        validate_e164("0901234567")


def _profile(user, **changes):
    data = {"display_name": user.display_name, "preferred_language": "en", "phone": ""}
    data.update(changes)
    return data


def test_a_person_adds_their_number_in_their_profile(client):
    person = UserFactory()  # in Vietnam
    client.force_login(person)
    response = client.post("/en/accounts/profile/", _profile(person, phone="0901 234 567"))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.phone == "+84901234567"


def test_a_wrong_number_is_shown_again_with_the_reason(client):
    person = UserFactory()
    client.force_login(person)
    response = client.post("/en/accounts/profile/", _profile(person, phone="12345"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="12345"' in page
    assert "Enter a mobile phone number" in page
    assert 'type="tel"' in page
    person.refresh_from_db()
    assert person.phone == ""
