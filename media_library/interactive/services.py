"""Write-side operations on interactive packages: upload, processing, the results bridge
(H5P xAPI statements, H5P resume state, SCORM commits) into ``lms.records``."""

import contextvars
import copy
import json
import uuid
from contextlib import contextmanager
from urllib.parse import parse_qs, urlsplit

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lms import json_input
from lms.learner_page_cache import learning_state_changed
from lms.records import verbs
from lms.records.activities import activity_id
from lms.records.services import (
    StatementForbidden,
    StatementInvalid,
    statements_record,
)
from media_library.interactive import package_files
from media_library.interactive.access import learner_may_record
from media_library.interactive.archives import PackageInvalid, SafeArchive
from media_library.interactive.h5p_package import LibraryRef, validate_h5p
from media_library.interactive.models import (
    H5PContent,
    H5PLibrary,
    H5PState,
    PackageStatus,
    ScormAttempt,
    ScormPackage,
    ScormSco,
)
from media_library.interactive.scorm_package import parse_manifest
from media_library.interactive.selectors import page_embeds_package

H5P_KIND = "h5p"
SCORM_KIND = "scorm"
LESSON_KIND = "lesson"
MAX_STATE_BYTES = 64 * 1024
MAX_CMI_BYTES = 64 * 1024
H5P_VERBS = {verbs.ANSWERED, verbs.COMPLETED, verbs.PASSED, verbs.FAILED, verbs.PROGRESSED}

# Keys of packages a bridge request has already authorised for its page (see the records
# authoriser in apps.py): the store does not ask the access checks a second time.
_preauthorised: contextvars.ContextVar[frozenset] = contextvars.ContextVar(
    "interactive_preauthorised", default=frozenset()
)


class PackageRefused(Exception):
    """A learner may not record results here (not enrolled, or the page does not embed it)."""


UPLOADERS_GROUP = "Interactive package uploaders"


@transaction.atomic
def package_uploaders_group_ensure():
    """The group whose members may upload H5P and SCORM packages (``upload_package``)."""
    from django.contrib.auth.models import Group, Permission

    group, _created = Group.objects.get_or_create(name=UPLOADERS_GROUP)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="interactive", codename="upload_package"
        ),
        *Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin"),
    )
    return group


# --- upload and processing -------------------------------------------------------------


def installed_libraries() -> set[LibraryRef]:
    return {
        LibraryRef(name, major, minor)
        for name, major, minor in H5PLibrary.objects.values_list(
            "machine_name", "major_version", "minor_version"
        )
    }


def h5p_package_check(file) -> None:
    """Validate an .h5p upload before it is stored; raise :class:`PackageInvalid`."""
    with SafeArchive(file) as archive:
        validate_h5p(archive, installed=installed_libraries())


def scorm_package_check(file) -> None:
    with SafeArchive(file) as archive:
        parse_manifest(archive)


def _package_check(package):
    from media_library.interactive.cmi5_models import Cmi5Package
    from media_library.interactive.cmi5_services import cmi5_package_check

    if isinstance(package, Cmi5Package):
        return cmi5_package_check
    return h5p_package_check if isinstance(package, H5PContent) else scorm_package_check


def _queue(package) -> None:
    from media_library.interactive import tasks
    from media_library.interactive.cmi5_models import Cmi5Package

    if isinstance(package, Cmi5Package):
        task = tasks.process_cmi5_package
    elif isinstance(package, H5PContent):
        task = tasks.process_h5p_content
    else:
        task = tasks.process_scorm_package
    transaction.on_commit(lambda: task.delay(package.pk))


@transaction.atomic
def package_store(*, package, file=None):
    """Save a package (new, or with a new archive) and queue its processing. The archive is
    checked first: a bad one never reaches storage."""
    if file is not None:
        _package_check(package)(file)
        package.source.save(
            getattr(file, "name", "package.zip").rsplit("/", 1)[-1], file, save=False
        )
        package.status = PackageStatus.PENDING
        package.status_message = ""
    package.full_clean()
    package.save()
    if file is not None:
        _queue(package)
    return package


def package_upload(
    *, model, title: str, file, uploaded_by=None, language="en", country=None, **fields
):
    """Upload an archive as a new package of ``model`` (H5PContent or ScormPackage)."""
    package = model(
        title=title, language=language, country=country, uploaded_by=uploaded_by, **fields
    )
    return package_store(package=package, file=file)


