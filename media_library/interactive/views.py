"""Views of the package origin (files and player documents, cookie-free, sandboxed) and the
site's bridge endpoints (results, resume state, SCORM attempts and commits)."""

import json
import mimetypes
import re
from functools import partial

from csp.decorators import csp_exempt
from django.conf import settings
from django.core import signing
from django.http import FileResponse, Http404, HttpResponse, HttpResponseGone, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET, require_POST
from wagtail.models import Page

from lms import json_input
from lms.accounts.exposure import own_data, public_data
from lms.records.services import StatementError
from media_library.interactive import package_files
from media_library.interactive.models import (
    H5PContent,
    PackageStatus,
    ScormAttempt,
    ScormPackage,
    ScormSco,
)
from media_library.interactive.player_strings import h5p_translations
from media_library.interactive.selectors import h5p_content_on_page, scorm_attempt_to_commit
from media_library.interactive.services import (
    PackageRefused,
    h5p_state_save,
    h5p_statements_record,
    manifest_item,
    scorm_attempt_open,
    scorm_commit,
)

MAX_BODY_BYTES = 256 * 1024
# Documents a SCORM package may open in its frames: they get the run-time shim injected.
HTML_TYPES = {"text/html", "application/xhtml+xml"}
HEAD_TAG = re.compile(rb"<head[^>]*>", re.IGNORECASE)
HTML_TAG = re.compile(rb"<html[^>]*>", re.IGNORECASE)
LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def _package_policy(request, *, extra_origins=(), nested=False, modals=False) -> str:
    """The policy of every package response, whatever its type or extension: a ``sandbox``
    that runs script only in an opaque origin (or the separate package origin), so a file
    opened directly in a tab (.shtml, .xht, .svg, .xml ...) never runs on the site's origin.

    ``extra_origins``: the origins staff allowed for this package (a video host ...).
    ``nested``: a package's own document framed by another of its documents; in the default
    mode its ancestors are opaque origins, which no source expression matches.
    """
    extra = "".join(f" {origin}" for origin in extra_origins)
    ancestors = " ".join(["'self'", *settings.INTERACTIVE_EMBEDDING_ORIGINS])
    policy = [
        f"default-src 'self' data: blob:{extra}",
        f"script-src 'self' 'unsafe-inline' 'unsafe-eval'{extra}",
        f"style-src 'self' 'unsafe-inline'{extra}",
        f"img-src 'self' data: blob:{extra}",
        f"media-src 'self' data: blob:{extra}",
        f"font-src 'self' data:{extra}",
        f"connect-src 'self'{extra}",
        f"frame-src 'self' data: blob:{extra}",
        "form-action 'self'",
        "base-uri 'self'",
        "object-src 'none'",
        f"sandbox {package_files.sandbox_tokens(request, modals=modals)}",
    ]
    if not (nested and not package_files.is_separate_origin()):
        # In the default mode a package's nested documents have opaque ancestors, which no
        # frame-ancestors source matches (Chromium refuses even "*"): they go without it.
        # They run sandboxed and cookie-free, so being framed elsewhere gives nothing away.
        policy.append(f"frame-ancestors {ancestors}")
    return "; ".join(policy)


def _package_headers(response, request, **policy):
    response["Content-Security-Policy"] = _package_policy(request, **policy)
    response["Access-Control-Allow-Origin"] = "*"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Content-Type-Options"] = "nosniff"
    return response


LAUNCH_SALT = "interactive.scorm-launch"
LAUNCH_MAX_AGE = 6 * 60 * 60


def scorm_launch_token(attempt) -> str:
    """A short-lived, signed reference to an attempt, carried in the SCO's address so that
    the cookie-free package origin can hand the SCO its saved data as it starts."""
    return signing.dumps({"a": str(attempt.uuid), "u": attempt.learner_id}, salt=LAUNCH_SALT)


def _flatten(value, prefix="cmi"):
    flat = {}
    if isinstance(value, dict):
        for key, item in value.items():
            flat.update(_flatten(item, f"{prefix}.{key}"))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            flat.update(_flatten(item, f"{prefix}.{index}"))
        flat[f"{prefix}._count"] = str(len(value))
    elif value is not None:
        flat[prefix] = str(value)
    return flat


