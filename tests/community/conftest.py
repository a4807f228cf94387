import pytest

from tests.community.factories import CommunityFactory


@pytest.fixture
def community(db):
    return CommunityFactory(slug="osh-practice", name="OSH practice")


@pytest.fixture
def private_community(db):
    return CommunityFactory(
        slug="certified-trainers", name="Certified trainers", visibility="private",
        join_policy="invite",
    )
