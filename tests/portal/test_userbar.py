"""Wagtail's userbar for editors: on content pages, where there is a page to edit; not on the
application's own views, where it only cost queries (issue 14)."""

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

USERBAR = 'id="wagtail-userbar-template"'


def test_an_editor_gets_the_userbar_on_a_content_page_only(client, home_page, totp_for):
    editor = UserFactory(is_staff=True, is_superuser=True, roles=["global_admin"])
    client.force_login(totp_for(editor))
    assert USERBAR in client.get(home_page.url).content.decode()
    response = client.get(reverse("certification:manage"))
    assert response.status_code == 200
    assert USERBAR not in response.content.decode()


def test_staff_without_the_admin_get_no_userbar(client, home_page, totp_for):
    client.force_login(totp_for(UserFactory(is_staff=True)))
    assert USERBAR not in client.get(home_page.url).content.decode()
