"""Names and titles lose the invisible characters that reorder text (spoofing a name or a
file name), whichever way they are saved; public people pages show display names, never
usernames or who is staff."""

import pytest

from lms.accounts.models import Organisation
from lms.plain_text import without_direction_controls
from tests.accounts.factories import PASSWORD, UserFactory, country_staff
from tests.community.factories import CommunityFactory, PostFactory, ThreadFactory
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db

SPOOFS = [
    "Lan\u202egnp.exe",  # right-to-left override
    "\u202aLan\u202c",  # left-to-right embedding, pop
    "\u2066Lan\u2069",  # left-to-right isolate, pop
    "\u2067Lan\u2068",  # right-to-left and first-strong isolates
    "\u200fLan\u200e",  # marks
]


@pytest.mark.parametrize("value", SPOOFS)
def test_the_one_function_removes_every_direction_control(value):
    cleaned = without_direction_controls(value)
    assert cleaned in {"Langnp.exe", "Lan"}


def test_a_persons_names_are_saved_without_them():
    person = UserFactory(
        display_name="Hoa\u202etxt.exe", first_name="\u2067Hoa", last_name="Nguy\u1ec5n\u200f"
    )
    person.refresh_from_db()
    assert person.display_name == "Hoatxt.exe"
    assert person.first_name == "Hoa"
    assert person.last_name == "Nguyễn"


def test_arabic_and_vietnamese_names_are_kept_as_written():
    person = UserFactory(display_name="ليلى Nguyễn")
    person.refresh_from_db()
    assert person.display_name == "ليلى Nguyễn"


def test_titles_and_names_of_objects_are_saved_without_them(home_page):
    thread = ThreadFactory(title="Overtime \u202eyaw tfihs")
    organisation = Organisation.objects.create(name="Factory \u2066A\u2069", country=country("vn"))
    home_page.title = "Home \u202eemoh"
    home_page.save()
    thread.refresh_from_db()
    organisation.refresh_from_db()
    home_page.refresh_from_db()
    assert thread.title == "Overtime yaw tfihs"
    assert organisation.name == "Factory A"
    assert home_page.title == "Home emoh"


def test_the_profile_form_saves_a_clean_display_name(client):
    person = UserFactory(username="lan")
    client.post("/en/accounts/login/", {"login": "lan", "password": PASSWORD})
    page = client.get("/en/accounts/profile/")
    data = {
        key: value
        for key, value in page.context["form"].initial.items()
        if value is not None and not isinstance(value, list | tuple)
    }
    data["display_name"] = "Lan\u202e fdp.exe"
    client.post("/en/accounts/profile/", data)
    person.refresh_from_db()
    assert "\u202e" not in person.display_name


def test_public_people_pages_show_display_names_and_no_staff_roles(client):
    staff = country_staff(username="vn.staff.login", display_name="Programme Officer")
    community = CommunityFactory()
    thread = ThreadFactory(community=community, author=staff)
    PostFactory(thread=thread, author=staff)
    from community.models import MemberProfile

    MemberProfile.objects.update_or_create(user=staff, defaults={"listed_in_directory": True})
    for path in [
        f"/en/community/people/id/{staff.pk}/",
        "/en/community/people/",
        f"/en/community/{community.slug}/t/{thread.pk}/",
    ]:
        html = client.get(path).content.decode()
        assert "Programme Officer" in html, path
        assert "Country programme staff" not in html, path
        assert "vn.staff.login" not in html, path
    # A mention (@username) still finds the person, by a redirect to their numbered page.
    response = client.get("/en/community/people/vn.staff.login/")
    assert response["Location"] == f"/en/community/people/id/{staff.pk}/"


def test_a_person_without_a_display_name_is_not_shown_by_username():
    person = UserFactory(username="worker.login.name", display_name="")
    assert "worker.login.name" not in str(person.public_name)
