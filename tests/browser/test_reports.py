"""The impact dashboard in a real browser: a staff member signs in with their second
factor, reads every chart (no JavaScript needed) and its table, in English and Arabic, and
downloads an export; axe finds no serious accessibility problem."""

from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import TOTP

from tests.accounts.factories import PASSWORD, authenticator_code, global_admin
from tests.reports.conftest import data  # noqa: F401 - the known data set, as a fixture

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def viewer(data):  # noqa: F811 - the imported fixture
    person = global_admin(display_name="Programme Officer")
    TOTP.activate(person, SECRET)
    return person


def sign_in_with_second_factor(page, live_server, person):
    page.set_viewport_size({"width": 1280, "height": 900})  # staff work at a desk
    page.goto(f"{live_server.url}/en/accounts/login/")
    page.fill("input[name=login]", person.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form [type=submit]")
    page.wait_for_load_state()
    assert "/2fa/authenticate/" in page.url
    for _attempt in range(3):
        # A code typed as its 30-second window closes is refused, as by a phone: type the next.
        page.fill("input[name=code]", authenticator_code(SECRET))
        page.click("form [type=submit]")
        page.wait_for_load_state()
        if "/2fa/authenticate/" not in page.url:
            break
        page.wait_for_timeout(2000)


def test_the_dashboard_reads_without_javascript_and_exports(
    live_server, browser_context, page, axe, viewer
):
    sign_in_with_second_factor(page, live_server, viewer)
    page.goto(f"{live_server.url}/admin/reports/")
    assert page.title().startswith("Impact reports")
    charts = page.locator("svg.reports-chart__svg")
    assert charts.count() >= 8
    assert page.locator("#panel-training_days").is_visible()
    assert "Saigon Garments" in page.locator(".reports-panel__table").nth(5).inner_text()
    assert axe(page) == []

    # Narrow to one organisation, typed by name: the form works as a plain GET.
    page.fill("#id_organisation", "Irbid Apparel")
    page.click(".reports-filters button[type=submit]")
    page.wait_for_load_state()
    assert "organisation=" in page.url
    panels = " ".join(page.locator(".reports-panel").all_inner_texts())
    assert "Irbid Apparel" in panels
    assert "Saigon Garments" not in panels

    # A file with records: the worker builds it (eagerly here), the request's page then
    # hands it over as a download (decision 0607).
    page.select_option("#id_format", "csv")
    with page.expect_download() as download:
        page.click("text=Export these figures")
    assert download.value.suggested_filename.endswith(".csv")
    assert "Irbid Apparel" in Path(download.value.path()).read_text(encoding="utf-8-sig")

    # With JavaScript off the charts and tables are all there.
    no_script = browser_context.browser.new_context(java_script_enabled=False)
    no_script.add_cookies(browser_context.cookies())
    other = no_script.new_page()
    other.goto(f"{live_server.url}/admin/reports/")
    assert other.locator("svg.reports-chart__svg").count() >= 8
    no_script.close()


def test_the_dashboard_in_arabic_is_right_to_left_and_accessible(live_server, page, axe, viewer):
    viewer.preferred_language = "ar"
    viewer.save(update_fields=["preferred_language"])
    sign_in_with_second_factor(page, live_server, viewer)
    page.goto(f"{live_server.url}/admin/reports/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("svg.reports-chart__svg").first.get_attribute("direction") == "rtl"
    assert axe(page) == []


def test_an_export_still_being_built_arrives_when_the_page_finds_it_ready(
    live_server, page, axe, viewer, monkeypatch
):
    """With a worker that has not built the file yet, the page says so (no timed reload),
    its script asks again and fetches the file as soon as the worker is done."""
    from lms.reports import tasks
    from lms.reports.models import ReportExport

    monkeypatch.setattr(tasks.export_build, "delay", lambda export_id: None)  # a busy worker
    sign_in_with_second_factor(page, live_server, viewer)
    page.goto(f"{live_server.url}/admin/reports/")
    page.select_option("#id_format", "csv")
    page.click("text=Export these figures")
    page.wait_for_load_state()
    assert "/admin/reports/exports/" in page.url
    assert "being prepared" in page.locator("[data-export-status] [role=status]").inner_text()
    assert page.locator("meta[http-equiv=refresh]").count() == 0
    assert axe(page) == []

    export = ReportExport.objects.get(requested_by=viewer)
    with page.expect_download(timeout=30_000) as download:
        tasks.export_build(export.pk)  # the worker, done now
    assert download.value.suggested_filename.endswith(".csv")
    assert "Participants trained" in Path(download.value.path()).read_text(encoding="utf-8-sig")
