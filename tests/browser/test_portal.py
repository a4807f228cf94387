"""The portal in a real browser on a 360 px phone: English, Vietnamese and Arabic home pages,
signing up and in, and the language switcher; axe-core finds nothing serious on them."""

import pytest

from lms.portal.models import HomePage
from tests.accounts.factories import PASSWORD, UserFactory
from tests.portal.factories import translation_publish

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def homes(db):
    english = HomePage.objects.get(locale__language_code="en")
    translation_publish(english, "vi", title="Học tập cùng Better Work")
    translation_publish(english, "ar", title="التعلم مع بيتر وورك")


@pytest.mark.parametrize(
    ("language", "direction", "title"),
    [
        ("en", "ltr", "Better Work Learning"),
        ("vi", "ltr", "Học tập cùng Better Work"),
        ("ar", "rtl", "التعلم مع بيتر وورك"),
    ],
)
def test_home_page_in_each_language(live_server, page, axe, homes, language, direction, title):
    page.goto(f"{live_server.url}/{language}/")
    html = page.locator("html")
    assert html.get_attribute("lang") == language
    assert html.get_attribute("dir") == direction
    assert title in page.title()
    # Nothing spills sideways on a 360 px phone, in either direction.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe(page) == []


def test_arabic_layout_is_mirrored(live_server, page, homes):
    page.goto(f"{live_server.url}/ar/")
    brand = page.locator(".brand").bounding_box()
    # The brand sits at the start of the line: on the right in Arabic.
    assert brand["x"] + brand["width"] > 360 / 2


def test_sign_up_then_sign_in_with_a_username_only(live_server, page, axe):
    page.goto(f"{live_server.url}/en/accounts/signup/")
    assert axe(page) == []
    page.fill("input[name=username]", "thu_worker")
    page.fill("input[name=display_name]", "Thu")
    page.fill("input[name=password1]", "stitch-and-sew-2026")
    if page.locator("input[name=password2]").count():
        page.fill("input[name=password2]", "stitch-and-sew-2026")
    page.select_option("select[name=preferred_language]", "vi")
    page.click("form [type=submit]")
    page.wait_for_load_state()
    # Signed in, and the interface follows the language chosen at sign-up.
    assert "/vi/" in page.url
    page.goto(f"{live_server.url}/vi/my/")
    assert page.locator("html").get_attribute("lang") == "vi"
    page.click(".site-nav form [type=submit]")  # sign out
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/en/accounts/login/")
    assert axe(page) == []
    page.fill("input[name=login]", "thu_worker")
    page.fill("input[name=password]", "stitch-and-sew-2026")
    page.click("form [type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/en/my/")
    assert "/accounts/login/" not in page.url


def test_a_wrong_password_is_refused_with_a_message_and_keeps_the_username(live_server, page):
    UserFactory(username="lan")
    page.goto(f"{live_server.url}/en/accounts/login/")
    page.fill("input[name=login]", "lan")
    page.fill("input[name=password]", PASSWORD + "-wrong")
    page.click("form [type=submit]")
    page.wait_for_load_state()
    assert page.locator("input[name=login]").input_value() == "lan"
    assert page.locator(".errorlist, [role=alert], .form-errors").count() >= 1


def test_the_language_switcher_works_without_javascript(live_server, browser_context, homes):
    page = browser_context.new_page()
    page.goto(f"{live_server.url}/en/")
    page.click(".language-switcher summary")
    page.click(".language-switcher a[hreflang=ar]")
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/ar/"
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.close()


def test_the_accessibility_check_itself_catches_a_violation(page, axe):
    page.set_content('<html lang="en"><body><main><input type="text"></main></body></html>')
    assert {v["id"] for v in axe(page)} >= {"label"}
