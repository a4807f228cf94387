"""Issue 15, case by case, with packages built here to reproduce each: a SCORM 1.2 SCO whose
own `var API = null` hid the API, the SCORM 2004 discovery from a nested frame, launch
parameters, alert/confirm/prompt, something blocked from outside, sequencing between SCOs,
H5P content that declares the iframe embed type; and hole 5 of issue 12 (a package file
opened by a signed-in admin)."""

import json

import pytest
from django.core.files.base import ContentFile

from media_library.interactive import package_builders as b
from media_library.interactive.models import H5PContent, H5PState, ScormAttempt, ScormPackage
from tests.accounts.factories import PASSWORD, global_admin
from tests.browser.test_interactive import (  # noqa: F401  (fixtures)
    enrolled,
    home,
    make_learner,
    wait_for,
)
from tests.browser.test_interactive_real import mode  # noqa: F401  (fixture)
from tests.media_library.interactive.factories import interactive_page, upload

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("package_storage")]

MANIFEST_12 = """<?xml version="1.0"?>
<manifest identifier="m" version="1" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="o"><organization identifier="o"><title>T</title>
    <item identifier="i1" identifierref="r1"{parameters}><title>Part one</title>
      <adlcp:masteryscore>80</adlcp:masteryscore></item>
  </organization></organizations>
  <resources><resource identifier="r1" type="webcontent" adlcp:scormtype="sco" href="sco.html">
    <file href="sco.html"/></resource></resources>
</manifest>"""

MANIFEST_2004 = """<?xml version="1.0"?>
<manifest identifier="m" version="1" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3" xmlns:imsss="http://www.imsglobal.org/xsd/imsss"
  xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
  <organizations default="o"><organization identifier="o"><title>T</title>
    {items}
    <imsss:sequencing><imsss:controlMode choice="true" flow="true"/></imsss:sequencing>
  </organization></organizations>
  <resources>{resources}</resources>
</manifest>"""

# The discovery algorithms as ADL publishes them (abridged to what matters).
FIND_API_12 = """
var findAPITries = 0;
var API = null;
function FindAPI(win) {
  while ((win.API == null) && (win.parent != null) && (win.parent != win)) {
    findAPITries++; if (findAPITries > 7) { return null; } win = win.parent;
  }
  return win.API;
}
function GetAPI() {
  var theAPI = FindAPI(window);
  if ((theAPI == null) && (window.opener != null) && (typeof(window.opener) != "undefined")) {
    theAPI = FindAPI(window.opener);
  }
  return theAPI;
}
"""
FIND_API_2004 = """
var nFindAPITries = 0;
var API = null;
function ScanForAPI(win) {
  while ((win.API_1484_11 == null) && (win.parent != null) && (win.parent != win)) {
    nFindAPITries++; if (nFindAPITries > 500) { return null; } win = win.parent;
  }
  return win.API_1484_11;
}
function GetAPI(win) {
  if ((win.parent != null) && (win.parent != win)) { API = ScanForAPI(win.parent); }
  if ((API == null) && (win.opener != null)) { API = ScanForAPI(win.opener); }
}
"""


def scorm(files, *, title="Case") -> ScormPackage:
    package = upload(model=ScormPackage, title=title, file=ContentFile(b.zip_bytes(files), "c.zip"))
    assert package.is_ready, package.status_message
    return package


def play(page, live_server, login, parent, pairs, package, name):
    lesson = interactive_page(parent=parent, scorm=[package], title=f"Lesson {name}")
    learner = make_learner(name)
    pairs.add((learner.pk, lesson.pk))
    login(page, name, PASSWORD)
    page.goto(live_server.url + lesson.url)
    return lesson, learner


def frame_named(page, part):
    return wait_for(lambda: next((f for f in page.frames if part in f.url), None), page=page)


