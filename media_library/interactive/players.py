"""What a page needs to embed a player: frame address, sandbox, the origin to expect
messages from, the bridge endpoints and the learner's saved progress."""

from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode

from media_library.interactive import package_files
from media_library.interactive.models import H5PContent, ScormAttempt, ScormPackage
from media_library.interactive.selectors import h5p_content_for_language, h5p_state_for


def expected_origin() -> str:
    """The origin messages from a player frame carry: the package origin, or "null" (an
    opaque origin) when the frame is sandboxed on this host."""
    return settings.INTERACTIVE_PACKAGE_ORIGIN or "null"


def _language(page, request) -> str:
    if page is not None and getattr(page, "locale_id", None):
        return page.locale.language_code
    return getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)


def h5p_player(*, content: H5PContent, page, request, title: str = "") -> dict | None:
    if content is None:
        return None
    language = _language(page, request)
    content = h5p_content_for_language(content=content, language=language)
    if not content.is_ready:
        return {"unavailable": True, "title": title or content.title}
    user = getattr(request, "user", None)
    recording = bool(page is not None and user is not None and user.is_authenticated)
    uuid = content.uuid
    player = {
        "kind": "h5p",
        "content": content,
        "title": title or content.title,
        "language": language,
        "src": package_files.player_url("h5p_player", uuid=uuid)
        + "?"
        + urlencode({"lang": language}),
        "sandbox": package_files.sandbox_tokens(),
        "origin": expected_origin(),
        "recording": recording,
        "signed_in": bool(user and user.is_authenticated),
    }
    if recording:
        query = "?" + urlencode({"page": page.pk})
        player.update(
            statements_url=reverse("interactive_api:h5p_statements", kwargs={"uuid": uuid}) + query,
            state_url=reverse("interactive_api:h5p_state", kwargs={"uuid": uuid}) + query,
            state=h5p_state_for(learner=user, content=content, page=page),
            learner=user.pk,
        )
    return player


def scorm_player(*, package: ScormPackage, page, request, title: str = "") -> dict | None:
    if package is None:
        return None
    if not package.is_ready:
        return {"unavailable": True, "title": title or package.title}
    user = getattr(request, "user", None)
    recording = bool(page is not None and user is not None and user.is_authenticated)
    scos = list(package.scos.all())
    attempts = {}
    if recording:
        for attempt in ScormAttempt.objects.filter(
            learner=user, sco__package=package, page=page
        ).order_by("sco_id", "-number"):
            attempts.setdefault(attempt.sco_id, []).append(attempt)
    items = []
    for sco in scos:
        history = attempts.get(sco.pk, [])
        items.append(
            {
                "sco": sco,
                "attempt": history[0] if history else None,
                "earlier": history[1:],
                "src": package_files.file_url(f"scorm/{package.uuid}/{sco.launch}"),
                "attempt_url": reverse("interactive_api:scorm_attempt", kwargs={"sco_id": sco.pk})
                + "?"
                + urlencode({"page": page.pk})
                if recording
                else "",
            }
        )
    return {
        "kind": "scorm",
        "package": package,
        "title": title or package.title,
        "language": _language(page, request),
        "version": "2004" if package.is_2004 else "1.2",
        "items": items,
        "sandbox": package_files.sandbox_tokens(),
        "origin": expected_origin(),
        "recording": recording,
        "signed_in": bool(user and user.is_authenticated),
        "learner": user.pk if recording else "",
        "learner_name": str(user) if recording else "",
    }
