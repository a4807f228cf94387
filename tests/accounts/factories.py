"""Factories for people and organisations."""

import time

import factory

from lms.accounts.models import Organisation, User
from lms.accounts.services import user_roles_set
from tests.taxonomy.factories import country

PASSWORD = "correct-horse-battery-42"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Garment Factory {n}")
    kind = Organisation.Kind.FACTORY
    country = factory.LazyFunction(lambda: country("vn"))
    training_days_allocation = 10


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    country = factory.LazyFunction(lambda: country("vn"))
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        self.save()
        if create and extracted:
            user_roles_set(user=self, roles=list(extracted))


def country_staff(code: str = "vn", **kwargs) -> User:
    return UserFactory(country=country(code), roles=["country_staff"], **kwargs)


def global_admin(**kwargs) -> User:
    return UserFactory(roles=["global_admin"], **kwargs)


def signed_in_with_second_factor(client, user: User) -> User:
    """``user`` signed in on ``client`` having passed a TOTP check, as staff are before any
    page that shows other people's data."""
    from allauth.mfa.models import Authenticator

    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "x"}}
    )
    client.force_login(user)
    session = client.session
    session["account_authentication_methods"] = [{"method": "mfa", "type": "totp"}]
    session.save()
    return user


def authenticator_code(secret: str) -> str:
    """The code an authenticator app shows now for ``secret`` (allauth's own computation),
    never one that expires before the form reaches the server: in the last seconds of a
    period it waits for the next one, since allauth accepts the current period only."""
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    period = app_settings.TOTP_PERIOD
    left = period - time.time() % period
    if left < 5:
        time.sleep(left + 0.2)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))