def _primed_cmi(token: str) -> dict:
    """The attempt's saved run-time data, flattened, for the SCO's first synchronous reads."""
    try:
        data = signing.loads(token, salt=LAUNCH_SALT, max_age=LAUNCH_MAX_AGE)
    except signing.BadSignature:
        return {}
    attempt = (
        ScormAttempt.objects.filter(uuid=data.get("a"), learner_id=data.get("u"))
        .select_related("sco__package", "learner")
        .first()
    )
    if attempt is None:
        return {}
    flat = _flatten(attempt.cmi)
    resumed = bool(attempt.cmi)
    # The collections' counts, which a SCO reads before adding to them (RecordQuestion ...).
    for collection in ("interactions", "objectives"):
        stored = (attempt.cmi or {}).get(collection)
        count = len(stored) if isinstance(stored, dict | list) else 0
        if isinstance(stored, dict) and "childArray" in stored:
            count = len(stored["childArray"] or [])
        flat[f"cmi.{collection}._count"] = str(count)
    item = manifest_item(attempt.sco.package, attempt.sco.identifier)
    mastery = item.get("mastery_score")
    if attempt.sco.package.is_2004:
        flat.update(
            {
                "cmi.entry": "resume" if resumed else "ab-initio",
                "cmi.learner_id": str(attempt.learner_id),
                "cmi.learner_name": str(attempt.learner),
                "cmi.mode": "normal",
                "cmi.credit": "credit",
                "cmi.launch_data": item.get("launch_data") or "",
            }
        )
        if mastery is not None:
            flat["cmi.scaled_passing_score"] = str(float(mastery) / 100)
        if item.get("completion_threshold") is not None:
            flat["cmi.completion_threshold"] = str(item["completion_threshold"])
        flat.setdefault("cmi.completion_status", "unknown")
        flat.setdefault("cmi.success_status", "unknown")
        flat.setdefault("cmi.location", "")
        flat.setdefault("cmi.suspend_data", "")
    else:
        flat.update(
            {
                "cmi.core.entry": "resume" if resumed else "ab-initio",
                "cmi.core.student_id": str(attempt.learner_id),
                "cmi.core.student_name": str(attempt.learner),
                "cmi.core.lesson_mode": "normal",
                "cmi.core.credit": "credit",
                "cmi.launch_data": item.get("launch_data") or "",
            }
        )
        if mastery is not None:
            flat["cmi.student_data.mastery_score"] = f"{float(mastery):g}"
        flat.setdefault("cmi.core.lesson_status", "not attempted")
        flat.setdefault("cmi.core.lesson_location", "")
        flat.setdefault("cmi.suspend_data", "")
    return flat


def _scorm_runtime_tags(primed: dict, *, launch: bool) -> bytes:
    data = json.dumps({"cmi": primed, "launch": launch, "strings": _frame_strings()})
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return (
        f'<script type="application/json" id="bw-scorm-cmi">{data}</script>'
        f'<script src="{static("vendor/scorm-again/cross-frame-api.min.js")}"></script>'
        f'<script src="{static("js/interactive/scorm-frame.js")}"></script>'
    ).encode()


def _frame_strings() -> dict:
    return {}


def _inject(body: bytes, tags: bytes) -> bytes:
    for pattern in (HEAD_TAG, HTML_TAG):
        match = pattern.search(body)
        if match:
            return body[: match.end()] + tags + body[match.end() :]
    return tags + body


SCORM_PATH = re.compile(r"^scorm/(?P<uuid>[0-9a-f-]{36})/(?P<file>.+)$")


def _scorm_package_of(path: str):
    """The SCORM package a served path belongs to, with its launch paths (one query)."""
    match = SCORM_PATH.match(path)
    if not match:
        return None, set()
    package = ScormPackage.objects.filter(uuid=match["uuid"]).only("pk", "allowed_origins").first()
    if package is None:
        return None, set()
    launches = {launch.split("?", 1)[0] for launch in package.scos.values_list("launch", flat=True)}
    return package, launches