def test_a_scorm_12_sco_with_its_own_api_variable_finds_the_api_and_completes_on_finish(
    page,
    live_server,
    login,
    home,  # noqa: F811
    enrolled,  # noqa: F811
    mode,  # noqa: F811
):
    """Cases 5 and 8: `var API = null` in the SCO, no lesson_status ever set, a score of 100:
    LMSFinish completes it and the mastery score (80) makes it passed."""
    sco = f"""<html><head><title>One</title><script>{FIND_API_12}</script></head><body>
    <p id="found"></p><button id="finish">Finish</button>
    <script>
    API = GetAPI();
    document.getElementById("found").textContent = API ? "found" : "missing";
    API.LMSInitialize("");
    document.getElementById("finish").onclick = function () {{
      API.LMSSetValue("cmi.core.score.raw", "100");
      API.LMSCommit("");
      API.LMSFinish("");
    }};
    </script></body></html>"""
    package = scorm(
        {"imsmanifest.xml": MANIFEST_12.format(parameters=""), "sco.html": sco}, title="One two"
    )
    _lesson, learner = play(page, live_server, login, home, enrolled, package, "ana")
    page.click('[data-interactive-player="scorm"] [data-action="launch"]')
    frame = frame_named(page, "sco.html")
    frame.wait_for_selector("#found:has-text('found')")
    frame.click("#finish")
    attempt = wait_for(
        lambda: ScormAttempt.objects.filter(learner=learner, terminated=True).first(), page=page
    )
    assert attempt is not None
    assert attempt.completion_status == "completed"
    assert attempt.success_status == "passed"
    page.wait_for_selector(".sco-state:has-text('passed')")


def nested_2004(*, launch_suffix=""):
    outer = """<html><head><title>Frame set</title></head><body>
    <iframe id="content" src="content.html" title="content" style="width:100%;height:300px">
    </iframe></body></html>"""
    inner = f"""<html><head><title>Content</title><script>{FIND_API_2004}</script></head><body>
    <p id="found"></p><p id="query"></p><button id="done">Done</button>
    <script>
    GetAPI(window);
    document.getElementById("found").textContent = API ? "found" : "missing";
    API.Initialize("");
    document.getElementById("done").onclick = function () {{
      API.SetValue("cmi.completion_status", "completed");
      API.SetValue("cmi.score.scaled", "0.9");
      API.SetValue("cmi.success_status", "passed");
      API.Commit("");
      API.Terminate("");
    }};
    </script></body></html>"""
    items = '<item identifier="i1" identifierref="r1"><title>Nested</title></item>'
    resources = (
        '<resource identifier="r1" type="webcontent" adlcp:scormType="sco" href="outer.html">'
        '<file href="outer.html"/><file href="content.html"/></resource>'
    )
    return {
        "imsmanifest.xml": MANIFEST_2004.format(items=items, resources=resources),
        "outer.html": outer,
        "content.html": inner,
    }


def test_a_scorm_2004_sco_finds_the_api_from_a_nested_frame_of_its_own(
    page,
    live_server,
    login,
    home,  # noqa: F811
    enrolled,  # noqa: F811
    mode,  # noqa: F811
):
    """Cases 5 and 6: a frame nested in the SCO shows, and the standard 2004 discovery (from
    the parent up) finds the API there."""
    package = scorm(nested_2004(), title="Nested")
    _lesson, learner = play(page, live_server, login, home, enrolled, package, "binh")
    page.click('[data-interactive-player="scorm"] [data-action="launch"]')
    content = frame_named(page, "content.html")
    content.wait_for_selector("#found:has-text('found')")
    content.click("#done")
    attempt = wait_for(
        lambda: ScormAttempt.objects.filter(learner=learner, terminated=True).first(), page=page
    )
    assert attempt is not None
    assert attempt.success_status == "passed"
    assert attempt.score_scaled == 0.9


def test_launch_parameters_dialogs_and_a_blocked_outside_resource(
    page,
    live_server,
    login,
    home,  # noqa: F811
    enrolled,  # noqa: F811
):
    """Cases 4, 7 and 9: the launch address keeps its parameters; confirm and prompt get the
    learner's answers; an image from an outside host is blocked and the learner is told."""
    sco = f"""<html><head><title>Ask</title><script>{FIND_API_12}</script></head><body>
    <img src="https://cdn.example.invalid/logo.png" alt="">
    <p id="query"></p><button id="ask">Ask</button>
    <script>
    API = GetAPI();
    API.LMSInitialize("");
    document.getElementById("query").textContent = location.search;
    document.getElementById("ask").onclick = function () {{
      alert("Welcome");
      var resume = confirm("Resume where you left off?");
      var name = prompt("Your name?");
      API.LMSSetValue("cmi.core.lesson_location", resume ? "yes" : "no");
      API.LMSSetValue("cmi.suspend_data", name || "");
      API.LMSCommit("");
      API.LMSFinish("");
    }};
    </script></body></html>"""
    manifest = MANIFEST_12.format(parameters=' parameters="?lesson=2&amp;lang=vi"')
    package = scorm({"imsmanifest.xml": manifest, "sco.html": sco}, title="Ask")
    _lesson, learner = play(page, live_server, login, home, enrolled, package, "chi")
    page.on("dialog", lambda dialog: dialog.accept("Chi"))
    page.click('[data-interactive-player="scorm"] [data-action="launch"]')
    frame = frame_named(page, "sco.html")
    frame.wait_for_selector("#ask")
    assert "lesson=2&lang=vi" in frame.inner_text("#query")
    page.wait_for_selector(".interactive-status:has-text('https://cdn.example.invalid')")
    frame.click("#ask")
    attempt = wait_for(
        lambda: ScormAttempt.objects.filter(learner=learner, terminated=True).first(), page=page
    )
    assert attempt.cmi["core"]["lesson_location"] == "yes"
    assert attempt.cmi["suspend_data"] == "Chi"