def _uploader_language(package) -> str:
    user = package.uploaded_by
    if user is None:
        return translation.get_language() or "en"
    from wagtail.users.models import UserProfile

    return UserProfile.get_for_user(user).get_preferred_language() or user.preferred_language


def _process(package, work) -> None:
    """Run ``work(archive)`` with a visible status: processing, then ready or failed with the
    reasons, in the uploader's language."""
    type(package).objects.filter(pk=package.pk).update(status=PackageStatus.PROCESSING)
    learning_state_changed(delivery=True)
    with translation.override(_uploader_language(package)):
        try:
            with package.source.open("rb") as file, SafeArchive(file) as archive:
                notes = work(archive) or []
        except PackageInvalid as error:
            package.status = PackageStatus.FAILED
            package.status_message = "\n".join(error.messages)
        except OSError:
            package.status = PackageStatus.FAILED
            package.status_message = _("The uploaded file could not be read. Upload it again.")
        else:
            package.status = PackageStatus.READY
            package.status_message = "\n".join(str(note) for note in notes)
    package.processed_at = timezone.now()
    package.save()


def may_replace_library(*, uploader, library: H5PLibrary, content: H5PContent | None) -> bool:
    """May a newer patch brought by ``uploader`` replace ``library`` for every exercise?

    Global staff (and the system itself: demo, commands) may. Anyone limited to a country may
    only when every other exercise using the library belongs to that same country: a library
    shared with other countries' (or shared) exercises is kept as it is.
    """
    from lms.accounts.selectors import country_scope

    if uploader is None:
        return True
    scope = country_scope(uploader)
    if scope is None:
        return True
    others = library.contents.all()
    if content is not None and content.pk:
        others = others.exclude(pk=content.pk)
    if scope is False:
        return not others.exclude(uploaded_by=uploader).exists()
    return not others.exclude(country_id=scope).exists()


def _install_library(archive, info, *, uploader=None, content=None) -> tuple[H5PLibrary, str]:
    """Store a library once; a newer patch of the same major.minor replaces it for all, when
    the uploader may (:func:`may_replace_library`). Returns the library and a note when a
    newer patch was not installed."""
    existing = H5PLibrary.objects.filter(
        machine_name=info.ref.machine_name,
        major_version=info.ref.major,
        minor_version=info.ref.minor,
    ).first()
    if existing and existing.patch_version >= info.patch:
        return existing, ""
    if existing and not may_replace_library(uploader=uploader, library=existing, content=content):
        return existing, _(
            "The package brings %(library)s %(new)s, but %(installed)s is installed and used by "
            "exercises of other countries: only global staff may update a shared library. "
            "This exercise uses %(installed)s."
        ) % {
            "library": str(info.ref),
            "new": f"{info.ref.major}.{info.ref.minor}.{info.patch}",
            "installed": existing.version,
        }
    folder = f"{package_files.LIBRARIES}/{info.ref.folder}"
    package_files.delete_tree(folder)
    for name in info.files:
        package_files.save_stream(
            f"{package_files.LIBRARIES}/{info.stored_name(name)}", archive.iter_chunks(name)
        )
    library = existing or H5PLibrary(
        machine_name=info.ref.machine_name,
        major_version=info.ref.major,
        minor_version=info.ref.minor,
    )
    library.patch_version = info.patch
    library.title = info.title
    library.runnable = info.runnable
    library.embed_types = info.embed_types
    library.preloaded_js = info.preloaded_js
    library.preloaded_css = info.preloaded_css
    library.save()
    return library, ""


def h5p_content_process(*, content: H5PContent) -> H5PContent:
    def work(archive):
        validated = validate_h5p(archive, installed=installed_libraries())
        notes = list(validated.notes)
        with transaction.atomic():
            by_ref = {}
            for ref, info in validated.libraries.items():
                by_ref[ref], note = _install_library(
                    archive, info, uploader=content.uploaded_by, content=content
                )
                if note:
                    notes.append(note)
            for ref, info in validated.libraries.items():
                wanted = {
                    (d.machine_name, d.major, d.minor)
                    for d in info.preloaded_dependencies + info.dynamic_dependencies
                }
                by_ref[ref].dependencies.set(
                    [
                        lib
                        for lib in H5PLibrary.objects.filter(
                            machine_name__in={w[0] for w in wanted}
                        )
                        if (lib.machine_name, lib.major_version, lib.minor_version) in wanted
                    ]
                )
            libraries = [
                lib
                for lib in H5PLibrary.objects.filter(
                    machine_name__in={d.machine_name for d in validated.dependencies}
                )
                if LibraryRef(lib.machine_name, lib.major_version, lib.minor_version)
                in validated.dependencies
            ]
        prefix = content.storage_prefix
        package_files.delete_tree(prefix)
        package_files.save_stream(f"{prefix}/h5p.json", archive.iter_chunks("h5p.json"))
        for name in validated.content_files:
            package_files.save_stream(f"{prefix}/{name}", archive.iter_chunks(name))
        main = next(
            lib
            for lib in libraries
            if (lib.machine_name, lib.major_version, lib.minor_version)
            == (
                validated.main_library.machine_name,
                validated.main_library.major,
                validated.main_library.minor,
            )
        )
        content.main_library = main
        content.h5p_json = validated.h5p_json
        content.embed_type = "div" if "div" in validated.embed_types else "iframe"
        content.save()
        content.libraries.set(libraries)
        return notes

    _process(content, work)
    return content


