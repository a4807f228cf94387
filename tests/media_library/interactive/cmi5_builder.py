"""A cmi5 course package made in the tests: ``cmi5.xml`` (section 13 of the cmi5
specification) and an HTML assignable unit whose script follows the cmi5 launch sequence:
read the launch parameters, POST to the fetch URL for the token, read ``LMS.LaunchData``,
send initialized, completed, passed (with a score at the mastery score) and terminated;
launched in Browse or Review, only initialized and terminated."""

from django.core.files.base import ContentFile

from media_library.interactive import package_builders
from media_library.interactive.cmi5_models import Cmi5Package
from tests.media_library.interactive.factories import upload

NAMESPACE = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"

AU_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Working hours</title></head>
<body><main><h1>Working hours</h1><p id="status">starting</p></main>
<script src="au.js"></script></body></html>
"""

AU_JS = r"""
(function () {
  "use strict";
  var query = new URLSearchParams(window.location.search);
  var endpoint = query.get("endpoint");
  var actor = JSON.parse(query.get("actor"));
  var registration = query.get("registration");
  var activityId = query.get("activityId");
  var status = document.getElementById("status");
  function say(text) { status.textContent = text; }
  function uuid() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); });
    return h.slice(0, 4).join("") + "-" + h.slice(4, 6).join("") + "-" + h.slice(6, 8).join("")
      + "-" + h.slice(8, 10).join("") + "-" + h.slice(10).join("");
  }
  var headers;
  var launchData;
  function statement(verb, result) {
    var context = JSON.parse(JSON.stringify(launchData.contextTemplate));
    context.registration = registration;
    context.contextActivities = context.contextActivities || {};
    context.contextActivities.category = [
      {id: "https://w3id.org/xapi/cmi5/context/categories/cmi5"}
    ];
    var s = {
      id: uuid(), actor: actor, timestamp: new Date().toISOString(),
      verb: {id: "http://adlnet.gov/expapi/verbs/" + verb, display: {"en-US": verb}},
      object: {id: activityId, objectType: "Activity"}, context: context
    };
    if (result) { s.result = result; }
    return s;
  }
  function send(verb, result) {
    return fetch(endpoint + "statements", {
      method: "POST",
      headers: Object.assign({"Content-Type": "application/json"}, headers),
      body: JSON.stringify(statement(verb, result))
    }).then(function (response) {
      if (!response.ok) {
        return response.text().then(function (t) {
          throw new Error(verb + " " + response.status + " " + t);
        });
      }
      say(verb);
    });
  }
  fetch(query.get("fetch"), {method: "POST"})
    .then(function (r) { return r.json(); })
    .then(function (body) {
      headers = {
        "Authorization": "Basic " + body["auth-token"], "X-Experience-API-Version": "1.0.3"
      };
      var address = endpoint + "activities/state?" + new URLSearchParams({
        activityId: activityId, agent: JSON.stringify(actor), registration: registration,
        stateId: "LMS.LaunchData"
      });
      return fetch(address, {headers: headers});
    })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      launchData = data;
      return send("initialized");
    })
    .then(function () {
      // Browse and Review record nothing towards completion (cmi5 10.0).
      if (launchData.launchMode !== "Normal") { return null; }
      return send("completed", {completion: true}).then(function () {
        var scaled = launchData.masteryScore || 0.8;
        return send("passed", {success: true, score: {scaled: scaled}});
      });
    })
    .then(function () { return send("terminated"); })
    .then(function () { say("done: " + launchData.launchMode + " " + launchData.moveOn); })
    .catch(function (error) { say("error: " + error.message); });
}());
"""


def cmi5_xml(*, aus=None, blocks=None, course_id="https://example.org/courses/hours") -> str:
    """``aus``: list of dicts (id, title, url, moveOn, masteryScore); ``blocks``: list of
    (block id, [au dicts]) placed after the top-level AUs."""
    aus = (
        aus
        if aus is not None
        else [
            {
                "id": "https://example.org/aus/hours",
                "title": "Working hours",
                "url": "index.html",
                "moveOn": "CompletedAndPassed",
                "masteryScore": "0.8",
            }
        ]
    )

    def au_xml(au):
        attributes = f'id="{au["id"]}"'
        for name in ("moveOn", "masteryScore", "launchMethod"):
            if name in au:
                attributes += f' {name}="{au[name]}"'
        return (
            f'<au {attributes}><title><langstring lang="en">{au["title"]}</langstring></title>'
            f'<description><langstring lang="en">A unit</langstring></description>'
            f"<url>{au['url']}</url></au>"
        )

    block_xml = "".join(
        f'<block id="{block_id}"><title><langstring lang="en">Block</langstring></title>'
        f'<description><langstring lang="en">Block</langstring></description>'
        + "".join(au_xml(au) for au in members)
        + "</block>"
        for block_id, members in (blocks or [])
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<courseStructure xmlns="{NAMESPACE}">'
        f'<course id="{course_id}"><title><langstring lang="en">Working hours course</langstring>'
        f'</title><description><langstring lang="en">Hours</langstring></description></course>'
        + "".join(au_xml(au) for au in aus)
        + block_xml
        + "</courseStructure>"
    )


def cmi5_files(**structure) -> dict[str, str]:
    return {"cmi5.xml": cmi5_xml(**structure), "index.html": AU_HTML, "au.js": AU_JS}


def cmi5_bytes(files=None, **structure) -> bytes:
    return package_builders.zip_bytes(files or cmi5_files(**structure))


def cmi5_package(*, title="Working hours course", files=None, **structure) -> Cmi5Package:
    return upload(
        model=Cmi5Package,
        title=title,
        file=ContentFile(cmi5_bytes(files, **structure), name="course.zip"),
    )


def cmi5_page(*, parent, package, title="Hours lesson"):
    from django.utils.text import slugify

    from media_library.interactive.models import InteractivePage

    page = InteractivePage(
        title=title,
        slug=slugify(title),
        body=[{"type": "cmi5", "value": {"package": package.pk, "title": ""}}],
    )
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page
