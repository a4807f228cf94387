"""Decision 0035: what every Wagtail admin page asks about the signed-in person, in fewer
queries and with the same answers as Django's and Wagtail's own code."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.permissions import policy_registry
from wagtail.users.models import UserProfile

from lms.accounts.backends import RolesModelBackend, user_with_role_codes
from lms.portal.services import country_page_create, country_page_permissions_grant
from tests.accounts.factories import UserFactory, country_staff, global_admin
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db


def fresh(person):
    """The person as a new request loads them (nothing cached on the instance)."""
    return user_with_role_codes(person.pk)


def permission(app_label, codename):
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def test_the_permissions_are_djangos_in_one_query(django_assert_num_queries):
    person = UserFactory(roles=[])
    person.user_permissions.add(permission("wagtailadmin", "access_admin"))
    editors, readers = (
        Group.objects.create(name="Test editors"),
        Group.objects.create(name="Test readers"),
    )
    editors.permissions.add(permission("wagtailcore", "add_page"))
    editors.permissions.add(permission("wagtailadmin", "access_admin"))  # held twice
    readers.permissions.add(permission("wagtaildocs", "choose_document"))
    Group.objects.create(name="Test others").permissions.add(
        permission("wagtailimages", "add_image")
    )
    person.groups.add(editors, readers)
    expected = ModelBackend().get_all_permissions(fresh(person))
    assert expected == {
        "wagtailadmin.access_admin",
        "wagtailcore.add_page",
        "wagtaildocs.choose_document",
    }
    loaded = fresh(person)
    with django_assert_num_queries(1):
        assert RolesModelBackend().get_all_permissions(loaded) == expected
        assert loaded.has_perm("wagtailcore.add_page")
        assert loaded.has_perms(["wagtailadmin.access_admin", "wagtaildocs.choose_document"])
        assert not loaded.has_perm("wagtailimages.add_image")
        assert loaded.has_module_perms("wagtaildocs")


def test_no_one_else_s_permissions_are_counted():
    person, other = UserFactory(roles=[]), UserFactory(roles=[])
    other.user_permissions.add(permission("wagtailadmin", "access_admin"))
    group = Group.objects.create(name="Test editors")
    group.permissions.add(permission("wagtailcore", "add_page"))
    other.groups.add(group)
    assert RolesModelBackend().get_all_permissions(fresh(person)) == set()
    assert not fresh(person).has_perm("wagtailadmin.access_admin")


def test_a_superuser_and_an_inactive_person_as_django_says():
    boss = global_admin()
    assert RolesModelBackend().get_all_permissions(fresh(boss)) == (
        ModelBackend().get_all_permissions(fresh(boss))
    )
    gone = UserFactory(roles=[], is_active=False)
    gone.user_permissions.add(permission("wagtailadmin", "access_admin"))
    loaded = fresh(gone)
    assert RolesModelBackend().get_all_permissions(loaded) == set()
    assert not loaded.has_perm("wagtailadmin.access_admin")


def test_the_admin_profile_comes_with_the_person(django_assert_num_queries):
    person = UserFactory(roles=[])
    UserProfile.objects.create(user=person, preferred_language="fr", theme="dark")
    with django_assert_num_queries(1):
        loaded = fresh(person)
        assert loaded.wagtail_userprofile.get_preferred_language() == "fr"
        assert loaded.wagtail_userprofile.theme == "dark"
    without = UserFactory(roles=[])
    with django_assert_num_queries(1):
        assert not hasattr(fresh(without), "wagtail_userprofile")


def _start_pages(person):
    """The explorer's start page (its id) by our policy and by Wagtail's."""
    ours = policy_registry.get_by_type(Page).explorable_root_instance(fresh(person))
    wagtails = PagePermissionPolicy().explorable_root_instance(fresh(person))
    return tuple(page and page.pk for page in (ours, wagtails))


def test_the_explorer_starts_where_wagtail_says(home_page, django_assert_max_num_queries):
    vn = country_page_create(parent=home_page, country=country("vn"), title="Viet Nam")
    kh = country_page_create(parent=home_page, country=country("kh"), title="Cambodia")
    country_page_permissions_grant(page=vn)
    country_page_permissions_grant(page=kh)
    boss, vn_staff = global_admin(), country_staff("vn", is_staff=True)
    both = country_staff("vn", is_staff=True)
    both.groups.add(*country_staff("kh").groups.all())
    nobody = country_staff("jo", is_staff=True)

    root = Page.get_first_root_node().pk
    assert _start_pages(boss) == (root, root)
    assert _start_pages(vn_staff) == (vn.pk, vn.pk)
    assert _start_pages(both) == (home_page.pk, home_page.pk)  # the sections' parent
    assert _start_pages(nobody) == (None, None)

    policy = policy_registry.get_by_type(Page)
    for person, queries in ((boss, 1), (vn_staff, 1)):  # Wagtail's: 2 and 2
        loaded = fresh(person)
        with django_assert_max_num_queries(queries):
            policy.explorable_root_instance(loaded)
            policy.explorable_root_instance(loaded)  # kept for the request