@public_data
@csp_exempt()
@xframe_options_exempt
@require_GET
def package_file(request, path):
    """A stored package file, served without cookies and always under a sandbox policy.

    Every HTML document of a SCORM package gets the run-time shim (the API its SCOs look for,
    the player's dialogs, a note when something is blocked); its launch documents also get the
    attempt's saved data (signed token in the address)."""
    name = package_files.stored_path(path)
    if name is None or not package_files.storage().exists(name):
        raise Http404
    extension = name.rsplit(".", 1)[-1].lower() if "." in name.rsplit("/", 1)[-1] else ""
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if extension in {"js", "mjs"}:
        content_type = "text/javascript"
    if path.startswith("scorm/"):
        package, launches = _scorm_package_of(path)
        origins = package.origin_list() if package is not None else []
        relative = path.split("/", 2)[2] if path.count("/") >= 2 else ""
        is_launch = relative in launches
        if content_type in HTML_TYPES and package is not None:
            token = request.GET.get("bw_launch", "") if is_launch else ""
            primed = _primed_cmi(token) if token else {}
            with package_files.storage().open(name, "rb") as file:
                body = _inject(file.read(), _scorm_runtime_tags(primed, launch=is_launch))
            response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
            response["Cache-Control"] = "no-store"
            return _package_headers(
                response, request, extra_origins=origins, nested=not is_launch, modals=True
            )
        response = FileResponse(package_files.storage().open(name, "rb"), content_type=content_type)
        response["Cache-Control"] = "public, max-age=600"
        return _package_headers(response, request, extra_origins=origins, nested=True)
    response = FileResponse(package_files.storage().open(name, "rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=600"
    return _package_headers(response, request)


@public_data
@csp_exempt()
@xframe_options_exempt
@require_GET
def h5p_player(request, uuid):
    """The document inside the H5P frame: h5p-standalone and the frame half of the bridge."""
    content = get_object_or_404(
        H5PContent.objects.select_related("main_library"), uuid=uuid, status=PackageStatus.READY
    )
    language = request.GET.get("lang", "")
    if language not in LANGUAGE_CODES:
        language = content.language
    with translation.override(language):
        html = render_to_string(
            "interactive/h5p_player.html",
            {
                "content": content,
                "language": language,
                "direction": "rtl" if language in settings.RTL_LANGUAGES else "ltr",
                "options": {
                    "h5pJsonPath": package_files.file_url(f"h5p/content/{content.uuid}"),
                    "contentJsonPath": package_files.file_url(
                        f"h5p/content/{content.uuid}/content"
                    ),
                    "librariesPath": package_files.library_folder_url(),
                    "frameJs": static("vendor/h5p-standalone/frame.bundle.js"),
                    "frameCss": static("vendor/h5p-standalone/styles/h5p.css"),
                    # Always "div": the player document is already a frame of its own for this one
                    # content, and H5P's own iframe embedding breaks in a sandboxed frame
                    # (a blank nested frame) and hides the instance from resume.
                    "embedType": "div",
                    "id": str(content.uuid),
                    "translations": h5p_translations(),
                },
            },
        )
    response = HttpResponse(html)
    response["Cache-Control"] = "public, max-age=300"
    return _package_headers(response, request, extra_origins=content.origin_list())


# The policy of the offline H5P player document (decision 0205). The "sandbox" comes with
# the document itself, so it holds however the page frames it: the document runs in an opaque
# origin (no allow-same-origin), away from the learner's session, cookies and storage, and it
# may load nothing but the blob: and data: addresses its loader makes of the files the page
# posts to it.
H5P_OFFLINE_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'unsafe-inline' 'unsafe-eval' blob:",
        "style-src 'unsafe-inline' blob:",
        "img-src blob: data:",
        "media-src blob: data:",
        "font-src blob: data:",
        "connect-src blob: data:",
        "frame-src blob: data:",
        "form-action 'none'",
        "base-uri 'none'",
        "object-src 'none'",
        "frame-ancestors 'self'",
        "sandbox allow-scripts allow-forms allow-popups allow-downloads",
    ]
)


@public_data
@csp_exempt()
@require_GET
def h5p_offline_player(request):
    """The document of an H5P frame built offline: a loader to which the page posts the kept
    files (site/static/js/interactive/h5p-offline.js). The same for every content, so a kept
    course keeps it once. Not served when packages have an origin of their own: H5P is then
    online only."""
    if package_files.is_separate_origin():
        # 410 rather than 404, which the language middleware would redirect to a page.
        return HttpResponseGone("Not served: H5P is online only here.")
    response = HttpResponse(render_to_string("interactive/h5p_offline_player.html"))
    response["Content-Security-Policy"] = H5P_OFFLINE_POLICY
    response["Cache-Control"] = "no-cache"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- the site's bridge endpoints -------------------------------------------------------


def _error(status, code, message, index=None):
    body = {"error": code, "detail": str(message)}
    if index is not None:
        body["index"] = index
    return JsonResponse(body, status=status)


def _payload(request):
    if len(request.body) > MAX_BODY_BYTES:
        return None, _error(413, "too_large", _("This request is too large."))
    try:
        return json_input.loads(request.body), None
    except json_input.InvalidJSON:
        return None, _error(400, "invalid_json", _("The request body is not valid JSON."))


