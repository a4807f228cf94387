"""Learning offline on a phone (issue 23): keep a module, learn in it with the network off,
come back online and find each result stored once; a result the site refuses is shown to the
learner with its reason."""

import datetime as dt
import time

import pytest
from django.utils import timezone

from tests.accounts.factories import PASSWORD
from tests.courses import factories

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("package_storage")]


@pytest.fixture
def programme():
    from lms.portal.models import HomePage

    home = HomePage.objects.get(locale__language_code="en")
    training = factories.section(home)
    return factories.programme(training, modules=2, lessons=2, offline_scoring=True)


@pytest.fixture
def h5p_lesson(programme):
    """The second lesson of the first module also has an H5P exercise."""
    from tests.media_library.interactive.factories import h5p_content

    content = h5p_content()
    lesson = _lessons(programme)[1]
    lesson.body = [
        *[{"type": b.block_type, "value": b.block.get_prep_value(b.value)} for b in lesson.body],
        {"type": "h5p", "value": {"content": content.pk, "title": ""}},
    ]
    lesson.save()
    return lesson, content


def _controlled(page, url):
    page.goto(url)
    page.evaluate("() => navigator.serviceWorker.ready")
    page.reload()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def _keep_first_module(page):
    module = page.locator("li.module").first
    module.locator("[data-keep-button]").click()
    status = module.locator("[data-keep-status]")
    page.wait_for_function(
        "el => /takes .* on your phone/.test(el.textContent)", arg=status.element_handle()
    )
    module.locator("[data-keep-yes]").click()
    page.wait_for_function(
        "el => el.textContent.includes('Kept offline on this phone')",
        arg=status.element_handle(),
        timeout=30000,
    )


def _lessons(programme):
    from courses.models import LessonPage

    return list(LessonPage.objects.descendant_of(programme).order_by("path"))


def _queued_kinds(page):
    return page.evaluate("() => BWLearnStore.queue().then(q => q.map(i => i.payload.kind))")


