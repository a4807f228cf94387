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


# Found by the crawler (tests/crawl.py); each answered 500 before.
HOSTILE_KEYS = ["\x00", "abc", "ស្រីពៅ", "9" * 40, "1e309"]


@pytest.mark.parametrize("value", HOSTILE_KEYS)
def test_an_admin_form_shown_again_with_an_impossible_choice_answers_200(admin_client, value):
    from lms.accounts.models import Organisation

    response = admin_client.post(
        "/admin/organisations/new/",
        {"name": "Hostile", "kind": "factory", "country": value, "sector": value},
    )
    assert response.status_code == 200
    assert "error-message" in response.content.decode()  # shown beside the field
    assert not Organisation.objects.filter(name="Hostile").exists()


@pytest.mark.parametrize("value", HOSTILE_KEYS)
def test_a_model_choice_too_large_for_the_database_is_not_a_choice(value, db):
    from django import forms

    from lms.accounts.models import Organisation

    class Form(forms.Form):
        one = forms.ModelChoiceField(queryset=Organisation.objects.all())
        several = forms.ModelMultipleChoiceField(queryset=Organisation.objects.all())

    form = Form({"one": value, "several": [value]})
    assert not form.is_valid()
    assert set(form.errors) == {"one", "several"}


@pytest.mark.parametrize("value", HOSTILE_KEYS)
def test_keys_typed_by_hand_find_nothing(value):
    from lms.request_values import key_or_zero

    assert key_or_zero(value) == 0
    assert key_or_zero("12") == 12


@pytest.mark.parametrize(
    "query",
    [
        "q='\"><script>alert(1)</script>",
        "q=fire&usage_count_min=-1&usage_count_max=" + "9" * 40,
        "usage_count_min=" + "9" * 40,
        "q=ស្រីពៅ&usage_count_min=1",
    ],
)
@pytest.mark.parametrize("listing", ["documents", "images"])
def test_admin_searches_with_quotes_and_usage_filters_answer(admin_client, listing, query):
    response = admin_client.get(f"/admin/{listing}/results/?{query}")
    assert response.status_code == 200


@pytest.mark.parametrize("kind", ["h5pcontent", "scormpackage"])
def test_package_lists_search_with_their_filters(admin_client, kind):
    response = admin_client.get(
        f"/admin/snippets/interactive/{kind}/results/?q=fire&status=ready&language=en"
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "query",
    ["language=%00", "country=vn%00", "q%00=fire", "topic=ok&sector=%E2%80%AEevil%00"],
)
def test_a_nul_character_in_the_query_string_is_a_bad_request(client, db, query):
    # PostgreSQL refuses NUL in any text it compares: the community index answered 500.
    assert client.get(f"/en/community/?{query}").status_code == 400
    assert client.get(f"/en/search/?{query}").status_code == 400


def test_query_strings_without_nul_still_work(client, db):
    assert client.get("/en/community/?language=km&country=%E2%80%AEevil").status_code == 200