def scorm_package_process(*, package: ScormPackage) -> ScormPackage:
    def work(archive):
        manifest = parse_manifest(archive)
        prefix = package.storage_prefix
        package_files.delete_tree(prefix)
        for name in archive.names():
            package_files.save_stream(f"{prefix}/{name}", archive.iter_chunks(name))
        with transaction.atomic():
            package.version = manifest.version
            package.manifest = manifest.as_json()
            kept = []
            for order, (organisation, item) in enumerate(manifest.launchable()):
                sco, _created = ScormSco.objects.update_or_create(
                    package=package,
                    identifier=item.identifier[:200],
                    defaults={
                        "organisation": organisation[:200],
                        "title": item.title,
                        "launch": item.launch[:1000],
                        "is_sco": item.is_sco,
                        "mastery_score": item.mastery_score,
                        "sort_order": order,
                    },
                )
                kept.append(sco.pk)
            package.scos.exclude(pk__in=kept).delete()

    _process(package, work)
    return package


# --- the results bridge ----------------------------------------------------------------


def lesson_activity(page) -> str:
    """The page as the parent activity, named by its version in the site's default language
    (as courses name lessons), so that a result recorded on a translated lesson counts for the
    lesson in every language."""
    from django.conf import settings
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Page

    from lms.taxonomy.locales import in_default_language

    if in_default_language(page):
        # A page in the default language is its own version there (no query).
        return activity_id(LESSON_KIND, page.pk)
    default = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    canonical = (
        Page.objects.filter(translation_key=page.translation_key, locale__language_code=default)
        .values_list("pk", flat=True)
        .first()
    )
    return activity_id(LESSON_KIND, canonical or page.pk)


@contextmanager
def _authorised_for_store(keys):
    token = _preauthorised.set(frozenset(keys))
    try:
        yield
    finally:
        _preauthorised.reset(token)


def preauthorised_keys() -> frozenset:
    return _preauthorised.get()


def _check_launch(*, learner, package, page, embedded: bool | None = None) -> None:
    """Refuse unless the package is ready, ``page`` embeds it and the learner may record
    there. ``embedded``: whether the page embeds the package, when the caller read it with
    the package (``selectors.h5p_content_on_page``, ``scorm_attempt_to_commit``)."""
    if not package.is_ready:
        raise PackageRefused(_("This package is not ready to be played."))
    if embedded is None:
        embedded = page_embeds_package(page=page, package=package)
    if not embedded:
        raise PackageRefused(_("This page does not contain this package."))
    if not learner_may_record(user=learner, package=package, page=page):
        raise PackageRefused(_("Enrol in the course to have your results recorded."))


def _actor_is(actor, learner) -> bool:
    if not isinstance(actor, dict):
        return False
    account = actor.get("account")
    return isinstance(account, dict) and str(account.get("name")) == str(learner.pk)


def _h5p_key(content, object_id) -> str:
    """The key of our activity id for an H5P object id (the main content or a sub-question)."""
    key = str(content.uuid)
    if isinstance(object_id, str):
        sub = parse_qs(urlsplit(object_id).query).get("subContentId")
        if sub and sub[0] and len(sub[0]) <= 64 and sub[0].replace("-", "").isalnum():
            key = f"{key}/{sub[0]}"
    return key


def _bounded(value, limit=4000):
    """Keep a client-sent structure only while it stays small."""
    try:
        return value if len(json.dumps(value)) <= limit else None
    except (TypeError, ValueError):
        return None


