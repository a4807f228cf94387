"""The community in a real browser on a small phone screen: reading and replying without
JavaScript, and no serious accessibility problems in English and Arabic."""

import pytest

from community import services
from tests.accounts.factories import PASSWORD, UserFactory
from tests.community.factories import CommunityFactory, trusted

# The live server needs committed data; the serialised rollback restores the taxonomy and
# locales that the migrations load, for the next test.
pytestmark = pytest.mark.django_db(transaction=True)


def _restore_base_data():
    """A transactional test that ran earlier in this worker without a serialised rollback
    may have flushed what the data migrations load; load it again if so."""
    import importlib

    from django.apps import apps
    from wagtail.models import Locale, Page

    from lms.accounts.models import Role

    if Role.objects.exists() and Locale.objects.exists() and Page.objects.exists():
        return
    importlib.import_module("lms.accounts.migrations.0003_load_roles").load(apps, None)
    importlib.import_module("lms.taxonomy.migrations.0002_load_programme_taxonomy").load(apps, None)
    if not Page.objects.filter(depth=1).exists():
        Page.add_root(instance=Page(title="Root", slug="root", locale=Locale.get_default()))
    importlib.import_module("lms.portal.migrations.0002_create_home_page").create_home(apps, None)


@pytest.fixture
def forum():
    _restore_base_data()
    community = CommunityFactory(slug="osh-browser", name="OSH practitioners")
    author = trusted(UserFactory(username="asker", display_name="Sokha Chan"))
    thread = services.thread_create(
        author=author,
        community=community,
        title="Chemical labels in the languages workers read",
        source="What has worked for you?\n\nWe use <b>pictograms</b>.",
        is_question=True,
    )
    return community, thread


def test_a_member_replies_with_javascript_off(browser_context, live_server, forum, login):
    community, thread = forum
    trusted(UserFactory(username="replier", display_name="Lê Quang Huy"))
    page = browser_context.new_page()
    page.set_default_timeout(15000)
    login(page, "replier", PASSWORD)
    context_without_js = browser_context.browser.new_context(
        java_script_enabled=False, viewport={"width": 360, "height": 740}
    )
    context_without_js.add_cookies(browser_context.cookies())
    no_js = context_without_js.new_page()
    no_js.goto(f"{live_server.url}/en/community/{community.slug}/t/{thread.pk}/")
    assert no_js.locator("[data-editor-toolbar]").is_hidden()
    no_js.fill("textarea[name=source]", "GHS pictograms at eye level, explained in 5 minutes.")
    no_js.click("#reply button[type=submit]")
    no_js.wait_for_load_state()
    assert "#post-2" in no_js.url
    assert no_js.locator("#post-2 .post-body").inner_text().startswith("GHS pictograms")
    context_without_js.close()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_community_pages_have_no_serious_accessibility_problems(
    playwright_browser, live_server, forum, axe, language
):
    community, thread = forum
    # axe-core is injected as an inline script, which our CSP (rightly) refuses.
    context = playwright_browser.new_context(
        bypass_csp=True, viewport={"width": 360, "height": 740}
    )
    page = context.new_page()
    for path in (
        f"/{language}/community/",
        f"/{language}/community/{community.slug}/",
        f"/{language}/community/{community.slug}/t/{thread.pk}/",
        f"/{language}/community/people/",
        f"/{language}/community/search/?q=labels",
    ):
        page.goto(f"{live_server.url}{path}")
        assert axe(page) == [], path
    context.close()


def test_the_formatting_toolbar_appears_with_javascript_and_wraps_the_selection(
    page, live_server, forum, login
):
    community, thread = forum
    trusted(UserFactory(username="writer"))
    login(page, "writer", PASSWORD)
    page.goto(f"{live_server.url}/en/community/{community.slug}/t/{thread.pk}/")
    toolbar = page.locator("#reply [data-editor-toolbar]")
    assert toolbar.is_visible()
    box = page.locator("#reply textarea[name=source]")
    box.fill("Use pictograms")
    box.evaluate("(element) => element.setSelectionRange(4, 14)")
    toolbar.locator("button[data-action=bold]").click()
    assert box.input_value() == "Use <b>pictograms</b>"
    page.click("#reply button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#post-2 .post-body b").inner_text() == "pictograms"
