"""The transparency portal in a real browser: a public factory page (with an approved
statement of the factory) and its country page, in English and Arabic; axe-core finds
nothing serious, and the Arabic trend chart is mirrored."""

import datetime

import pytest

from compliance import responses
from compliance.models import Finding, PublicReportingRule
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.compliance.factories import (
    FactoryFactory,
    instrument_with_questions,
    published_assessment,
)
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def public_factory():
    instrument = instrument_with_questions(6)
    PublicReportingRule.objects.create(country=country("vn"))
    factory = FactoryFactory(
        organisation=OrganisationFactory(name="Mekong Knit", country=country("vn"))
    )
    latest = None
    for year, codes in ((2024, ("Q.1", "Q.4")), (2025, ("Q.1",))):
        latest = published_assessment(
            factory,
            instrument=instrument,
            non_compliant_codes=codes,
            starts_on=datetime.date(year, 3, 1),
        )
    manager = UserFactory(roles=["manager"], organisation=factory.organisation)
    response = responses.factory_response_submit(
        finding=Finding.objects.get(assessment=latest, question__code="Q.1"),
        text="The emergency exit is now clear.",
        user=manager,
    )
    responses.factory_response_approve(response=response, user=UserFactory(roles=["global_admin"]))
    return factory


@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("ar", "rtl")])
def test_public_factory_and_country_pages_are_accessible(
    live_server, page, axe, public_factory, language, direction
):
    page.goto(f"{live_server.url}/{language}/transparency/factories/{public_factory.pk}/")
    assert page.locator("html").get_attribute("dir") == direction
    assert page.locator("h1").inner_text() == str(public_factory)
    assert "The emergency exit is now clear." in page.content()
    assert axe(page) == []

    page.goto(f"{live_server.url}/{language}/transparency/vn/")
    assert page.locator("svg.tp-chart").count() == 1
    assert axe(page) == []
    first, last = page.locator("svg.tp-chart circle").all()[:2]
    # The oldest year is drawn at the start of the line: left in English, right in Arabic.
    first_x, last_x = float(first.get_attribute("cx")), float(last.get_attribute("cx"))
    assert (first_x < last_x) == (direction == "ltr")
