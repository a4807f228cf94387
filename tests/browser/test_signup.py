"""A worker on a phone signs up for a seminar session, joins the waiting list of a full one,
cancels, and finds the session in their calendar; the pages pass axe."""

import datetime as dt

import pytest

from tests.accounts.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def signup_setup():
    from courses import registration_services
    from lms.portal.models import HomePage
    from tests.courses.signup_factories import seminar_world, signup_session, worker

    world = seminar_world(HomePage.objects.get(locale__language_code="en"))
    open_session = signup_session(
        world["cohort"], capacity=3, title="Fire safety seminar", starts_in=dt.timedelta(days=3)
    )
    full = signup_session(
        world["cohort"], capacity=1, title="Full seminar", starts_in=dt.timedelta(days=5)
    )
    taker = worker(world["organisation"])
    registration_services.session_registration_create(
        session=full, learner=taker, registered_by=taker
    )
    person = worker(world["organisation"], username="hoa.worker")
    return person, open_session, full


def test_a_worker_signs_up_on_a_phone(live_server, page, login, axe, signup_setup):
    from courses.models import SessionRegistration

    person, open_session, full = signup_setup
    login(page, person.username, PASSWORD)
    page.goto(f"{live_server.url}/en/learn/sessions/")
    assert axe(page) == []
    # Nothing is wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.locator(f"#s-{open_session.pk} button[type=submit]").click()
    page.wait_for_load_state()
    assert "You have a seat" in page.locator(f"#s-{open_session.pk}").inner_text()
    page.locator(f"#s-{full.pk} button[type=submit]").click()
    page.wait_for_load_state()
    assert "number 1 on the waiting list" in page.locator(f"#s-{full.pk}").inner_text()
    assert axe(page) == []

    page.locator(f"#s-{full.pk} button[type=submit]").click()  # leave the waiting list
    page.wait_for_load_state()
    statuses = dict(
        SessionRegistration.objects.filter(learner=person).values_list("session", "status")
    )
    assert statuses == {open_session.pk: "registered", full.pk: "cancelled"}

    page.goto(f"{live_server.url}/en/learn/calendar/")
    assert "Fire safety seminar" in page.locator("main").inner_text()
    assert "Full seminar" not in page.locator("main").inner_text()
    assert axe(page) == []
