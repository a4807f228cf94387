"""Packages the project makes itself: .h5p files with our own H5P library (``H5P.BWQuiz``,
in ``h5p_library/``) and small SCORM 1.2 and SCORM 2004 packages with correct manifests.

The demo loads them; the tests build them (and broken variants of them) to exercise every
validation rule and play them in a browser.
"""

import io
import json
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

LIBRARY_DIR = Path(__file__).resolve().parent / "h5p_library"
QUIZ_LIBRARY = "H5P.BWQuiz-1.0"


def quiz_library_files(*, patch: int | None = None, js_extra: str = "") -> dict[str, bytes]:
    """The files of our quiz library, optionally as another patch version."""
    folder = LIBRARY_DIR / QUIZ_LIBRARY
    files = {}
    for path in sorted(folder.iterdir()):
        data = path.read_bytes()
        if path.name == "library.json" and patch is not None:
            definition = json.loads(data)
            definition["patchVersion"] = patch
            data = json.dumps(definition, indent=2).encode()
        if path.name == "quiz.js" and js_extra:
            data += js_extra.encode()
        files[f"{QUIZ_LIBRARY}/{path.name}"] = data
    return files


def quiz_content(*, questions, intro="", pass_percentage=50, l10n=None) -> dict:
    return {
        "intro": intro,
        "questions": [
            {
                "text": text,
                "answers": [
                    {"text": answer, "correct": index == correct}
                    for index, answer in enumerate(answers)
                ],
            }
            for text, answers, correct in questions
        ],
        "passPercentage": pass_percentage,
        "l10n": l10n or {},
    }


def h5p_json(*, title: str, language: str = "en") -> dict:
    return {
        "title": title,
        "language": language,
        "mainLibrary": "H5P.BWQuiz",
        "embedTypes": ["div"],
        "license": "U",
        "preloadedDependencies": [
            {"machineName": "H5P.BWQuiz", "majorVersion": 1, "minorVersion": 0}
        ],
    }


