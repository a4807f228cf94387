"""A request missing a field its form always sends answers 400 (nothing saved), not 500."""

import pytest

from tests.accounts.factories import global_admin
from tests.conftest import confirm_second_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    person = global_admin(is_staff=True, is_superuser=True)
    client.force_login(person)
    confirm_second_factor(client, person)
    return client


def test_a_page_edit_without_its_streamfield_counts_is_a_bad_request(admin_client, home_page):
    title = home_page.title
    response = admin_client.post(
        f"/admin/pages/{home_page.pk}/edit/", {"title": "Changed", "slug": home_page.slug}
    )
    assert response.status_code == 400
    home_page.refresh_from_db()
    assert home_page.title == title


def test_the_same_form_sent_whole_still_works(admin_client, home_page):
    response = admin_client.get(f"/admin/pages/{home_page.pk}/edit/")
    assert response.status_code == 200
