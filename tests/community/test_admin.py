"""Communities, memberships and the moderators' log in the Wagtail admin, scoped to the
staff member's country."""

import pytest

from community.models import Community, ModerationAction
from tests.accounts.factories import UserFactory, country_staff, global_admin
from tests.community.factories import CommunityFactory
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db


def denied(response) -> bool:
    return response.status_code == 403 or (
        response.status_code == 302
        and (response["Location"] == "/admin/" or "/accounts/login/" in response["Location"])
    )


@pytest.fixture
def communities():
    return {
        "vn": CommunityFactory(name="Vietnam practice", country=country("vn")),
        "jo": CommunityFactory(name="Jordan practice", country=country("jo")),
    }


def test_country_staff_see_and_edit_their_countrys_communities_only(client, totp_for, communities):
    client.force_login(totp_for(country_staff("vn")))
    listing = client.get("/admin/communities/").content.decode()
    assert "Vietnam practice" in listing
    assert "Jordan practice" not in listing
    assert client.get(f"/admin/communities/edit/{communities['vn'].pk}/").status_code == 200
    assert denied(client.get(f"/admin/communities/edit/{communities['jo'].pk}/"))


def test_global_admin_creates_a_community_with_categories(client, totp_for):
    client.force_login(totp_for(global_admin()))
    response = client.post(
        "/admin/communities/new/",
        {
            "name": "Cambodia practice",
            "slug": "cambodia",
            "description": "",
            "language": "km",
            "country": country("kh").pk,
            "visibility": "public",
            "join_policy": "open",
            "categories-TOTAL_FORMS": "1",
            "categories-INITIAL_FORMS": "0",
            "categories-MIN_NUM_FORMS": "0",
            "categories-MAX_NUM_FORMS": "1000",
            "categories-0-name": "Questions",
            "categories-0-slug": "questions",
            "categories-0-description": "",
            "categories-0-sort_order": "0",
            "categories-0-ORDER": "1",
            "categories-0-id": "",
            "categories-0-DELETE": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    community = Community.objects.get(slug="cambodia")
    assert list(community.categories.values_list("name", flat=True)) == ["Questions"]


def test_reserved_addresses_cannot_be_community_slugs(client, totp_for):
    client.force_login(totp_for(global_admin()))
    response = client.post(
        "/admin/communities/new/",
        {
            "name": "Search",
            "slug": "search",
            "language": "en",
            "visibility": "public",
            "join_policy": "open",
            "categories-TOTAL_FORMS": "0",
            "categories-INITIAL_FORMS": "0",
            "categories-MIN_NUM_FORMS": "0",
            "categories-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    assert not Community.objects.filter(slug="search").exists()


def test_the_moderators_log_is_read_only_even_for_global_admins(client, totp_for, communities):
    entry = ModerationAction.objects.create(
        community=communities["vn"], moderator=UserFactory(), action="lock"
    )
    client.force_login(totp_for(global_admin()))
    assert client.get("/admin/community_moderation_log/").status_code == 200
    assert denied(client.get(f"/admin/community_moderation_log/edit/{entry.pk}/"))
    assert denied(client.get(f"/admin/community_moderation_log/delete/{entry.pk}/"))


def test_trainers_do_not_get_into_the_community_admin(client, totp_for, communities):
    client.force_login(totp_for(UserFactory(roles=["trainer"])))
    assert denied(client.get("/admin/communities/"))
