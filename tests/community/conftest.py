import pytest

from tests.community.factories import CommunityFactory


@pytest.fixture
def community(db):
    return CommunityFactory(slug="osh-practice", name="OSH practice")


@pytest.fixture
def private_community(db):
    return CommunityFactory(
        slug="certified-trainers",
        name="Certified trainers",
        visibility="private",
        join_policy="invite",
    )


@pytest.fixture(autouse=True)
def _english():
    """Addresses are reversed in English unless a test asks for another language."""
    from django.utils import translation

    with translation.override("en"):
        yield