def h5p_statements_record(*, learner, content: H5PContent, page, statements):
    """Record the xAPI statements an H5P player sent through the bridge, as ``learner``.

    The learner must be allowed to record for this page (enrolled) and the page must embed
    the content (``content.embedded`` when it was read with the page,
    ``selectors.h5p_content_on_page``). A statement naming any other actor is refused.
    Object ids become ours (``urn:betterwork:h5p:<uuid>[/<subContentId>]``) and the page
    becomes the parent.
    """
    _check_launch(
        learner=learner, package=content, page=page, embedded=getattr(content, "embedded", None)
    )
    batch = [statements] if isinstance(statements, dict) else statements
    if not isinstance(batch, list) or not batch:
        raise StatementInvalid(_("Send one statement or a list of statements."))
    mapped = []
    keys = set()
    parent = lesson_activity(page)
    for index, raw in enumerate(batch):
        if not isinstance(raw, dict):
            raise StatementInvalid(_("A statement must be a JSON object."), index=index)
        if "actor" in raw and not _actor_is(raw["actor"], learner):
            raise StatementForbidden(
                _("A statement may only record the learning of the person who sends it."),
                index=index,
            )
        verb = raw.get("verb") if isinstance(raw.get("verb"), dict) else {}
        if verb.get("id") not in H5P_VERBS:
            raise StatementInvalid(
                _("The verb %(verb)s is not recorded for H5P content.")
                % {"verb": str(verb.get("id"))[:200]},
                index=index,
            )
        obj = raw.get("object") if isinstance(raw.get("object"), dict) else {}
        key = _h5p_key(content, obj.get("id"))
        keys.add(key)
        definition = _bounded(obj.get("definition"))
        result = raw.get("result") if isinstance(raw.get("result"), dict) else None
        statement = {
            "id": raw.get("id"),
            "verb": {"id": verb["id"], "display": _bounded(verb.get("display"), 500) or {}},
            "object": {"id": activity_id(H5P_KIND, key), "objectType": "Activity"},
            "context": {
                "contextActivities": {"parent": [{"id": parent}]},
                "extensions": {"https://betterwork.org/xapi/page": page.pk},
            },
        }
        if definition:
            statement["object"]["definition"] = definition
        if result is not None:
            statement["result"] = {
                k: result[k]
                for k in ("score", "success", "completion", "duration", "response")
                if k in result and _bounded(result[k], 2000) is not None
            }
        if raw.get("timestamp") is not None:
            statement["timestamp"] = raw["timestamp"]
        mapped.append(statement)
    with _authorised_for_store({(H5P_KIND, k) for k in keys}):
        return statements_record(actor=learner, statements=mapped)


def h5p_state_save(*, learner, content: H5PContent, page, state: str) -> H5PState | None:
    """Keep the learner's answers so far; an empty state forgets them."""
    _check_launch(learner=learner, package=content, page=page)
    if not isinstance(state, str) or len(state.encode()) > MAX_STATE_BYTES:
        raise StatementInvalid(_("The saved state is too large or not text."))
    if not state:
        H5PState.objects.filter(learner=learner, content=content, page=page).delete()
        return None
    try:
        json_input.loads(state)
    except json_input.InvalidJSON as error:
        raise StatementInvalid(_("The saved state is not valid JSON.")) from error
    saved, _created = H5PState.objects.update_or_create(
        learner=learner, content=content, page=page, defaults={"state": state}
    )
    return saved


# --- SCORM -----------------------------------------------------------------------------


def _completed(attempt) -> bool:
    return attempt.completion_status == "completed" or attempt.success_status == "passed"


@transaction.atomic
def scorm_attempt_open(*, learner, sco: ScormSco, page, restart: bool = False) -> ScormAttempt:
    """The attempt a launch continues: the latest one unless it was finished (or the learner
    asked to start again), in which case a new attempt begins and the old stays as history."""
    _check_launch(learner=learner, package=sco.package, page=page)
    latest = (
        ScormAttempt.objects.select_for_update()
        .filter(learner=learner, sco=sco, page=page)
        .order_by("-number")
        .first()
    )
    finished = (
        latest is not None and latest.terminated and not latest.suspended and _completed(latest)
    )
    if latest is None or restart or finished:
        return ScormAttempt.objects.create(
            learner=learner, sco=sco, page=page, number=(latest.number + 1) if latest else 1
        )
    return latest


def _float(value):
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def manifest_item(package: ScormPackage, identifier: str) -> dict:
    """The manifest's entry for one item (mastery, thresholds, sequencing), or ``{}``."""
    stack = [
        item
        for organisation in (package.manifest or {}).get("organisations", [])
        for item in organisation.get("items", [])
    ]
    while stack:
        item = stack.pop()
        if item.get("identifier") == identifier:
            return item
        stack.extend(item.get("children", []))
    return {}


