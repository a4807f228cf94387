"""Real packages, exported by editors nobody here wrote (../shared/fixtures/packages/):
uploaded through the real admin form, played by an enrolled learner in chromium, completed,
the record checked, reloaded and resumed, in the default (opaque, sandboxed) mode and with a
separate package origin (another host name: 127.0.0.1 beside the live server's localhost)."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from lms.records.models import Statement
from media_library.interactive.models import H5PContent, H5PState, ScormAttempt, ScormPackage
from tests.accounts.factories import PASSWORD
from tests.browser.test_interactive import (  # noqa: F401  (fixtures)
    enrolled,
    home,
    make_learner,
    wait_for,
)
from tests.media_library.interactive.factories import interactive_page

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("package_storage")]

FIXTURES = Path("/work/shared/fixtures/packages")
for _parent in Path(__file__).resolve().parents:
    if (_parent / "shared" / "fixtures" / "packages").exists():
        FIXTURES = _parent / "shared" / "fixtures" / "packages"
        break


@pytest.fixture(params=["sandboxed", "separate-origin"])
def mode(request, settings, live_server):
    """Both modes: frames on the site's host without allow-same-origin, or a package origin
    on another host name that serves the same application."""
    if request.param == "separate-origin":
        port = urlsplit(live_server.url).port
        settings.INTERACTIVE_PACKAGE_ORIGIN = f"http://127.0.0.1:{port}"
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
        # The site's pages may frame that origin (as base.py adds when the setting is set).
        settings.CONTENT_SECURITY_POLICY = {
            **settings.CONTENT_SECURITY_POLICY,
            "DIRECTIVES": {
                **settings.CONTENT_SECURITY_POLICY["DIRECTIVES"],
                "frame-src": [
                    *settings.CONTENT_SECURITY_POLICY["DIRECTIVES"].get("frame-src", []),
                    f"http://127.0.0.1:{port}",
                ],
            },
        }
    return request.param


def admin_upload(page, live_server, login, *, kind, path):
    """Upload through the real Wagtail admin form, as global staff with their second factor."""
    from allauth.mfa.totp.internal.auth import TOTP

    from tests.accounts.factories import global_admin
    from tests.browser.test_reports import SECRET, sign_in_with_second_factor

    uploader = global_admin(username="uploader")
    TOTP.activate(uploader, SECRET)
    sign_in_with_second_factor(page, live_server, uploader)
    page.goto(f"{live_server.url}/admin/snippets/interactive/{kind}/add/")
    page.set_input_files("input[name=source]", str(path))
    page.locator("form:has(input[name=source]) button[type=submit]").first.click()
    page.wait_for_load_state()
    model = H5PContent if kind == "h5pcontent" else ScormPackage
    package = wait_for(lambda: model.objects.filter(status="ready").first(), timeout=30)
    assert package is not None, (page.url, list(model.objects.values("status", "status_message")))
    page.context.clear_cookies()
    return package


def test_the_real_scorm_2004_golf_package_plays_completes_and_resumes(
    page,
    live_server,
    login,
    home,  # noqa: F811
    enrolled,  # noqa: F811
    mode,
):
    package = admin_upload(
        page, live_server, login, kind="scormpackage", path=FIXTURES / "golf-2004-3rd-master.zip"
    )
    assert package.version == "2004-3"
    lesson = interactive_page(parent=home, scorm=[package], title=f"Golf {mode}")
    learner = make_learner("golfer")
    enrolled.add((learner.pk, lesson.pk))
    login(page, "golfer", PASSWORD)
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    page.goto(live_server.url + lesson.url)
    page.click('[data-interactive-player="scorm"] [data-action="launch"]')
    launch = wait_for(
        lambda: next((f for f in page.frames if "launchpage" in f.url), None), page=page
    )
    assert launch is not None
    launch.wait_for_selector("#butNext")
    # The standard 2004 discovery (from the parent up) found the API: no "could not establish".
    assert launch.evaluate("() => window.initialized") is True
    assert not [d for d in dialogs if "LMS" in d]
    # Its content pages show in a frame nested in the SCO.
    content = wait_for(
        lambda: next((f for f in page.frames if "Playing.html" in f.url), None), page=page
    )
    content.wait_for_selector("h1")

    for _ in range(3):
        launch.click("#butNext")
        page.wait_for_timeout(200)
    # Leave in the middle: the SCO suspends; the bookmark is saved.
    launch.click("#butExit")  # confirm("save your progress?") → yes (a real dialog)
    attempt = wait_for(
        lambda: ScormAttempt.objects.filter(learner=learner, cmi__location="3").first(), page=page
    )
    assert attempt is not None, list(ScormAttempt.objects.values("cmi"))
    assert attempt.suspended

    # Reload and resume: the SCO asks "resume where you left off?" and goes back to page 3.
    page.reload()
    page.click('[data-interactive-player="scorm"] [data-action="launch"]')
    launch = wait_for(
        lambda: next((f for f in page.frames if "launchpage" in f.url), None), page=page
    )
    launch.wait_for_selector("#butNext")
    assert any("resume" in d for d in dialogs)
    assert wait_for(
        lambda: next((f for f in page.frames if "OtherScoring.html" in f.url), None), page=page
    )

    # On to the test at the end, answered right, then submitted: the score reaches the SCO's
    # own page (parent.RecordTest) and the record.
    for _ in range(11):
        launch.click("#butNext")
        page.wait_for_timeout(150)
    test = wait_for(
        lambda: next((f for f in page.frames if "assessmenttemplate" in f.url), None), page=page
    )
    test.wait_for_selector("input[type=button]")
    for radio in test.locator(".correctAnswer input[type=radio]").all():
        radio.check()
    for box in test.locator(".correctAnswer input[type=text]").all():
        value = re.search(r"\((\d+)\)", box.locator("xpath=..").inner_text()).group(1)
        box.fill(value)
    test.click("input[type=button]")
    page.wait_for_timeout(500)
    launch.click("#butExit")
    done = wait_for(
        lambda: ScormAttempt.objects.filter(
            learner=learner, terminated=True, success_status="passed"
        ).first(),
        page=page,
        timeout=15,
    )
    assert done is not None, list(
        ScormAttempt.objects.values("completion_status", "success_status", "score_scaled", "cmi")
    )
    assert done.completion_status == "completed"
    assert done.score_scaled == 1.0
    verbs = wait_for(
        lambda: set(Statement.objects.filter(actor=learner).values_list("verb", flat=True))
    )
    assert {
        "http://adlnet.gov/expapi/verbs/completed",
        "http://adlnet.gov/expapi/verbs/passed",
    } <= verbs
    assert done.cmi["interactions"], "the questions were recorded as interactions"
    page.wait_for_selector(".sco-state:has-text('passed')")


def test_the_real_h5p_truefalse_export_plays_reports_and_resumes(
    page,
    live_server,
    login,
    home,  # noqa: F811
    enrolled,  # noqa: F811
    mode,
):
    content = admin_upload(
        page, live_server, login, kind="h5pcontent", path=FIXTURES / "standalone-truefalse.h5p"
    )
    assert "H5P_CONTENT_HERE.txt" in content.status_message  # left out, with a note
    lesson = interactive_page(parent=home, h5p=[content], title=f"True or false {mode}")
    learner = make_learner("tf")
    enrolled.add((learner.pk, lesson.pk))
    login(page, "tf", PASSWORD)
    page.goto(live_server.url + lesson.url)
    frame = wait_for(
        lambda: next((f for f in page.frames if "/player/h5p/" in f.url), None), page=page
    )
    frame.wait_for_selector(".h5p-true-false-answer")
    frame.locator(".h5p-true-false-answer", has_text="False").click()
    frame.click(".h5p-question-check-answer")
    page.wait_for_selector(".interactive-status:has-text('100 out of 100')")
    answered = wait_for(
        lambda: Statement.objects.filter(actor=learner, verb__endswith="answered").first()
    )
    assert answered.activity == f"urn:betterwork:h5p:{content.uuid}"
    assert answered.score_scaled == 1.0
    assert answered.parent_activity == f"urn:betterwork:lesson:{lesson.pk}"
    assert wait_for(lambda: H5PState.objects.filter(learner=learner).exists(), page=page)

    page.reload()
    frame = wait_for(
        lambda: next((f for f in page.frames if "/player/h5p/" in f.url), None), page=page
    )
    frame.wait_for_selector(".h5p-true-false-answer")
    chosen = frame.locator(".h5p-true-false-answer", has_text="False")
    assert wait_for(lambda: chosen.get_attribute("aria-checked") == "true", page=page)
