"""Playing interactive packages in chromium: an H5P exercise in its sandboxed frame (answered,
scored, recorded as the learner, resumed after a reload) and a SCORM 2004 SCO through
Initialize / SetValue / Commit / Terminate, with axe on the player page."""

import time

import pytest
from django.db.utils import OperationalError

from lms.records.models import Statement
from media_library.interactive.access import register_access_check, unregister_access_check
from media_library.interactive.models import H5PState, ScormAttempt
from tests.accounts.factories import PASSWORD, UserFactory
from tests.media_library.interactive.factories import h5p_content, interactive_page, scorm_package

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("package_storage")]


@pytest.fixture
def axe():
    """axe-core evaluated in the page rather than added as a script tag, which the site's
    Content Security Policy (rightly) refuses."""
    from tests.browser.conftest import AXE

    source = AXE.read_text()

    def run(page):
        page.evaluate(source)
        result = page.evaluate(
            """async () => {
                const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
                const r = await axe.run(document, {runOnly: tags});
                return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
            }"""
        )
        return [v for v in result if v["impact"] in ("serious", "critical")]

    return run


def wait_for(check, timeout=10.0, page=None):
    """Poll ``check`` (the database, the frames); with a page, let Playwright process its
    events between polls (its sync API does nothing while Python sleeps)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = check()
        except OperationalError:
            # SQLite's shared in-memory test database locks a table while the live
            # server writes to it: look again in a moment.
            result = None
        if result:
            return result
        if page is not None:
            page.wait_for_timeout(200)
        else:
            time.sleep(0.2)
    return check()


@pytest.fixture
def enrolled():
    pairs = set()

    def check(user, package, page):
        return (user.pk, page.pk) in pairs

    register_access_check(check)
    yield pairs
    unregister_access_check(check)


@pytest.fixture
def home():
    """The English home page. A transactional test that ran before in this worker may have
    flushed what the data migrations load; if so, make the little these tests need."""
    from wagtail.models import Locale, Page, Site

    from lms.portal.models import HomePage

    english, _ = Locale.objects.get_or_create(language_code="en")
    home = HomePage.objects.filter(locale=english).first()
    if home is None:
        root = Page.get_first_root_node() or Page.add_root(
            instance=Page(title="Root", slug="root", locale=english)
        )
        home = root.add_child(
            instance=HomePage(title="Better Work Learning", slug="home", locale=english)
        )
        Site.objects.update_or_create(
            is_default_site=True, defaults={"hostname": "localhost", "root_page": home}
        )
    return home


def make_learner(username):
    return UserFactory(username=username, country=None)


def player_frame(page, kind):
    page.wait_for_selector(f'[data-interactive-player="{kind}"] iframe')
    frame = wait_for(
        lambda: next((f for f in page.frames if f"/{kind}/" in f.url), None), page=page
    )
    assert frame is not None, (page.inner_text("main"), [f.url for f in page.frames])
    return frame


def test_a_learner_answers_an_h5p_exercise_and_the_score_is_recorded(
    page, live_server, login, axe, home, enrolled
):
    content = h5p_content()
    lesson = interactive_page(parent=home, h5p=[content], title="Rights lesson")
    learner = make_learner("lan")
    enrolled.add((learner.pk, lesson.pk))
    login(page, "lan", PASSWORD)
    page.goto(live_server.url + lesson.url)

    iframe = page.locator('[data-interactive-player="h5p"] iframe')
    assert iframe.get_attribute("title") == content.title
    assert (
        iframe.get_attribute("sandbox") == "allow-scripts allow-forms allow-popups allow-downloads"
    )

    frame = player_frame(page, "h5p")
    frame.wait_for_selector(".bw-quiz input")
    frame.locator(".bw-quiz input").nth(1).check()  # right
    frame.locator(".bw-quiz input").nth(5).check()  # wrong
    frame.click(".bw-check")
    page.wait_for_selector(".interactive-status:has-text('50 out of 100')")

    completed = wait_for(lambda: Statement.objects.filter(verb__endswith="completed").first())
    assert completed.actor == learner
    assert completed.activity == f"urn:betterwork:h5p:{content.uuid}"
    assert completed.parent_activity == f"urn:betterwork:lesson:{lesson.pk}"
    assert completed.score_scaled == 0.5

    # The frame cannot reach the site's cookies: it runs in an opaque origin.
    assert frame.evaluate(
        "() => { try { return document.cookie; } catch (e) { return 'blocked'; } }"
    ) in (
        "blocked",
        "",
    )
    assert not axe(page)

    # Resume: the answers come back after a reload.
    assert wait_for(lambda: H5PState.objects.filter(learner=learner).exists())
    page.reload()
    frame = player_frame(page, "h5p")
    frame.wait_for_selector(".bw-quiz input")
    assert frame.locator(".bw-quiz input").nth(1).is_checked()
    assert frame.locator(".bw-quiz input").nth(5).is_checked()


def test_a_learner_who_is_not_enrolled_is_told_and_nothing_is_recorded(
    page, live_server, login, home, enrolled
):
    content = h5p_content()
    lesson = interactive_page(parent=home, h5p=[content], title="Closed lesson")
    make_learner("visitor")
    login(page, "visitor", PASSWORD)
    page.goto(live_server.url + lesson.url)
    frame = player_frame(page, "h5p")
    frame.wait_for_selector(".bw-quiz input")
    frame.locator(".bw-quiz input").nth(1).check()
    frame.click(".bw-check")
    page.wait_for_selector(".interactive-status:has-text('Enrol')")
    assert not Statement.objects.exists()


def test_a_scorm_2004_sco_runs_through_initialize_setvalue_commit_terminate(
    page, live_server, login, axe, home, enrolled
):
    package = scorm_package(version="2004")
    lesson = interactive_page(parent=home, scorm=[package], title="Overtime lesson")
    learner = make_learner("minh")
    enrolled.add((learner.pk, lesson.pk))
    login(page, "minh", PASSWORD)
    page.goto(live_server.url + lesson.url)
    assert not axe(page)

    page.click('[data-interactive-player="scorm"] [data-action="launch"]')
    frame = player_frame(page, "scorm")
    frame.wait_for_selector("#quiz input")
    frame.locator("#quiz input").nth(0).check()  # Initialize done; SetValue + Commit on change
    attempt = wait_for(
        lambda: ScormAttempt.objects.filter(learner=learner, cmi__suspend_data='{"0":0}').first(),
        timeout=8,
    )
    assert attempt is not None
    assert attempt.suspended

    frame.locator("#quiz input").nth(4).check()
    frame.click("#submit")  # SetValue score and status, Commit, Terminate
    attempt = wait_for(
        lambda: ScormAttempt.objects.filter(learner=learner, terminated=True).first()
    )
    assert attempt.completion_status == "completed"
    assert attempt.success_status == "passed"
    assert attempt.score_scaled == 1.0
    # The live server shares the in-memory database: wait for its transaction to finish.
    verbs = wait_for(
        lambda: (
            set(Statement.objects.filter(actor=learner).values_list("verb", flat=True))
            if Statement.objects.filter(actor=learner).count() == 2
            else None
        )
    )
    assert verbs == {
        "http://adlnet.gov/expapi/verbs/completed",
        "http://adlnet.gov/expapi/verbs/passed",
    }
    # Many SetValue and Commit calls, few requests: the page batches them.
    assert attempt.commit_sequence <= 3


def test_a_suspended_scorm_attempt_resumes_where_it_stopped(
    page, live_server, login, home, enrolled
):
    package = scorm_package(version="2004")
    lesson = interactive_page(parent=home, scorm=[package], title="Resume lesson")
    learner = make_learner("ha")
    enrolled.add((learner.pk, lesson.pk))
    login(page, "ha", PASSWORD)
    page.goto(live_server.url + lesson.url)
    page.click('[data-interactive-player="scorm"] [data-action="launch"]')
    frame = player_frame(page, "scorm")
    frame.wait_for_selector("#quiz input")
    frame.locator("#quiz input").nth(2).check()
    assert wait_for(lambda: ScormAttempt.objects.filter(cmi__suspend_data='{"0":2}').exists())

    page.reload()
    page.click('[data-interactive-player="scorm"] [data-action="launch"]')
    frame = player_frame(page, "scorm")
    frame.wait_for_selector("#quiz input")
    assert frame.locator("#quiz input").nth(2).is_checked()
    assert ScormAttempt.objects.filter(learner=learner).count() == 1