def _statuses(version: str, cmi: dict, *, item: dict | None = None, terminate=False) -> dict:
    """completion, success, score and suspension from a scorm-again CMI object, with the
    status rules of the specification applied (``item``: the SCO's manifest entry).

    SCORM 1.2 (RTE 3.4.4): with a mastery score and a raw score, the LMS decides passed or
    failed (we always run in credit mode); a SCO that finishes without setting
    ``lesson_status`` is completed (or passed/failed by the mastery rule).
    SCORM 2004 (RTE 4.2.4.1, 4.2.22): with ``completion_threshold`` and ``progress_measure``
    the threshold decides completion; with ``scaled_passing_score`` and ``score.scaled`` the
    passing score decides success. A manifest whose delivery controls say the content does
    not set completion or success gets them on Terminate (not on a suspend).
    """
    item = item or {}
    mastery = item.get("mastery_score")
    if version == ScormPackage.Version.SCORM_12:
        core = cmi.get("core") if isinstance(cmi.get("core"), dict) else {}
        lesson_status = str(core.get("lesson_status") or "not attempted")
        score = core.get("score") if isinstance(core.get("score"), dict) else {}
        raw, high = _float(score.get("raw")), _float(score.get("max"))
        if terminate and lesson_status == "not attempted":
            lesson_status = (
                "browsed" if cmi.get("core", {}).get("lesson_mode") == "browse" else "completed"
            )
        if mastery is not None and raw is not None and lesson_status != "browsed":
            lesson_status = "passed" if raw >= float(mastery) else "failed"
        completion = (
            "completed"
            if lesson_status in {"completed", "passed", "failed"}
            else "incomplete"
            if lesson_status in {"incomplete", "browsed"}
            else "not attempted"
        )
        success = lesson_status if lesson_status in {"passed", "failed"} else "unknown"
        scaled = None
        if raw is not None:
            scaled = raw / (high or 100.0)
        return {
            "completion_status": completion,
            "success_status": success,
            "score_raw": raw,
            "score_max": high or (100.0 if raw is not None else None),
            "score_scaled": max(-1.0, min(1.0, scaled)) if scaled is not None else None,
            "suspended": core.get("exit") == "suspend",
        }
    score = cmi.get("score") if isinstance(cmi.get("score"), dict) else {}
    scaled = _float(score.get("scaled"))
    completion = str(cmi.get("completion_status") or "unknown")[:20]
    success = str(cmi.get("success_status") or "unknown")[:20]
    threshold = item.get("completion_threshold")
    progress = _float(cmi.get("progress_measure"))
    if threshold is not None and progress is not None:
        completion = "completed" if progress >= float(threshold) else "incomplete"
    passing = float(mastery) / 100 if mastery is not None else None
    if passing is not None:
        success = ("passed" if scaled >= passing else "failed") if scaled is not None else success
    suspended = cmi.get("exit") == "suspend"
    sequencing = item.get("sequencing") or {}
    if terminate and not suspended:
        if sequencing.get("completionSetByContent") is False and completion in {
            "unknown",
            "not attempted",
        }:
            completion = "completed"
        if sequencing.get("objectiveSetByContent") is False and success == "unknown":
            success = "passed"
    return {
        "completion_status": completion,
        "success_status": success,
        "score_raw": _float(score.get("raw")),
        "score_max": _float(score.get("max")),
        "score_scaled": max(-1.0, min(1.0, scaled)) if scaled is not None else None,
        "suspended": suspended,
    }


