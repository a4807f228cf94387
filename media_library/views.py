"""Public views of the media library: the saved-for-offline list, the service worker and
web-app manifest (served from the site root so their scope is the whole site), captions,
and the anonymous reach beacon."""

import hashlib
import json

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.core import is_ratelimited

from lms import json_input
from lms.accounts.exposure import own_data, public_data
from media_library.models import Caption
from media_library.services import ReachInvalid, reach_record

MAX_REACH_BODY = 32 * 1024
LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}

# What the service worker keeps from the moment it installs, so that saved items open
# with the network off.
SHELL_ASSETS = [
    "css/site.css",
    "css/media_library.css",
    "vendor/fonts.css",
    "img/icon.svg",
    "js/media_library/offline.js",
    "js/media_library/player.js",
    "js/media_library/comic.js",
    "js/media_library/saved.js",
    "js/media_library/register-sw.js",
]


@own_data
@require_GET
def saved(request):
    """What this phone keeps for offline viewing (read from the browser's storage by
    saved.js); also the page the service worker shows for an address it has not kept."""
    return render(request, "media_library/saved.html", {})


def _shell_urls() -> list[str]:
    return [static(name) for name in SHELL_ASSETS]


@public_data
@require_GET
@never_cache
def service_worker(request):
    """The service worker, at the site root so that it may control every page."""
    shell = _shell_urls()
    saved_pages = [f"/{code}/watch/saved/" for code, _name in settings.LANGUAGES]
    body = render_to_string(
        "media_library/sw.js",
        {
            "shell_json": json.dumps(shell),
            "saved_pages_json": json.dumps(saved_pages),
            "media_url_json": json.dumps(settings.MEDIA_URL),
            "static_url_json": json.dumps(settings.STATIC_URL),
            # Background Sync of results queued offline (courses, issue 23).
            "learn_store_json": json.dumps(static("js/courses/offline-store.js")),
        },
    )
    version = hashlib.sha256(body.encode()).hexdigest()[:12]
    body = body.replace("__VERSION__", version)
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@public_data
@require_GET
@cache_control(max_age=3600, public=True)
def web_manifest(request):
    language = request.GET.get("lang") or translation.get_language_from_request(request)
    if language not in LANGUAGE_CODES:
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        manifest = {
            "name": str(_("Better Work Learning")),
            "short_name": str(_("Better Work")),
            "description": str(
                _("Videos, comics and courses about rights and safety at work. Works offline.")
            ),
            "lang": language,
            "dir": "rtl" if language in settings.RTL_LANGUAGES else "ltr",
            "start_url": f"/{language}/",
            "scope": "/",
            "id": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#0b5394",
            "icons": [
                {"src": static("img/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
                {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            ],
            "shortcuts": [
                {"name": str(_("Saved for offline")), "url": f"/{language}/watch/saved/"}
            ],
        }
    response = JsonResponse(manifest, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@public_data
@require_GET
@cache_control(max_age=86400, public=True)
def caption(request, video_id: int, language: str):
    found = get_object_or_404(Caption.objects.only("vtt"), video_id=video_id, language=language)
    if not found.vtt:
        raise Http404
    return HttpResponse(found.vtt, content_type="text/vtt; charset=utf-8")


def _country_for(request):
    from lms.taxonomy.models import Country

    user = request.user
    if user.is_authenticated and user.country_id:
        return user.country
    header = settings.MEDIA_REACH_COUNTRY_HEADER
    if header:
        code = request.headers.get(header, "").strip().upper()
        if len(code) == 2 and code.isalpha():
            return Country.objects.canonical().filter(iso_code=code).first()
    return None


def _error(status, code, message, index=None):
    body = {"error": code, "detail": message}
    if index is not None:
        body["index"] = index
    return JsonResponse(body, status=status)


@public_data
@require_POST
def reach(request):
    """``POST /api/media/reach`` with ``{"events": [{id, kind, item, language, action}]}``.

    No account needed and no personal data kept. A retried event (same id) is stored once.
    """
    if is_ratelimited(
        request,
        group="media_library.reach",
        key="ip",
        rate=settings.MEDIA_REACH_RATE,
        method="POST",
        increment=True,
    ):
        return _error(429, "too_many", _("Too many requests. Try again in a minute."))
    if len(request.body) > MAX_REACH_BODY:
        return _error(413, "too_large", _("This request is too large."))
    try:
        payload = json_input.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return _error(400, "invalid_json", _("The request body is not valid JSON."))
    events = payload.get("events") if isinstance(payload, dict) else payload
    if isinstance(events, dict):
        events = [events]
    try:
        stored = reach_record(events=events, country=_country_for(request))
    except ReachInvalid as error:
        return _error(400, "invalid", error.message, error.index)
    return JsonResponse({"stored": stored})
