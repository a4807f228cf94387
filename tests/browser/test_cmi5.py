"""A cmi5 course built in the test runs end to end in chromium: the learner starts the unit
from the lesson, the LMS launches it in a sandboxed frame, and the unit's own script follows
the cmi5 launch sequence (fetch the token, read LMS.LaunchData, send initialized, completed,
passed and terminated) against the LRS; the LMS then finds the course satisfied."""

import pytest

from lms.records.models import Statement
from media_library.interactive.cmi5_models import Cmi5AuProgress, Cmi5Session
from media_library.interactive.cmi5_services import SATISFIED
from tests.accounts.factories import PASSWORD
from tests.browser.test_interactive import (  # noqa: F401 (fixtures)
    enrolled,
    home,
    make_learner,
    wait_for,
)
from tests.media_library.interactive.cmi5_builder import cmi5_package, cmi5_page

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("package_storage")]


def _lesson_opened_by(username, page, live_server, login, parent, enrolments):
    """A lesson embedding the test cmi5 course, opened by a new enrolled learner."""
    lesson = cmi5_page(parent=parent, package=cmi5_package(), title="Hours lesson")
    learner = make_learner(username)
    enrolments.add((learner.pk, lesson.pk))
    login(page, username, PASSWORD)
    page.goto(live_server.url + lesson.url)
    return learner, lesson


def _unit_status_when_finished(page) -> str:
    """The test unit's own report ("done: <mode> <moveOn>" or "error: ...") once it ends."""
    frame = wait_for(
        lambda: next((f for f in page.frames if "/interactive/files/cmi5/" in f.url), None),
        page=page,
    )
    assert frame is not None
    return wait_for(
        lambda: (
            frame.inner_text("#status")
            if frame.inner_text("#status").startswith(("done", "error"))
            else None
        ),
        timeout=20,
        page=page,
    )


def test_a_cmi5_unit_runs_its_launch_sequence_in_the_sandboxed_frame(
    page,
    live_server,
    login,
    home,  # noqa: F811
    enrolled,  # noqa: F811
):
    learner, lesson = _lesson_opened_by("lan", page, live_server, login, home, enrolled)
    page.click(".cmi5-units button[type=submit]")
    page.wait_for_selector("iframe[data-cmi5-session]")
    sandbox = page.get_attribute("iframe[data-cmi5-session]", "sandbox")
    assert "allow-scripts" in sandbox
    assert "allow-same-origin" not in sandbox
    status = _unit_status_when_finished(page)
    assert status == "done: Normal CompletedAndPassed", status
    session = wait_for(lambda: Cmi5Session.objects.filter(terminated=True).first())
    assert session.initialized
    progress = wait_for(lambda: Cmi5AuProgress.objects.filter(satisfied=True).first())
    assert progress.completed
    assert progress.passed
    verbs = set(Statement.objects.filter(actor=learner).values_list("verb", flat=True))
    assert {
        "http://adlnet.gov/expapi/verbs/launched",
        "http://adlnet.gov/expapi/verbs/initialized",
        "http://adlnet.gov/expapi/verbs/completed",
        "http://adlnet.gov/expapi/verbs/passed",
        "http://adlnet.gov/expapi/verbs/terminated",
        SATISFIED,
    } <= verbs
    # Back on the lesson, the unit shows as done.
    page.goto(live_server.url + lesson.url)
    assert "Done" in page.inner_text(".cmi5-units")


def test_a_browse_launch_looks_around_without_recording_completion(
    page,
    live_server,
    login,
    home,  # noqa: F811
    enrolled,  # noqa: F811
):
    learner, _lesson = _lesson_opened_by("minh", page, live_server, login, home, enrolled)
    page.click(".cmi5-units button[value=Browse]")
    page.wait_for_selector("[data-cmi5-mode=Browse]")
    status = _unit_status_when_finished(page)
    assert status == "done: Browse CompletedAndPassed", status
    session = wait_for(lambda: Cmi5Session.objects.filter(terminated=True).first())
    assert session.launch_mode == "Browse"
    assert not Cmi5AuProgress.objects.filter(completed=True).exists()
    assert not Statement.objects.filter(actor=learner, verb=SATISFIED).exists()
