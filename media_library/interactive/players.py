"""What a page needs to embed a player: frame address, sandbox, the origin to expect
messages from, the bridge endpoints and the learner's saved progress."""

from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode

from lms.taxonomy.locales import locale_by_pk
from media_library.interactive import package_files
from media_library.interactive.models import H5PContent, ScormAttempt, ScormPackage
from media_library.interactive.selectors import h5p_content_for_language, h5p_states_on_page


def expected_origin() -> str:
    """The origin messages from a player frame carry: the package origin, or "null" (an
    opaque origin) when the frame is sandboxed on this host."""
    return settings.INTERACTIVE_PACKAGE_ORIGIN or "null"


def _language(page, request) -> str:
    if page is not None and getattr(page, "locale_id", None):
        # The process keeps the locales: a page's ``locale`` would be a query per player.
        locale = locale_by_pk(page.locale_id)
        if locale is not None:
            return locale.language_code
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
        # Offline the page builds the frame from the kept files (decision 0205); not when
        # packages have an origin of their own, where H5P stays online only.
        "offline_src": ""
        if package_files.is_separate_origin()
        else reverse("interactive_api:h5p_offline_player"),
        "content_uuid": str(uuid),
        "recording": recording,
        "signed_in": bool(user and user.is_authenticated),
    }
    if recording:
        query = "?" + urlencode({"page": page.pk})
        player.update(
            statements_url=reverse("interactive_api:h5p_statements", kwargs={"uuid": uuid}) + query,
            state_url=reverse("interactive_api:h5p_state", kwargs={"uuid": uuid}) + query,
            state=_h5p_states(request, user, page).get(content.pk, ""),
            learner=user.pk,
        )
    return player


def _h5p_states(request, user, page) -> dict[int, str]:
    """The learner's saved states on the page, read once per request: a lesson with several
    exercises renders a player for each, and each would otherwise read its own."""
    kept = request.__dict__.setdefault("_interactive_h5p_states", {})
    if page.pk not in kept:
        kept[page.pk] = h5p_states_on_page(learner=user, page=page)
    return kept[page.pk]


def _activity_state(attempt, count: int) -> dict:
    if attempt is None:
        return {"attempted": False, "attempts": 0, "completion": "unknown", "success": "unknown"}
    return {
        "attempted": True,
        "attempts": count,
        "completion": attempt.completion_status,
        "success": attempt.success_status,
    }


def scorm_player(*, package: ScormPackage, page, request, title: str = "") -> dict | None:
    """The SCORM player: the default organisation's table of contents (folders and SCOs, in
    manifest order), each SCO with its latest attempt and earlier ones, and what the page's
    sequencer needs (control modes and rules of every activity, each SCO's state)."""
    from media_library.interactive.services import manifest_item

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
    by_identifier = {}
    for sco in scos:
        history = attempts.get(sco.pk, [])
        manifest = manifest_item(package, sco.identifier)
        item = {
            "sco": sco,
            "attempt": history[0] if history else None,
            "earlier": history[1:],
            "src": package_files.file_url(f"scorm/{package.uuid}/{sco.launch}"),
            "attempt_url": reverse("interactive_api:scorm_attempt", kwargs={"sco_id": sco.pk})
            + "?"
            + urlencode({"page": page.pk})
            if recording
            else "",
            "mastery": manifest.get("mastery_score"),
            "threshold": manifest.get("completion_threshold"),
            "launch_data": manifest.get("launch_data") or "",
        }
        items.append(item)
        by_identifier[sco.identifier] = item
    is_2004 = package.is_2004
    toc, activities, organisation = _toc(package, by_identifier, attempts)
    return {
        "kind": "scorm",
        "package": package,
        "title": title or package.title,
        "language": _language(page, request),
        "version": "2004" if is_2004 else "1.2",
        "items": items,
        "toc": toc,
        "sequencing_id": f"scorm-sequencing-{package.uuid}",
        "sequencing": {
            "version": "2004" if is_2004 else "1.2",
            "organisation": organisation,
            "activities": activities,
        },
        "sandbox": package_files.sandbox_tokens(modals=True),
        "origin": expected_origin(),
        "recording": recording,
        "signed_in": bool(user and user.is_authenticated),
        "learner": user.pk if recording else "",
        "learner_name": str(user) if recording else "",
    }


def _toc(package, by_identifier: dict, attempts: dict):
    """The default organisation as a tree for the template, and as a flat list of activities
    (pre-order, with parent ids) for the sequencer in the page."""
    manifest = package.manifest or {}
    organisations = manifest.get("organisations") or []
    default = manifest.get("default_organisation")
    organisation = next(
        (o for o in organisations if o.get("identifier") == default),
        organisations[0] if organisations else {},
    )
    activities = []
    seen = set()

    def walk(nodes, parent):
        tree = []
        for node in nodes:
            identifier = node.get("identifier", "")
            item = by_identifier.get(identifier)
            history = attempts.get(item["sco"].pk, []) if item else []
            activity = {
                "id": identifier,
                "parent": parent,
                "title": node.get("title", ""),
                "sco": item["sco"].pk if item else None,
                "sequencing": node.get("sequencing") or {},
                "state": _activity_state(history[0] if history else None, len(history)),
            }
            activities.append(activity)
            if item:
                seen.add(identifier)
            children = walk(node.get("children") or [], identifier)
            if not node.get("visible", True) and item is None and not children:
                continue
            tree.append(
                {
                    "identifier": identifier,
                    "title": node.get("title", ""),
                    "item": item,
                    "children": children,
                    "visible": node.get("visible", True),
                }
            )
        return tree

    tree = walk(organisation.get("items") or [], organisation.get("identifier", ""))
    # Launchable items of other organisations (rare) still appear, after the default one.
    for identifier, item in by_identifier.items():
        if identifier not in seen:
            history = attempts.get(item["sco"].pk, [])
            activities.append(
                {
                    "id": identifier,
                    "parent": organisation.get("identifier", ""),
                    "title": item["sco"].title,
                    "sco": item["sco"].pk,
                    "sequencing": {},
                    "state": _activity_state(history[0] if history else None, len(history)),
                }
            )
            tree.append(
                {
                    "identifier": identifier,
                    "title": item["sco"].title,
                    "item": item,
                    "children": [],
                    "visible": True,
                }
            )
    return (
        tree,
        activities,
        {
            "id": organisation.get("identifier", ""),
            "sequencing": organisation.get("sequencing") or {},
        },
    )