def _context_page(request):
    try:
        page_id = int(request.GET.get("page", ""))
    except ValueError:
        return None
    return Page.objects.select_related("locale").filter(pk=page_id).first()


def _bridge(view, *, reads_page=True):
    """Shared by the bridge endpoints: signed-in learner, a JSON body, a known page (unless
    ``reads_page`` is false: a SCORM commit's page is its attempt's), and the services'
    refusals as JSON errors with a reason."""

    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return _error(401, "unauthenticated", _("Sign in to record your learning."))
        payload, problem = _payload(request)
        if problem:
            return problem
        if reads_page:
            page = _context_page(request)
            if page is None:
                return _error(
                    400, "no_page", _("Say on which page the package is played (page=<id>).")
                )
            args = (page, *args)
        try:
            return view(request, payload, *args, **kwargs)
        except Http404:
            # Not 404: LocaleMiddleware would turn a 404 on an unprefixed path into a redirect
            # to a language-prefixed page, which no API client wants.
            return _error(400, "not_found", _("There is no such package or attempt for you."))
        except PackageRefused as refusal:
            return _error(403, "refused", refusal)
        except StatementError as error:
            return _error(error.status, error.code, error.message, error.index)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return require_POST(wrapped)


def _ready_content(uuid):
    return get_object_or_404(H5PContent, uuid=uuid, status=PackageStatus.READY)


@own_data
@_bridge
def h5p_statements(request, payload, page, uuid):
    """``POST /api/interactive/h5p/<uuid>/statements?page=<id>``: xAPI from the player."""
    content = h5p_content_on_page(uuid=uuid, page=page)
    if content is None:
        raise Http404
    outcome = h5p_statements_record(
        learner=request.user, content=content, page=page, statements=payload
    )
    return JsonResponse({"ids": outcome.ids, "stored": len(outcome.created)})


@own_data
@_bridge
def h5p_state(request, payload, page, uuid):
    """``POST /api/interactive/h5p/<uuid>/state?page=<id>`` with ``{"state": "<json>"}``."""
    if not isinstance(payload, dict):
        return _error(400, "invalid", _('Send {"state": ...}.'))
    h5p_state_save(
        learner=request.user, content=_ready_content(uuid), page=page, state=payload.get("state")
    )
    return JsonResponse({"saved": True})


@own_data
@_bridge
def scorm_attempt(request, payload, page, sco_id):
    """``POST /api/interactive/scorm/<sco>/attempts?page=<id>``: start or continue an attempt;
    ``{"restart": true}`` starts a new one (the old stays as history)."""
    sco = get_object_or_404(
        ScormSco.objects.select_related("package"), pk=sco_id, package__status=PackageStatus.READY
    )
    restart = isinstance(payload, dict) and payload.get("restart") is True
    attempt = scorm_attempt_open(learner=request.user, sco=sco, page=page, restart=restart)
    return JsonResponse(
        {
            "attempt": str(attempt.uuid),
            "number": attempt.number,
            "cmi": attempt.cmi,
            "sequence": attempt.commit_sequence,
            "resumed": bool(attempt.cmi),
            "commit_url": f"/api/interactive/scorm/attempts/{attempt.uuid}/commit?page={page.pk}",
            "launch_query": urlencode({"bw_launch": scorm_launch_token(attempt)}),
        }
    )


@own_data
@partial(_bridge, reads_page=False)
def scorm_attempt_commit(request, payload, attempt_uuid):
    """``POST /api/interactive/scorm/attempts/<uuid>/commit`` with
    ``{"sequence": n, "cmi": {...}, "terminate": bool}``: a batch of run-time data, for the
    attempt's own page."""
    attempt = scorm_attempt_to_commit(learner=request.user, uuid=attempt_uuid)
    if attempt is None:
        raise Http404
    if not isinstance(payload, dict):
        return _error(400, "invalid", _('Send {"sequence": ..., "cmi": {...}}.'))
    attempt, outcome = scorm_commit(
        learner=request.user,
        attempt=attempt,
        sequence=payload.get("sequence"),
        cmi=payload.get("cmi"),
        terminate=payload.get("terminate") is True,
    )
    return JsonResponse(
        {
            "sequence": attempt.commit_sequence,
            "completion_status": attempt.completion_status,
            "success_status": attempt.success_status,
            "stored": len(outcome.created) if outcome else 0,
        }
    )