def test_a_learner_keeps_a_module_learns_offline_and_each_result_is_stored_once(
    live_server, page, login, axe, programme, h5p_lesson
):
    from lms.records.models import Statement

    _lesson, content = h5p_lesson

    learner = factories.learner(username="offline.learner")
    factories.enrolled_long_ago(programme, learner)
    first, second = _lessons(programme)[:2]
    login(page, learner.username, PASSWORD)
    _controlled(page, f"{live_server.url}{programme.url}")
    _keep_first_module(page)

    page.context.set_offline(True)
    page.goto(f"{live_server.url}{first.url}")
    page.check(".block-question input[type=radio] >> nth=0")
    page.click(".block-question button[type=submit]")
    # The course lets the phone check answers: the learner knows at once.
    page.wait_for_selector(".offline-feedback >> text=Correct.")
    page.click("text=I have finished this lesson")
    page.wait_for_selector("text=You completed this lesson. It is sent when you are back online.")
    page.goto(f"{live_server.url}{second.url}")
    # The H5P exercise plays from the kept files, in a frame of its own opaque origin.
    page.wait_for_selector("[data-interactive-player=h5p] iframe")
    iframe = page.locator("[data-interactive-player=h5p] iframe")
    assert iframe.get_attribute("src") == "/interactive/player/h5p-offline/"
    frame = page.frame_locator("[data-interactive-player=h5p] iframe")
    frame.locator(".bw-quiz input").nth(1).check()  # right
    frame.locator(".bw-quiz input").nth(5).check()  # wrong
    frame.locator(".bw-check").click()
    page.wait_for_selector(
        ".interactive-status:has-text('Your answer is kept on this phone and sent when')"
    )
    player = next(f for f in page.frames if f.url.endswith("/interactive/player/h5p-offline/"))
    assert player.evaluate("() => window.origin") == "null"
    assert player.evaluate(
        "() => { try { return document.cookie; } catch (e) { return 'blocked'; } }"
    ) in ("blocked", "")
    assert (
        player.evaluate(
            "() => { try { return typeof indexedDB.open('bw-learn'); }"
            " catch (e) { return 'blocked'; } }"
        )
        == "blocked"
    )
    page.wait_for_function(
        "() => BWLearnStore.queue().then(q => q.some(i => i.payload.kind === 'h5p'"
        " && i.payload.statement.verb.id.endsWith('/completed')))",
        polling=250,
    )
    assert axe(page) == []
    page.click("text=I have finished this lesson")
    page.wait_for_function(
        "() => BWLearnStore.queue().then(q => q.filter(i => i.payload.kind === 'lesson').length"
        " === 2)",
        polling=250,
    )

    # Reloaded offline, the page still knows what waits to be sent.
    page.reload()
    kinds = _queued_kinds(page)
    h5p_count = kinds.count("h5p")
    assert sorted(set(kinds)) == ["check", "h5p", "lesson"]
    assert len(kinds) == 3 + h5p_count
    page.wait_for_selector(f"text={len(kinds)} results wait to be sent")
    assert page.locator("form[data-offline=lesson]").count() == 0
    page.goto(f"{live_server.url}{second.url}")
    page.wait_for_selector("[data-interactive-player=h5p] iframe")
    page.frame_locator("[data-interactive-player=h5p] iframe").locator(
        ".bw-quiz input"
    ).first.wait_for()
    assert axe(page) == []
    page.goto(f"{live_server.url}{programme.url}")
    page.wait_for_selector("li.lesson-queued >> nth=1")
    assert axe(page) == []
    page.goto(f"{live_server.url}/en/learn/offline/")
    page.wait_for_selector("[data-kept-items] li")
    assert "Module 1" in page.locator("[data-kept-items]").inner_text()
    assert axe(page) == []
    assert Statement.objects.filter(actor=learner).count() == 0

    # Back online: the queue is sent; sending it again never counts twice.
    page.context.set_offline(False)
    page.reload()
    # The database is read once the page has sent everything (the live server and this
    # test share one SQLite database: no reading while it writes).
    page.wait_for_function("() => BWLearnStore.queue().then(q => q.length === 0)", polling=250)
    page.wait_for_load_state("networkidle")
    assert Statement.objects.filter(actor=learner).count() == 3 + h5p_count
    h5p = Statement.objects.filter(actor=learner, activity=f"urn:betterwork:h5p:{content.uuid}")
    completed = h5p.get(verb__endswith="completed")
    assert completed.score_scaled == 0.5
    assert completed.parent_activity == f"urn:betterwork:lesson:{second.pk}"
    page.reload()
    time.sleep(1)
    assert Statement.objects.filter(actor=learner).count() == 3 + h5p_count
    page.goto(f"{live_server.url}{programme.url}")
    first_module = page.locator("li.module").first
    assert first_module.locator("li.lesson-done").count() == 2
    assert first_module.locator("li.lesson-queued").count() == 0


def test_a_result_the_site_refuses_is_shown_with_its_reason(live_server, page, login, programme):
    from lms.records.models import Statement

    learner = factories.learner(username="offline.refused")
    cohort = factories.cohort(programme, trainers=[factories.trainer()])
    factories.enrol(programme, [learner], cohort)
    first = _lessons(programme)[0]
    login(page, learner.username, PASSWORD)
    _controlled(page, f"{live_server.url}{programme.url}")
    _keep_first_module(page)

    page.context.set_offline(True)
    page.goto(f"{live_server.url}{first.url}")
    page.click("text=I have finished this lesson")
    page.wait_for_selector("text=1 result waits to be sent")
    # Meanwhile the trainer moves the class's start: the module has not opened after all.
    cohort.start_date = timezone.localdate() + dt.timedelta(days=20)
    cohort.save()

    page.context.set_offline(False)
    page.reload()
    page.wait_for_function("() => BWLearnStore.queue().then(q => q.length === 0)", polling=250)
    refused = page.locator("[data-offline-refused] li")
    refused.first.wait_for()
    assert "Not recorded: Lesson 1.1." in refused.inner_text()
    assert "opens for you on" in refused.inner_text()
    assert Statement.objects.filter(actor=learner).count() == 0
    page.reload()
    page.locator("[data-offline-refused] li").first.wait_for()  # never dropped silently
