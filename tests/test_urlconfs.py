"""Requests outside /admin/ from people who are not staff resolve and reverse with the
URLconf without Wagtail's admin (``lms.urlconfs``, decision 0633); staff, and every request
under /admin/, keep the full one; code outside a request reverses with ROOT_URLCONF."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.signals import request_finished
from django.urls import NoReverseMatch, get_resolver, get_urlconf, reverse, set_urlconf

from lms import urlconfs
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

USERBAR = 'id="wagtail-userbar-template"'
ADMINISTRATION = 'href="/admin/"'


def _urlconf_of(response):
    return getattr(response.wsgi_request, "urlconf", None)


def test_the_public_urlconf_is_the_full_one_without_the_admin():
    full = get_resolver(urlconfs.FULL_URLCONF)
    public = get_resolver(urlconfs.PUBLIC_URLCONF)
    admin = [p for p in full.url_patterns if str(p.pattern).startswith("admin/")]
    assert len(admin) == 2  # the sign-in redirect and Wagtail's admin
    assert [str(p.pattern) for p in full.url_patterns if p not in admin] == [
        str(p.pattern) for p in public.url_patterns
    ]
    for code in (404, 500):
        assert public.resolve_error_handler(code) is full.resolve_error_handler(code)
    assert reverse("wagtailadmin_home", urlconf=urlconfs.FULL_URLCONF) == "/admin/"
    with pytest.raises(NoReverseMatch):
        reverse("wagtailadmin_home", urlconf=urlconfs.PUBLIC_URLCONF)
    assert reverse("portal:dashboard", urlconf=urlconfs.PUBLIC_URLCONF) == reverse(
        "portal:dashboard"
    )


def test_visitors_and_learners_use_the_public_urlconf(client, home_page):
    response = client.get("/en/accounts/login/")
    assert response.status_code == 200
    assert _urlconf_of(response) == urlconfs.PUBLIC_URLCONF
    client.force_login(UserFactory())
    for path in (reverse("portal:dashboard"), home_page.url):
        response = client.get(path)
        assert response.status_code == 200, path
        assert _urlconf_of(response) == urlconfs.PUBLIC_URLCONF
        page = response.content.decode()
        assert ADMINISTRATION not in page
        assert USERBAR not in page


def test_a_404_on_a_public_url_uses_the_sites_handler(client):
    response = client.get("/en/no-such-place/at-all/")
    assert response.status_code == 404
    assert _urlconf_of(response) == urlconfs.PUBLIC_URLCONF
    assert "We could not find this page" in response.content.decode()
    client.force_login(UserFactory(is_staff=True))
    response = client.get("/en/no-such-place/at-all/")
    assert response.status_code == 404
    assert _urlconf_of(response) == urlconfs.FULL_URLCONF
    assert ADMINISTRATION in response.content.decode()  # base.html's link, reversed


def test_a_500_on_a_public_url_uses_the_sites_handler(client, monkeypatch):
    import courses.page_context

    def broken(request):
        raise RuntimeError("broken on purpose")

    monkeypatch.setattr(courses.page_context, "my_learning_context", broken)
    client.raise_request_exception = False
    client.force_login(UserFactory())
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 500
    assert _urlconf_of(response) == urlconfs.PUBLIC_URLCONF
    assert "Something went wrong" in response.content.decode()


def test_staff_keep_the_full_urlconf_and_see_the_admin_link(client, home_page, totp_for):
    editor = UserFactory(is_staff=True, is_superuser=True, roles=["global_admin"])
    client.force_login(totp_for(editor))
    response = client.get(home_page.url)
    assert _urlconf_of(response) == urlconfs.FULL_URLCONF
    page = response.content.decode()
    assert USERBAR in page
    assert ADMINISTRATION in page


def test_someone_given_the_admin_without_being_staff_gets_a_userbar_that_reverses(
    client, home_page, rf
):
    """``base.html`` shows the userbar to staff only (the middleware's condition); the tag
    itself, used elsewhere for someone given the admin through a group, switches the
    request to the full URLconf before Wagtail reverses the admin's names."""
    from django.template import Context, Template

    group = Group.objects.create(name="Editors without staff")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    person = UserFactory()
    person.groups.add(group)
    client.force_login(person)
    response = client.get(home_page.url)
    assert response.status_code == 200
    assert _urlconf_of(response) == urlconfs.PUBLIC_URLCONF

    request = rf.get(home_page.url)
    request.user = person
    request.urlconf = urlconfs.PUBLIC_URLCONF
    set_urlconf(urlconfs.PUBLIC_URLCONF)
    try:
        html = Template("{% load portal_tags %}{% page_userbar %}").render(
            Context({"request": request, "page": home_page})
        )
        assert USERBAR in html
        assert get_urlconf() == urlconfs.FULL_URLCONF
        assert request.urlconf == urlconfs.FULL_URLCONF
        set_urlconf(urlconfs.PUBLIC_URLCONF)
        request.user = UserFactory()  # no admin: no userbar, the public URLconf kept
        html = Template("{% load portal_tags %}{% page_userbar %}").render(
            Context({"request": request, "page": home_page})
        )
        assert html == ""
        assert get_urlconf() == urlconfs.PUBLIC_URLCONF
    finally:
        set_urlconf(None)


def test_the_admin_typed_without_its_slash_is_sent_to_the_admin(client):
    response = client.get("/admin")
    assert response.status_code == 301
    assert response["Location"] == "/admin/"


def test_requests_under_admin_use_the_full_urlconf(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert _urlconf_of(response) is None  # ROOT_URLCONF
    assert response["Location"].startswith(reverse("account_login"))
    response = client.get("/admin/login/?next=/admin/pages/")
    assert response.status_code == 302
    assert "next=%2Fadmin%2Fpages%2F" in response["Location"]
    client.force_login(UserFactory())
    response = client.get("/admin/")
    assert _urlconf_of(response) is None
    assert response.status_code in (302, 403)


def test_reversing_outside_a_request_uses_the_full_urlconf(client):
    """A Celery task, a management command or an email built outside a request reverses the
    admin's names, also in a thread that served a public request before."""
    client.get("/en/accounts/login/")
    assert get_urlconf() is None  # reset when the request finished
    assert reverse("wagtailadmin_home") == "/admin/"
    set_urlconf(urlconfs.PUBLIC_URLCONF)
    request_finished.send(sender=None)
    assert reverse("wagtailadmin_pages:edit", args=[1]) == "/admin/pages/1/edit/"


def test_another_root_urlconf_is_left_alone(rf, settings):
    settings.ROOT_URLCONF = "lms.records.xapi_urlconf"
    request = rf.get("/en/")
    urlconfs.PublicURLconfMiddleware(lambda r: None)(request)
    assert not hasattr(request, "urlconf")
