"""The assessment form on a phone: answers saved as they are given, kept while offline, sent
once when the connection returns; accessible in English and Arabic."""

import pytest
from django.conf import settings
from django.test import Client

from compliance.models import Finding, FindingWrite
from tests.accounts.factories import UserFactory
from tests.compliance.factories import assessment, factory_in, instrument_with_questions

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def draft(totp_for):
    advisor = totp_for(UserFactory(roles=["enterprise_advisor"]))
    factory = factory_in("vn", advisors=[advisor])
    item = assessment(factory, instrument=instrument_with_questions(6), assessors=[advisor])
    return item, advisor


def _signed_in(context, live_server, user):
    """The advisor's session, as after signing in with their second factor."""
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def _question(item, code):
    return item.instrument.questions.get(code=code)


def test_answers_given_offline_are_sent_once_when_the_connection_returns(
    live_server, browser_context, page, axe, draft
):
    item, advisor = draft
    _signed_in(browser_context, live_server, advisor)
    url = f"{live_server.url}/en/factories/assessments/{item.pk}/"
    page.goto(url, timeout=90000)  # the first page of a busy machine's live server
    assert axe(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    q1, q2, q3 = (_question(item, code) for code in ("Q.1", "Q.2", "Q.3"))
    page.check(f"#q-{q1.pk} input[value=no]")
    # Functions, not strings: the page's Content Security Policy forbids eval.
    page.wait_for_function(
        f"() => document.querySelector('#q-{q1.pk} .cmp-saved').textContent === 'Saved.'"
    )
    assert Finding.objects.filter(assessment=item).count() == 1

    browser_context.set_offline(True)
    page.check(f"#q-{q2.pk} input[value=yes]")
    page.check(f"#q-{q3.pk} input[value=no]")
    page.fill(f"#notes-{q3.pk}", "Fire exit on floor 2 locked.")
    page.locator(f"#notes-{q3.pk}").blur()
    page.wait_for_function(
        "() => document.getElementById('cmp-status').textContent.includes('waiting')"
    )
    assert Finding.objects.filter(assessment=item).count() == 1

    browser_context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_function(
        "() => !localStorage.getItem('compliance-answers-' + "
        "document.getElementById('cmp-sheet').dataset.assessment)"
    )
    stored = {
        f.question.code: f
        for f in Finding.objects.filter(assessment=item).select_related("question")
    }
    assert set(stored) == {"Q.1", "Q.2", "Q.3"}
    assert stored["Q.3"].answer == "no"
    assert stored["Q.3"].notes == "Fire exit on floor 2 locked."
    assert stored["Q.3"].is_non_compliant
    # Each answer stored once: the notes change replaced the queued Q.3 answer before it left.
    assert FindingWrite.objects.filter(finding__assessment=item).count() == 3

    # A reload shows what was stored; nothing is sent twice.
    page.reload(timeout=90000)
    assert page.is_checked(f"#q-{q3.pk} input[value=no]")
    assert FindingWrite.objects.filter(finding__assessment=item).count() == 3


def test_the_form_is_accessible_and_right_to_left_in_arabic(
    live_server, browser_context, page, axe, draft
):
    item, advisor = draft
    _signed_in(browser_context, live_server, advisor)
    page.goto(f"{live_server.url}/ar/factories/assessments/{item.pk}/", timeout=90000)
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert axe(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