def test_an_allowed_origin_is_not_blocked(
    page,
    live_server,
    login,
    home,  # noqa: F811
    enrolled,  # noqa: F811
):
    sco = """<html><head><title>Img</title></head><body>
    <img src="https://cdn.example.invalid/logo.png" alt=""><p id="ok">ok</p></body></html>"""
    package = scorm({"imsmanifest.xml": MANIFEST_12.format(parameters=""), "sco.html": sco})
    package.allowed_origins = "https://cdn.example.invalid"
    package.save()
    play(page, live_server, login, home, enrolled, package, "dung")
    page.click('[data-interactive-player="scorm"] [data-action="launch"]')
    frame_named(page, "sco.html").wait_for_selector("#ok")
    page.wait_for_timeout(1000)
    assert "cdn.example.invalid" not in page.inner_text(".interactive-status")


SEQUENCED_ITEMS = """
<item identifier="module"><title>Module</title>
  <item identifier="lesson" identifierref="r1"><title>Lesson</title>
    <imsss:sequencing><imsss:objectives>
      <imsss:primaryObjective objectiveID="lesson-done">
        <imsss:mapInfo targetObjectiveID="g-lesson" writeSatisfiedStatus="true"/>
      </imsss:primaryObjective></imsss:objectives></imsss:sequencing>
  </item>
  <item identifier="quiz" identifierref="r2"><title>Quiz</title>
    <imsss:sequencing>
      <imsss:sequencingRules><imsss:preConditionRule>
        <imsss:ruleConditions><imsss:ruleCondition referencedObjective="prereq" operator="not"
          condition="satisfied"/></imsss:ruleConditions><imsss:ruleAction action="disabled"/>
      </imsss:preConditionRule></imsss:sequencingRules>
      <imsss:objectives><imsss:primaryObjective objectiveID="quiz-done"/>
        <imsss:objective objectiveID="prereq">
          <imsss:mapInfo targetObjectiveID="g-lesson" readSatisfiedStatus="true"/>
        </imsss:objective></imsss:objectives>
    </imsss:sequencing>
  </item>
  <imsss:sequencing><imsss:controlMode choice="true" flow="true" forwardOnly="true"/>
  </imsss:sequencing>
</item>"""


def sequenced_sco(name, request):
    return f"""<html><head><title>{name}</title><script>{FIND_API_2004}</script></head><body>
    <h1>{name}</h1><button id="pass">Pass</button>
    <script>
    GetAPI(window); API.Initialize("");
    document.getElementById("pass").onclick = function () {{
      API.SetValue("cmi.completion_status", "completed");
      API.SetValue("cmi.success_status", "passed");
      API.SetValue("adl.nav.request", "{request}");
      API.Terminate("");
    }};
    </script></body></html>"""


def test_a_multi_sco_package_has_its_contents_rules_and_navigation(
    page,
    live_server,
    login,
    home,  # noqa: F811
    enrolled,  # noqa: F811
):
    resources = "".join(
        f'<resource identifier="{r}" type="webcontent" adlcp:scormType="sco" href="{h}">'
        f'<file href="{h}"/></resource>'
        for r, h in (("r1", "lesson.html"), ("r2", "quiz.html"))
    )
    package = scorm(
        {
            "imsmanifest.xml": MANIFEST_2004.format(items=SEQUENCED_ITEMS, resources=resources),
            "lesson.html": sequenced_sco("Lesson", "continue"),
            "quiz.html": sequenced_sco("Quiz", "exitAll"),
        },
        title="Sequenced",
    )
    _lesson, learner = play(page, live_server, login, home, enrolled, package, "em")
    assert "Module" in page.inner_text(".sco-toc")
    quiz_start = page.locator('.sco[data-sco-id="quiz"] [data-action="launch"]')
    assert quiz_start.is_disabled()  # its precondition: the lesson satisfied first
    page.click('.sco[data-sco-id="lesson"] [data-action="launch"]')
    lesson_frame = frame_named(page, "lesson.html")
    lesson_frame.wait_for_selector("#pass")
    assert page.locator('[data-nav="previous"]').is_disabled()  # the first SCO
    lesson_frame.click("#pass")  # passed, then adl.nav.request = continue: the quiz follows
    quiz_frame = frame_named(page, "quiz.html")
    quiz_frame.wait_for_selector("#pass")
    assert page.locator('[data-nav="previous"]').is_disabled()  # forward only
    quiz_frame.click("#pass")  # exitAll: back to the list
    page.wait_for_selector("[data-sco-navigation]", state="hidden")
    assert wait_for(
        lambda: ScormAttempt.objects.filter(learner=learner, success_status="passed").count() == 2,
        page=page,
    )


