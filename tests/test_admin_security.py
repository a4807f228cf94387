"""The admin: a Content Security Policy of its own (Wagtail's inline scripts allowed, nothing
from other origins) and avatars without a third party."""

import re

import pytest

from tests.accounts.factories import global_admin

pytestmark = pytest.mark.django_db

ADMIN_PAGES = ["/admin/", "/admin/pages/", "/admin/users/", "/admin/account/", "/admin/images/"]


@pytest.fixture
def staff_client(client, totp_for):
    client.force_login(totp_for(global_admin(is_staff=True, is_superuser=True)))
    return client


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_render_and_send_a_content_security_policy(staff_client, path):
    response = staff_client.get(path)
    assert response.status_code == 200
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    # Wagtail's own templates write inline scripts; no other origin may run script here.
    assert set(directives["script-src"]) == {"'self'", "'unsafe-inline'"}
    assert not any("*" in source for sources in directives.values() for source in sources)


def test_public_pages_keep_the_strict_policy(client):
    directives = policy(client.get("/en/accounts/login/"))
    assert directives["script-src"] == ["'self'"]


def test_the_admin_login_redirect_also_carries_a_policy(client):
    assert "Content-Security-Policy" in client.get("/admin/login/")


@pytest.mark.parametrize("path", ["/admin/", "/admin/account/", "/admin/users/"])
def test_no_admin_page_asks_another_site_for_an_avatar(staff_client, path):
    html = staff_client.get(path).content.decode()
    assert "gravatar" not in html
    # What the browser fetches by itself (links people may follow are not requests).
    addresses = re.findall(r"""(?:src|srcset)=["']([^"']+)["']""", html)
    addresses += re.findall(r"""<link[^>]*href=["']([^"']+)["']""", html)
    foreign = [a for a in addresses if re.match(r"(?:https?:)?//", a)]
    assert not [a for a in foreign if "testserver" not in a], foreign


@pytest.mark.django_db
def test_a_chooser_given_a_key_that_cannot_exist_answers_not_found(
    client, django_user_model, totp_for
):
    """Wagtail's chosen views answered 500 for `abc` or a NUL byte as an integer key."""
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "x-long-pass-1")
    client.force_login(totp_for(admin))
    for key in ("abc", "%00", "1.5"):
        # (Django's LocaleMiddleware turns the admin's 404 into a redirect to a prefixed
        # address, which is not found either.)
        path = f"/admin/snippets/choose/certification/programme/chosen/{key}/"
        assert client.get(path, follow=True).status_code == 404, key
