"""Views of learning offline: the manifest of a kept course or module, its answer key, the
sync of queued results, and the page listing what this phone keeps."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from courses import offline
from lms import json_input
from lms.accounts.exposure import own_data

MAX_BODY_BYTES = 256 * 1024


def _error(status, code, message):
    return JsonResponse({"error": code, "detail": message}, status=status)


def _signed_in(view):
    """APIs answer 401 with a reason instead of redirecting to the sign-in page."""

    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return _error(401, "unauthenticated", _("Sign in to learn offline."))
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            return _error(403, "forbidden", _("Enrol in the course to keep it offline."))
        except Http404:
            # 410 rather than 404, which the language middleware would redirect to a page.
            return _error(410, "not_found", _("This course or module is not published."))

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@own_data
@require_GET
@never_cache
@_signed_in
def manifest(request, page_id: int):
    """``GET /api/learn/offline/<page>/manifest``: every address to keep, with sizes and hashes."""
    data = offline.offline_manifest(learner=request.user, page_id=page_id, request=request)
    return JsonResponse(data.as_json())


@own_data
@require_GET
@never_cache
@_signed_in
def answers(request, page_id: int):
    """``GET /api/learn/offline/<page>/answers``: the answer key, where the course allows
    checking answers on the phone."""
    return JsonResponse(offline.answer_key(learner=request.user, page_id=page_id))


@own_data
@require_POST
@_signed_in
def sync(request):
    """``POST /api/learn/offline/sync`` with ``{"items": [...]}``: one outcome per result."""
    if len(request.body) > MAX_BODY_BYTES:
        return _error(413, "too_large", _("This request is too large."))
    try:
        payload = json_input.loads(request.body, default=None)
    except json_input.InvalidJSON:
        return _error(400, "invalid_json", _("The request body is not valid JSON."))
    items = payload.get("items") if isinstance(payload, dict) else None
    try:
        outcomes = offline.offline_results_sync(learner=request.user, items=items)
    except offline.SyncInvalid as error:
        return _error(400, "invalid", error.message)
    return JsonResponse({"results": [outcome.as_json() for outcome in outcomes]})


@own_data
@login_required
@require_GET
def kept(request):
    """What this phone keeps for learning offline (read from its storage by offline-kept.js)."""
    return render(request, "courses/offline_kept.html", {})