def test_h5p_content_declaring_the_iframe_embed_type_plays_and_resumes(
    page,
    live_server,
    login,
    home,  # noqa: F811
    enrolled,  # noqa: F811
    mode,  # noqa: F811
):
    files = b.h5p_files(title="Framed quiz")
    h5p = json.loads(files["h5p.json"])
    h5p["embedTypes"] = ["iframe"]
    files["h5p.json"] = json.dumps(h5p)
    library = json.loads(files["H5P.BWQuiz-1.0/library.json"])
    library["embedTypes"] = ["iframe"]
    files["H5P.BWQuiz-1.0/library.json"] = json.dumps(library)
    content = upload(
        model=H5PContent, title="Framed quiz", file=ContentFile(b.zip_bytes(files), "f.h5p")
    )
    lesson = interactive_page(parent=home, h5p=[content], title="Framed lesson")
    learner = make_learner("giang")
    enrolled.add((learner.pk, lesson.pk))
    login(page, "giang", PASSWORD)
    page.goto(live_server.url + lesson.url)
    frame = frame_named(page, "/player/h5p/")
    frame.wait_for_selector(".bw-quiz input")
    frame.locator(".bw-quiz input").nth(1).check()
    frame.locator(".bw-quiz input").nth(4).check()
    frame.click(".bw-check")
    page.wait_for_selector(".interactive-status:has-text('100 out of 100')")
    assert wait_for(lambda: H5PState.objects.filter(learner=learner).exists(), page=page)
    page.reload()
    frame = frame_named(page, "/player/h5p/")
    frame.wait_for_selector(".bw-quiz input")
    assert frame.locator(".bw-quiz input").nth(1).is_checked()


def test_a_package_file_opened_by_a_signed_in_admin_cannot_reach_the_session(
    page, live_server, login
):
    """Hole 5 of issue 12, as it was found: an .shtml (or .xht) file in a SCORM package,
    opened in a tab by a signed-in admin, fetched /admin/ with the session and read the CSRF
    token. Now it runs in an opaque origin: no cookie, no session, nothing read."""
    files = b.scorm_files()
    attack = """<html><body><p id="out">running</p><script>
    var out = document.getElementById("out");
    var cookie; try { cookie = document.cookie; } catch (e) { cookie = "blocked"; }
    fetch("/admin/", {credentials: "include"}).then(function (r) { return r.text(); })
      .then(function (t) { out.textContent = "read:" + (t.indexOf("csrfmiddlewaretoken") > -1)
        + ":" + cookie; })
      .catch(function () { out.textContent = "blocked:" + cookie; });
    </script></body></html>"""
    files["evil.shtml"] = attack
    files["evil.xht"] = (
        '<html xmlns="http://www.w3.org/1999/xhtml"><body><p id="out">running</p><script>'
        "<![CDATA[" + attack.split("<script>", 1)[1].split("</script>", 1)[0] + "]]>"
        "</script></body></html>"
    )
    package = scorm(files, title="Evil")
    global_admin(username="boss", is_superuser=True, is_staff=True)
    login(page, "boss", PASSWORD)
    assert any(c["name"] == "sessionid" for c in page.context.cookies())
    for name in ("evil.shtml", "evil.xht"):
        page.goto(f"{live_server.url}/interactive/files/scorm/{package.uuid}/{name}")
        page.wait_for_function("document.getElementById('out').textContent !== 'running'")
        result = page.inner_text("#out")
        assert result.startswith("blocked:"), result
        assert "csrftoken" not in result
        assert "sessionid" not in result
