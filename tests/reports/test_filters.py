"""The organisation filter: a text field resolving what was typed to one organisation (an id
from links and stored exports, a whole or partial name), without a list of every
organisation in the page, and with the country scope of the viewer."""

import re

import pytest
from django.urls import reverse

from lms.reports.filters import FilterForm, parse_filters
from tests.accounts.factories import OrganisationFactory, country_staff, global_admin
from tests.reports.test_dashboard import denied, sign_in
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisations():
    from types import SimpleNamespace

    return SimpleNamespace(
        alpha=OrganisationFactory(name="Alpha Garments", country=country("vn"), kind="factory"),
        alpha_jo=OrganisationFactory(name="Alpha Garments", country=country("jo"), kind="factory"),
        bravo=OrganisationFactory(name="Bravo Knitwear", country=country("vn"), kind="factory"),
        delta=OrganisationFactory(name="Delta Apparel", country=country("jo"), kind="factory"),
    )


def organisation_of(data, user):
    filters, form = parse_filters(data, user=user)
    return filters.organisation, form.errors.get("organisation")


def test_an_id_a_name_or_part_of_a_name_finds_the_organisation(organisations):
    admin = global_admin()
    assert organisation_of({"organisation": str(organisations.bravo.pk)}, admin)[0] == (
        organisations.bravo
    )
    assert organisation_of({"organisation": "bravo knitwear"}, admin)[0] == organisations.bravo
    assert organisation_of({"organisation": "  knit "}, admin)[0] == organisations.bravo
    assert organisation_of({"organisation": "Delta"}, admin)[0] == organisations.delta
    assert organisation_of({"organisation": ""}, admin) == (None, None)


def test_an_unknown_or_ambiguous_name_is_refused_with_a_message(organisations):
    admin = global_admin()
    found, errors = organisation_of({"organisation": "Zulu"}, admin)
    assert found is None
    assert errors == ["No organisation has this name."]
    # Two countries have an "Alpha Garments"; "a" is in every name.
    for typed in ("Alpha Garments", "a"):
        found, errors = organisation_of({"organisation": typed}, admin)
        assert found is None
        assert "Several organisations match" in errors[0]
    # The country chosen tells the two apart.
    found, errors = organisation_of({"organisation": "alpha garments", "country": "jo"}, admin)
    assert (found, errors) == (organisations.alpha_jo, None)


def test_an_organisation_of_another_country_than_the_one_chosen_is_refused(organisations):
    found, errors = organisation_of(
        {"organisation": str(organisations.delta.pk), "country": "vn"}, global_admin()
    )
    assert found is None
    assert errors == ["This organisation is in another country."]


def test_country_staff_find_only_their_own_countrys_organisations(organisations):
    staff = country_staff("jo")
    assert organisation_of({"organisation": "Alpha Garments"}, staff)[0] == (organisations.alpha_jo)
    found, errors = organisation_of({"organisation": str(organisations.bravo.pk)}, staff)
    assert found is None
    assert errors
    found, errors = organisation_of({"organisation": "Bravo"}, staff)
    assert found is None
    assert errors == ["No organisation has this name."]


def test_the_field_shows_the_name_of_the_organisation_found_by_its_id(organisations):
    form = FilterForm({"organisation": str(organisations.bravo.pk)})
    assert form.is_valid()
    html = str(form["organisation"])
    assert 'type="search"' in html
    assert 'value="Bravo Knitwear"' in html
    # What cannot be resolved is shown as typed, for correcting.
    form = FilterForm({"organisation": "Zulu"})
    assert not form.is_valid()
    assert 'value="Zulu"' in str(form["organisation"])


def test_the_pages_do_not_list_every_organisation(client, organisations, totp_for):
    sign_in(client, global_admin(), totp_for)
    for name in ("reports_dashboard", "reports_impact"):
        body = client.get(reverse(name)).content.decode()
        assert 'name="organisation"' in body
        # No organisation is offered as a choice (the other filters are still lists).
        assert "<option" in body
        assert not re.search(r"<option[^>]*>\s*(Alpha|Bravo|Delta)", body)
        body = client.get(reverse(name), {"organisation": "Bravo"}).content.decode()
        assert 'value="Bravo Knitwear"' in body


def test_the_organisation_filter_keeps_the_dashboards_permissions(client, organisations, totp_for):
    response = client.get(reverse("reports_impact"), {"organisation": "Delta"})
    assert response.status_code == 302
    sign_in(client, country_staff("vn"), totp_for)
    response = client.get(reverse("reports_impact"), {"organisation": "Delta"})
    assert response.status_code == 200
    assert response.context["form"].errors["organisation"]
    assert denied(client.get(reverse("reports_impact"), {"organisation": "Delta", "country": "jo"}))
