"""cmi5 launch modes and statement order, from the cmi5 specification (Quartz):
section 10.0 (launchMode: "Browse" and "Review" mean completion-related data MUST NOT be
recorded; the AU sends "Initialized" and "Terminated" and no other cmi5 defined
statements), 9.6.3.3 (launchMode in the "Launched" statement), and 9.3 ("the order is
determined by the value of the timestamp property"; "Initialized" first, "Terminated" last;
9.3.8: after "Terminated" the LMS waits a period of its choosing, then rejects statements)."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lms.records.models import Statement, XapiDocument
from media_library.interactive.cmi5_models import Cmi5AuProgress, Cmi5Session
from media_library.interactive.cmi5_services import LAUNCHED, TERMINATED_GRACE
from tests.accounts.factories import UserFactory
from tests.media_library.interactive.cmi5_builder import cmi5_package, cmi5_page
from tests.media_library.interactive.test_cmi5 import Unit

pytestmark = pytest.mark.django_db

MODE_EXT = "https://w3id.org/xapi/cmi5/context/extensions/launchmode"


@pytest.fixture
def package():
    return cmi5_package()


@pytest.fixture
def lesson(home_page, package):
    return cmi5_page(parent=home_page, package=package)


@pytest.fixture
def browser(enrolments, lesson):
    person = UserFactory()
    enrolments.add(person, lesson)
    client = Client()
    client.force_login(person)
    return client


def launch(browser, package, lesson, mode=None):
    au = package.aus.get()
    data = {"mode": mode} if mode else {}
    return browser.post(f"/en/watch/interactive/cmi5/{au.pk}/launch/?page={lesson.pk}", data)


def started(browser, package, lesson, mode=None):
    response = launch(browser, package, lesson, mode)
    assert response.status_code == 200, response.content[:500]
    return Unit(response.context["launch"].url).start()


def at(moment):
    return moment.isoformat()


def send_batch(unit, statements):
    return unit.client.post(
        "/xapi/statements", json.dumps(statements), content_type="application/json", **unit.headers
    )


def finish_normally(browser, package, lesson):
    unit = started(browser, package, lesson)
    for verb, result in (
        ("initialized", None),
        ("completed", {"completion": True}),
        ("passed", {"success": True, "score": {"scaled": 0.9}}),
        ("terminated", None),
    ):
        assert unit.send(unit.statement(verb, result)).status_code == 200, verb


# --- launch modes ----------------------------------------------------------------------


def test_browse_is_told_to_the_unit_and_no_completion_data_is_taken(browser, package, lesson):
    unit = started(browser, package, lesson, "Browse")
    assert unit.launch_data["launchMode"] == "Browse"
    launched = Statement.objects.get(verb=LAUNCHED)
    assert launched.data["context"]["extensions"][MODE_EXT] == "Browse"
    assert Cmi5Session.objects.get().launch_mode == "Browse"
    assert unit.send(unit.statement("initialized")).status_code == 200
    for verb, result in (
        ("completed", {"completion": True}),
        ("passed", {"success": True, "score": {"scaled": 0.9}}),
        ("failed", {"success": False, "score": {"scaled": 0.1}}),
    ):
        response = unit.send(unit.statement(verb, result))
        assert response.status_code == 400, verb
        assert b"Browse and Review" in response.content
    # "cmi5 allowed" statements are not judged; terminated ends the session as usual.
    assert unit.send(unit.statement("experienced", defined=False)).status_code == 200
    assert unit.send(unit.statement("terminated")).status_code == 200
    assert not Cmi5AuProgress.objects.filter(completed=True).exists()


def test_review_opens_only_once_the_unit_is_done(browser, package, lesson):
    page = browser.get(lesson.url).content.decode()
    assert 'value="Browse"' in page
    assert 'value="Review"' not in page
    assert launch(browser, package, lesson, "Review").status_code == 403
    assert not Cmi5Session.objects.exists()

    finish_normally(browser, package, lesson)
    page = browser.get(lesson.url).content.decode()
    assert 'value="Review"' in page
    assert 'value="Browse"' not in page
    unit = started(browser, package, lesson, "Review")
    assert unit.launch_data["launchMode"] == "Review"
    launch_page = launch(browser, package, lesson, "Review").content.decode()
    assert 'data-cmi5-mode="Review"' in launch_page
    review = started(browser, package, lesson, "Review")
    assert review.send(review.statement("initialized")).status_code == 200
    assert review.send(review.statement("failed", {"success": False})).status_code == 400
    progress = Cmi5AuProgress.objects.get()
    assert progress.passed
    assert not progress.failed


def test_a_normal_launch_is_always_offered_and_an_unknown_mode_is_refused(browser, package, lesson):
    assert launch(browser, package, lesson, "Sideways").status_code == 400
    unit = started(browser, package, lesson)
    assert unit.launch_data["launchMode"] == "Normal"
    assert XapiDocument.objects.filter(document_id="LMS.LaunchData").count() == 1


# --- order by timestamp ----------------------------------------------------------------


def test_a_batch_is_judged_in_timestamp_order_not_arrival_order(browser, package, lesson):
    unit = started(browser, package, lesson)
    start = timezone.now() - timedelta(minutes=5)
    completed = unit.statement(
        "completed", {"completion": True}, timestamp=at(start + timedelta(seconds=20))
    )
    initialized = unit.statement("initialized", timestamp=at(start))
    response = send_batch(unit, [completed, initialized])
    assert response.status_code == 200, response.content
    session = Cmi5Session.objects.get()
    assert session.initialized
    assert Cmi5AuProgress.objects.get().completed


def test_a_statement_dated_before_initialized_is_refused(browser, package, lesson):
    unit = started(browser, package, lesson)
    start = timezone.now() - timedelta(minutes=5)
    assert unit.send(unit.statement("initialized", timestamp=at(start))).status_code == 200
    early = unit.statement("experienced", defined=False, timestamp=at(start - timedelta(seconds=1)))
    assert unit.send(early).status_code == 400
    later = unit.statement("experienced", defined=False, timestamp=at(start + timedelta(seconds=1)))
    assert unit.send(later).status_code == 200


def test_queued_statements_dated_before_terminated_are_taken_within_the_grace(
    browser, package, lesson
):
    unit = started(browser, package, lesson)
    start = timezone.now() - timedelta(minutes=5)
    unit.send(unit.statement("initialized", timestamp=at(start)))
    end = start + timedelta(seconds=60)
    assert unit.send(unit.statement("terminated", timestamp=at(end))).status_code == 200
    # The client's queue delivers what it did before terminating: taken, and it counts.
    queued = unit.statement(
        "completed", {"completion": True}, timestamp=at(end - timedelta(seconds=10))
    )
    assert unit.send(queued).status_code == 200
    assert Cmi5AuProgress.objects.get().completed
    # Terminated is the last statement: nothing dated after it, and not a second one.
    after = unit.statement("experienced", defined=False, timestamp=at(end + timedelta(seconds=1)))
    assert unit.send(after).status_code == 400
    again = unit.statement("terminated", timestamp=at(end - timedelta(seconds=1)))
    assert unit.send(again).status_code == 400


def test_after_the_grace_the_ended_session_takes_nothing(browser, package, lesson):
    unit = started(browser, package, lesson)
    start = timezone.now() - timedelta(minutes=5)
    unit.send(unit.statement("initialized", timestamp=at(start)))
    end = start + timedelta(seconds=60)
    unit.send(unit.statement("terminated", timestamp=at(end)))
    Cmi5Session.objects.update(
        terminated_received_at=timezone.now() - TERMINATED_GRACE - timedelta(seconds=1)
    )
    queued = unit.statement(
        "completed", {"completion": True}, timestamp=at(end - timedelta(seconds=10))
    )
    assert unit.send(queued).status_code == 400
    assert not Cmi5AuProgress.objects.get().completed


def test_a_second_completed_in_the_registration_is_refused_whatever_its_date(
    browser, package, lesson
):
    start = timezone.now() - timedelta(minutes=8)
    first = started(browser, package, lesson)
    first.send(first.statement("initialized", timestamp=at(start)))
    done = first.statement("completed", {"completion": True}, timestamp=at(start))
    assert first.send(done).status_code == 200
    first.send(first.statement("terminated", timestamp=at(start + timedelta(seconds=5))))
    second = started(browser, package, lesson)
    second.send(second.statement("initialized", timestamp=at(start - timedelta(minutes=1))))
    earlier = second.statement(
        "completed", {"completion": True}, timestamp=at(start - timedelta(seconds=30))
    )
    assert second.send(earlier).status_code == 400
