"""Fixtures every room's tests share."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Each test writes uploads into its own folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits and cached fragments never leak from one test into the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def home_page(db):
    from lms.portal.models import HomePage

    return HomePage.objects.get(locale__language_code="en")


@pytest.fixture
def totp_for():
    """Give a user a TOTP authenticator, as staff must have before using the admin."""

    def give(user):
        from allauth.mfa.models import Authenticator

        Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
        return user

    return give
