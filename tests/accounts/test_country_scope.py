"""Country programme staff see and edit only their own country's people, organisations
and pages; global administrators see everything; others see nothing of the admin."""

import pytest
from wagtail.models import Page

from lms.portal.models import CountryPage
from lms.portal.services import country_page_create
from tests.accounts.factories import (
    OrganisationFactory,
    UserFactory,
    country_staff,
    global_admin,
)
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db


def denied(response) -> bool:
    """Wagtail answers a refused admin view by sending the user to the dashboard, or to
    sign in as someone else when they may not use the admin at all."""
    return response.status_code == 403 or (
        response.status_code == 302
        and (response["Location"] == "/admin/" or "/accounts/login/" in response["Location"])
    )


@pytest.fixture
def vn_staff(totp_for):
    return totp_for(country_staff("vn"))


@pytest.fixture
def people():
    return {
        "vn": UserFactory(country=country("vn"), display_name="Lan from Vietnam"),
        "jo": UserFactory(country=country("jo"), display_name="Rania from Jordan"),
    }


def test_country_staff_list_only_their_countrys_people(client, vn_staff, people):
    client.force_login(vn_staff)
    response = client.get("/admin/people/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Lan from Vietnam" in content
    assert "Rania from Jordan" not in content


def test_country_staff_cannot_open_another_countrys_person(client, vn_staff, people):
    client.force_login(vn_staff)
    assert denied(client.get(f"/admin/people/edit/{people['jo'].pk}/"))
    assert client.get(f"/admin/people/edit/{people['vn'].pk}/").status_code == 200


def test_country_staff_cannot_change_another_countrys_person(client, vn_staff, people):
    client.force_login(vn_staff)
    response = client.post(
        f"/admin/people/edit/{people['jo'].pk}/",
        {"display_name": "Changed", "preferred_language": "en", "is_active": "on"},
    )
    assert denied(response)
    people["jo"].refresh_from_db()
    assert people["jo"].display_name == "Rania from Jordan"


def test_country_staff_stay_out_of_wagtails_own_user_admin(client, vn_staff, people):
    client.force_login(vn_staff)
    assert denied(client.get("/admin/users/"))


def test_global_administrators_see_everyone(client, totp_for, people):
    client.force_login(totp_for(global_admin()))
    content = client.get("/admin/people/").content.decode()
    assert "Lan from Vietnam" in content
    assert "Rania from Jordan" in content


def test_a_trainer_cannot_open_the_people_admin(client, totp_for, people):
    trainer = totp_for(UserFactory(roles=["trainer"]))
    client.force_login(trainer)
    assert denied(client.get("/admin/people/"))


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/admin/people/")
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_country_staff_see_only_their_countrys_organisations(client, vn_staff):
    OrganisationFactory(name="Saigon Stitch", country=country("vn"))
    amman = OrganisationFactory(name="Amman Apparel", country=country("jo"))
    client.force_login(vn_staff)
    content = client.get("/admin/organisations/").content.decode()
    assert "Saigon Stitch" in content
    assert "Amman Apparel" not in content
    assert denied(client.get(f"/admin/organisations/edit/{amman.pk}/"))


@pytest.fixture
def country_pages(home_page):
    return {
        code: country_page_create(parent=home_page, country=country(code), title=f"Page {code}")
        for code in ("vn", "jo")
    }


def test_country_staff_edit_their_countrys_pages_only(client, vn_staff, country_pages):
    client.force_login(vn_staff)
    assert client.get(f"/admin/pages/{country_pages['vn'].pk}/edit/").status_code == 200
    assert denied(client.get(f"/admin/pages/{country_pages['jo'].pk}/edit/"))


def test_country_staff_may_add_pages_under_their_section(vn_staff, country_pages):
    vn_page = Page.objects.get(pk=country_pages["vn"].pk)
    jo_page = Page.objects.get(pk=country_pages["jo"].pk)
    assert vn_page.permissions_for_user(vn_staff).can_add_subpage()
    assert not jo_page.permissions_for_user(vn_staff).can_add_subpage()
    assert not jo_page.permissions_for_user(vn_staff).can_edit()


def test_a_translated_section_is_editable_by_the_same_team(vn_staff, country_pages):
    from wagtail.models import Locale

    vi_home = (
        country_pages["vn"]
        .get_parent()
        .copy_for_translation(Locale.objects.get(language_code="vi"))
    )
    vi_home.save_revision().publish()
    vi_section = country_pages["vn"].copy_for_translation(Locale.objects.get(language_code="vi"))
    assert isinstance(vi_section.specific, CountryPage)
    assert vi_section.permissions_for_user(vn_staff).can_edit()


def test_moving_to_another_country_takes_away_the_old_countrys_pages(vn_staff, country_pages):
    from lms.accounts.services import user_roles_set

    vn_staff.country = country("jo")
    vn_staff.save()
    user_roles_set(user=vn_staff, roles=["country_staff"])
    vn_page = Page.objects.get(pk=country_pages["vn"].pk)
    jo_page = Page.objects.get(pk=country_pages["jo"].pk)
    assert not vn_page.permissions_for_user(vn_staff).can_edit()
    assert jo_page.permissions_for_user(vn_staff).can_edit()