def _scorm_statements(attempt, package, page) -> list[dict]:
    """Statements for what changed in this attempt since the last commit, each sent once."""
    key = f"{package.uuid}/{attempt.sco.identifier}"
    wanted = []
    if attempt.completion_status == "completed":
        wanted.append(verbs.COMPLETED)
    if attempt.success_status == "passed":
        wanted.append(verbs.PASSED)
    elif attempt.success_status == "failed":
        wanted.append(verbs.FAILED)
    statements = []
    parent = None
    for verb in wanted:
        if verb in attempt.reported:
            continue
        parent = parent or lesson_activity(page)
        result = {"completion": attempt.completion_status == "completed"}
        if attempt.success_status in {"passed", "failed"}:
            result["success"] = attempt.success_status == "passed"
        score = {
            k: v
            for k, v in (
                ("scaled", attempt.score_scaled),
                ("raw", attempt.score_raw),
                ("max", attempt.score_max),
            )
            if v is not None
        }
        if score:
            result["score"] = score
        statements.append(
            {
                "id": str(uuid.uuid5(attempt.uuid, verb)),
                "verb": {"id": verb},
                "object": {
                    "id": activity_id(SCORM_KIND, key),
                    "definition": {"name": {package.language: attempt.sco.title}},
                },
                "result": result,
                "context": {
                    "registration": str(attempt.uuid),
                    "contextActivities": {"parent": [{"id": parent}]},
                    "extensions": {"https://betterwork.org/xapi/attempt": attempt.number},
                },
            }
        )
        attempt.reported = [*attempt.reported, verb]
    return statements


# What a commit writes to its attempt.
COMMITTED_FIELDS = (
    "cmi",
    "commit_sequence",
    "terminated",
    "completion_status",
    "success_status",
    "score_scaled",
    "score_raw",
    "score_max",
    "suspended",
    "reported",
)


def scorm_commit(
    *, learner, attempt: ScormAttempt, sequence: int, cmi: dict, terminate: bool = False
):
    """Store a batch of run-time data from the player (many SetValue calls, one request).

    Commits carry an increasing ``sequence``; a repeated or late one changes nothing, so a
    retried request never counts twice. Completion and success become statements once.
    ``attempt`` as ``selectors.scorm_attempt_to_commit`` reads it (with ``embedded``, whether
    its page still embeds the package); without it, that is read here.
    """
    if attempt.learner_id != learner.pk:
        raise StatementForbidden(_("This attempt belongs to someone else."))
    sco = attempt.sco
    package = sco.package
    page = attempt.page
    _check_launch(
        learner=learner, package=package, page=page, embedded=getattr(attempt, "embedded", None)
    )
    if not isinstance(sequence, int) or isinstance(sequence, bool) or sequence < 1:
        raise StatementInvalid(_("sequence must be a positive whole number."))
    if not isinstance(cmi, dict) or len(json.dumps(cmi)) > MAX_CMI_BYTES:
        raise StatementInvalid(_("cmi must be a JSON object of at most 64 KB."))
    committed = copy.copy(attempt)
    committed.terminated = attempt.terminated or terminate
    item = manifest_item(package, sco.identifier)
    statuses = _statuses(package.version, cmi, item=item, terminate=committed.terminated)
    for field, value in statuses.items():
        setattr(committed, field, value)
    committed.cmi = cmi
    committed.commit_sequence = sequence
    committed.updated_at = timezone.now()
    statements = _scorm_statements(committed, package, page)
    with transaction.atomic():
        # One conditional update writes the commit: a repeated or late one finds a newer
        # sequence stored and changes nothing.
        updated = ScormAttempt.objects.filter(pk=attempt.pk, commit_sequence__lt=sequence).update(
            updated_at=committed.updated_at,
            **{field: getattr(committed, field) for field in COMMITTED_FIELDS},
        )
        if not updated:
            return attempt, None
        learning_state_changed(learner_ids=[learner.pk])  # the update sends no post_save
        outcome = None
        if statements:
            with _authorised_for_store({(SCORM_KIND, f"{package.uuid}/{sco.identifier}")}):
                outcome = statements_record(actor=learner, statements=statements)
    return committed, outcome


# --- the records authoriser ------------------------------------------------------------


def authorise_package_keys(kind: str, user, keys: set[str]) -> set[str]:
    """For ``lms.records``: which of these h5p/scorm activity keys may ``user`` record?

    Inside a bridge request the keys it checked are allowed at once; otherwise a key is
    allowed when some page embedding the package lets the user record there.
    """
    pre = {k for (k_kind, k) in preauthorised_keys() if k_kind == kind}
    allowed = keys & pre
    rest = keys - allowed
    if not rest or not user.is_authenticated:
        return allowed
    from media_library.interactive.selectors import pages_embedding

    model = H5PContent if kind == H5P_KIND else ScormPackage
    by_uuid = {}
    for key in rest:
        try:
            by_uuid.setdefault(uuid.UUID(key.split("/", 1)[0]), set()).add(key)
        except ValueError:
            continue
    for package in model.objects.filter(uuid__in=list(by_uuid)):
        if any(
            learner_may_record(user=user, package=package, page=page)
            for page in pages_embedding(package)
        ):
            allowed |= by_uuid[package.uuid]
    return allowed
