"""The public verification page in a real browser: accessible, right-to-left in Arabic,
readable on a small phone, working without JavaScript."""

import pytest

from tests.certification.factories import CandidacyFactory, ProgrammeFactory, trainer

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def certificate():
    """Transactional tests start from an empty database (no data migrations' rows): make
    the few rows the factories need."""
    from wagtail.models import Locale

    from certification.services import certificate_issue
    from lms.accounts.models import Role
    from lms.taxonomy.models import Country

    locale, _ = Locale.objects.get_or_create(language_code="en")
    for code in Role.Code.values:
        Role.objects.get_or_create(code=code)
    Country.objects.get_or_create(
        locale=locale, code="vn", defaults={"name": "Vietnam", "iso_code": "VN"}
    )

    holder = trainer(display_name="Rania Haddad")
    return certificate_issue(
        candidacy=CandidacyFactory(programme=ProgrammeFactory(), candidate=holder), approved=True
    )


def test_the_verification_page_is_accessible_in_english_and_arabic(
    live_server, page, axe, certificate
):
    page.goto(f"{live_server.url}/verify/{certificate.code}/")
    assert page.locator(".verdict-valid").is_visible()
    assert "Rania Haddad" in page.content()
    assert axe(page) == []
    page.goto(f"{live_server.url}/ar/certificates/verify/{certificate.code}/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert axe(page) == []
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360


def test_an_unknown_code_shows_the_clear_not_found_page(live_server, page, certificate):
    response = page.goto(f"{live_server.url}/verify/no-such-code/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Certificate not found"
