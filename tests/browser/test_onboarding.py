"""Issue 21.3: a new staff member signs in, is asked for the password again, sets up TOTP and
sees the recovery codes; each step says what is happening and why, and passes axe."""

import pytest

from tests.accounts.factories import PASSWORD, authenticator_code, country_staff

pytestmark = pytest.mark.django_db(transaction=True)


def explained(page, axe, words):
    step = page.locator(".onboarding-step")
    assert step.count() == 1
    assert step.is_visible()
    assert words in step.inner_text()
    assert axe(page) == []


def test_a_new_staff_member_is_told_what_each_step_is_for(live_server, page, axe, login):
    staff = country_staff("vn", display_name="Linh")
    login(page, staff.username, PASSWORD)
    page.goto(f"{live_server.url}/admin/")
    page.wait_for_load_state()
    if "reauthenticate" in page.url:
        explained(page, axe, "Why your password again")
        page.fill("input[name=password]", PASSWORD)
        page.click("main form [type=submit]")
        page.wait_for_load_state()
    assert "/2fa/totp/activate/" in page.url
    explained(page, axe, "Step 1 of 2")
    secret = page.input_value("#authenticator_secret")
    page.fill("input[name=code]", authenticator_code(secret))
    page.click("main form [type=submit]")
    page.wait_for_load_state()
    if "/recovery-codes/" not in page.url:
        page.goto(f"{live_server.url}/en/accounts/2fa/recovery-codes/")
        page.wait_for_load_state()
        if "reauthenticate" in page.url:
            explained(page, axe, "Why a code again")
            page.fill("input[name=code]", authenticator_code(secret))
            page.click("main form [type=submit]")
            page.wait_for_load_state()
    assert "/recovery-codes/" in page.url
    explained(page, axe, "Step 2 of 2")
    # The site now leads to the admin, whose dashboard leads to the reports.
    page.goto(f"{live_server.url}/en/accounts/profile/")
    page.get_by_role("link", name="Administration").click()
    page.wait_for_load_state()
    assert page.url.rstrip("/").endswith("/admin")
    assert page.get_by_role("link", name="Open the impact reports").is_visible()