def zip_bytes(files: dict[str, bytes | str], *, symlinks: dict[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data.encode() if isinstance(data, str) else data)
        for name, target in (symlinks or {}).items():
            info = zipfile.ZipInfo(name)
            info.create_system = 3
            info.external_attr = 0o120777 << 16
            archive.writestr(info, target)
    return buffer.getvalue()


def h5p_files(
    *,
    title: str = "Workers' rights quiz",
    language: str = "en",
    content: dict | None = None,
    with_library: bool = True,
    library_patch: int | None = None,
) -> dict[str, bytes | str]:
    content = content or quiz_content(
        questions=[
            (
                "How many days of paid annual leave does the law give?",
                ["None", "At least 12", "2"],
                1,
            ),
            ("Who may join a trade union?", ["Only managers", "Every worker", "Nobody"], 1),
        ]
    )
    files: dict[str, bytes | str] = {
        "h5p.json": json.dumps(h5p_json(title=title, language=language)),
        "content/content.json": json.dumps(content, ensure_ascii=False),
    }
    if with_library:
        files.update(quiz_library_files(patch=library_patch))
    return files


def h5p_bytes(**kwargs) -> bytes:
    return zip_bytes(h5p_files(**kwargs))


# --- SCORM -----------------------------------------------------------------------------

MANIFEST_12 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="{identifier}" version="1.0"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd
    http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org1">
    <organization identifier="org1">
      <title>{title}</title>
      {items}
    </organization>
  </organizations>
  <resources>
    {resources}
  </resources>
</manifest>
"""

MANIFEST_2004 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="{identifier}" version="1"
  xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
  xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"
  xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3"
  xmlns:imsss="http://www.imsglobal.org/xsd/imsss"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.imsglobal.org/xsd/imscp_v1p1 imscp_v1p1.xsd
    http://www.adlnet.org/xsd/adlcp_v1p3 adlcp_v1p3.xsd">
  <metadata><schema>ADL SCORM</schema><schemaversion>{edition}</schemaversion></metadata>
  <organizations default="org1">
    <organization identifier="org1" adlseq:objectivesGlobalToSystem="false">
      <title>{title}</title>
      {items}
    </organization>
  </organizations>
  <resources>
    {resources}
  </resources>
</manifest>
"""

SCO_PAGE = """<!doctype html>
<html lang="{language}">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1rem; line-height: 1.5; }}
fieldset {{ border: 1px solid #c9d1d9; border-radius: .4rem; margin-block-end: .8rem; }}
label {{ display: flex; gap: .5rem; align-items: center; min-height: 44px; }}
button {{ font: inherit; background: #0b5394; color: #fff; border: 0; border-radius: .35rem;
  padding: .55rem 1rem; min-height: 44px; }}
</style>
</head>
<body>
<main>
<h1>{title}</h1>
<form id="quiz"></form>
<button type="button" id="submit">{submit}</button>
<p id="result" role="status"></p>
</main>
<script>
var QUESTIONS = {questions};
var VERSION = "{version}";
var RESULT = {result};
function findAPI(win) {{
  var name = VERSION === "2004" ? "API_1484_11" : "API";
  for (var i = 0; win && i < 10; i++) {{
    if (win[name]) return win[name];
    if (win.parent === win) break;
    try {{ win = win.parent; }} catch (e) {{ break; }}
  }}
  return null;
}}
var api = findAPI(window);
function call(name12, name2004) {{
  var args = Array.prototype.slice.call(arguments, 2);
  var fn = VERSION === "2004" ? api[name2004] : api[name12];
  return fn.apply(api, args);
}}
function set(el12, el2004, value) {{
  return call("LMSSetValue", "SetValue", VERSION === "2004" ? el2004 : el12, String(value));
}}
function get(el12, el2004) {{
  return call("LMSGetValue", "GetValue", VERSION === "2004" ? el2004 : el12);
}}
var answers = {{}};
function render() {{
  var form = document.getElementById("quiz");
  form.innerHTML = "";
  QUESTIONS.forEach(function (q, i) {{
    var fs = document.createElement("fieldset");
    var legend = document.createElement("legend");
    legend.textContent = q.text;
    fs.appendChild(legend);
    q.answers.forEach(function (a, j) {{
      var label = document.createElement("label");
      var input = document.createElement("input");
      input.type = "radio"; input.name = "q" + i; input.value = j; input.id = "q" + i + "a" + j;
      input.checked = answers[i] === j;
      input.addEventListener("change", function () {{
        answers[i] = j;
        set("cmi.suspend_data", "cmi.suspend_data", JSON.stringify(answers));
        set("cmi.core.lesson_location", "cmi.location", "q" + i);
        call("LMSCommit", "Commit", "");
      }});
      label.setAttribute("for", input.id);
      label.appendChild(input);
      var span = document.createElement("span"); span.textContent = a.text; label.appendChild(span);
      fs.appendChild(label);
    }});
    form.appendChild(fs);
  }});
}}
function start() {{
  if (!api) {{ document.getElementById("result").textContent = "No SCORM API found."; return; }}
  call("LMSInitialize", "Initialize", "");
  var saved = get("cmi.suspend_data", "cmi.suspend_data");
  if (saved) {{ try {{ answers = JSON.parse(saved); }} catch (e) {{ answers = {{}}; }} }}
  if (VERSION === "2004") {{ set("", "cmi.completion_status", "incomplete"); }}
  else {{ set("cmi.core.lesson_status", "", "incomplete"); }}
  set("cmi.core.exit", "cmi.exit", "suspend");
  render();
}}
document.getElementById("submit").addEventListener("click", function () {{
  var score = 0;
  QUESTIONS.forEach(function (q, i) {{
    if (q.answers[answers[i]] && q.answers[answers[i]].correct) score++;
  }});
  var pct = Math.round(100 * score / QUESTIONS.length);
  var passed = pct >= 50;
  if (VERSION === "2004") {{
    set("", "cmi.score.raw", score); set("", "cmi.score.min", 0);
    set("", "cmi.score.max", QUESTIONS.length);
    set("", "cmi.score.scaled", (score / QUESTIONS.length).toFixed(2));
    set("", "cmi.success_status", passed ? "passed" : "failed");
    set("", "cmi.completion_status", "completed");
    set("", "cmi.exit", "normal");
  }} else {{
    set("cmi.core.score.raw", "", pct); set("cmi.core.score.min", "", 0);
    set("cmi.core.score.max", "", 100);
    set("cmi.core.lesson_status", "", passed ? "passed" : "failed");
    set("cmi.core.exit", "", "");
  }}
  call("LMSCommit", "Commit", "");
  call("LMSFinish", "Terminate", "");
  document.getElementById("result").textContent =
    RESULT.replace(":score", score).replace(":total", QUESTIONS.length);
}});
start();
</script>
</body>
</html>
"""


def scorm_files(
    *,
    version: str = "2004",
    edition: str = "2004 4th Edition",
    title: str = "Working time and overtime",
    language: str = "en",
    questions=None,
    scos: int = 1,
    submit: str = "Submit",
    result: str = "You got :score out of :total right.",
) -> dict[str, str]:
    """A SCORM package of ``scos`` quiz SCOs. ``version`` is "1.2" or "2004"."""
    questions = questions or [
        ("What is the usual limit of regular working hours a week?", ["48", "72", "No limit"], 0),
        ("Overtime must be...", ["Forced", "Voluntary and paid at a premium", "Unpaid"], 1),
    ]
    question_json = json.dumps(
        [
            {
                "text": text,
                "answers": [{"text": a, "correct": i == correct} for i, a in enumerate(answers)],
            }
            for text, answers, correct in questions
        ],
        ensure_ascii=False,
    )
    files: dict[str, str] = {}
    items, resources = [], []
    scorm_type = "adlcp:scormtype" if version == "1.2" else "adlcp:scormType"
    for number in range(1, scos + 1):
        href = f"sco{number}/index.html"
        sco_title = title if scos == 1 else f"{title} ({number})"
        items.append(
            f'<item identifier="item{number}" identifierref="res{number}">'
            f"<title>{escape(sco_title)}</title>"
            + ("<adlcp:masteryscore>50</adlcp:masteryscore>" if version == "1.2" else "")
            + "</item>"
        )
        resources.append(
            f'<resource identifier="res{number}" type="webcontent" '
            f'{scorm_type}="sco" href="{href}">'
            f'<file href="{href}"/></resource>'
        )
        files[href] = SCO_PAGE.format(
            language=language,
            title=sco_title,
            questions=question_json,
            version="2004" if version != "1.2" else "1.2",
            submit=submit,
            result=json.dumps(result, ensure_ascii=False),
        )
    template = MANIFEST_12 if version == "1.2" else MANIFEST_2004
    files["imsmanifest.xml"] = template.format(
        identifier="bw-" + title.lower().replace(" ", "-")[:40],
        title=escape(title),
        edition=edition,
        items="\n      ".join(items),
        resources="\n    ".join(resources),
    )
    return files


def scorm_bytes(**kwargs) -> bytes:
    return zip_bytes(scorm_files(**kwargs))
