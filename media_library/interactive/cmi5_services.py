"""cmi5 in the LMS: processing a course package, launching an assignable unit (AU), the
statement rules for what an AU sends, and what the LMS records itself (launched, abandoned,
waived, satisfied), following the cmi5 specification (Quartz), sections 8-10.

A launch makes the registration (one per learner, course and page), ends any session of
that registration still open with an "abandoned" statement, opens a session, writes the
``LMS.LaunchData`` State document, records "launched", and gives the address of the AU
with the launch parameters (endpoint, fetch, actor, registration, activityId).

The activity ids the LMS gives AUs, blocks and the course are its own URNs
(``urn:betterwork:cmi5:<package>/au<n>``, ``.../block-<hash>``, ``.../course``): cmi5
requires ids that differ from the publisher's, and these are ones the store recognises.
When the whole course is satisfied, the lesson that embeds it counts as completed.
"""

import contextlib
import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from lms.learner_page_cache import learning_state_changed
from lms.records import verbs
from lms.records.activities import activity_id, parse_activity_id
from lms.records.launch_credentials import launch_credential_create, launch_credential_end
from lms.records.models import Statement
from lms.records.services import StatementForbidden, StatementInvalid, statements_record
from lms.records.statement_rules import StatementBatch, lms_authoring
from lms.records.xapi_documents import DocumentScope, Kind, document_put
from lms.records.xapi_identities import agent_of, parse_agent
from media_library.interactive import package_files
from media_library.interactive.access import learner_may_record
from media_library.interactive.archives import SafeArchive
from media_library.interactive.cmi5_models import (
    Cmi5Au,
    Cmi5AuProgress,
    Cmi5Package,
    Cmi5Registration,
    Cmi5Session,
    LaunchMode,
    MoveOn,
    WaiveReason,
)
from media_library.interactive.cmi5_package import parse_course_structure

CMI5_KIND = "cmi5"
CATEGORY_CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
CATEGORY_MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon"
EXT = "https://w3id.org/xapi/cmi5/context/extensions/"
SESSION_EXT = EXT + "sessionid"
REASON_EXT = "https://w3id.org/xapi/cmi5/result/extensions/reason"
LAUNCH_DATA = "LMS.LaunchData"

LAUNCHED = "http://adlnet.gov/expapi/verbs/launched"
INITIALIZED = "http://adlnet.gov/expapi/verbs/initialized"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
PASSED = "http://adlnet.gov/expapi/verbs/passed"
FAILED = "http://adlnet.gov/expapi/verbs/failed"
TERMINATED = "http://adlnet.gov/expapi/verbs/terminated"
ABANDONED = "https://w3id.org/xapi/adl/verbs/abandoned"
WAIVED = "https://w3id.org/xapi/adl/verbs/waived"
SATISFIED = "https://w3id.org/xapi/adl/verbs/satisfied"
LMS_VERBS = {LAUNCHED, ABANDONED, WAIVED, SATISFIED}
AU_DEFINED_VERBS = {INITIALIZED, COMPLETED, PASSED, FAILED, TERMINATED}
# What an AU launched in Browse or Review may not send (cmi5 10.0, launchMode).
JUDGING_VERBS = {COMPLETED, PASSED, FAILED}
# How long after "terminated" arrives the LMS still takes statements the AU made before it
# (cmi5 9.3.8: "wait a specified period of time"), for clients that queue and resend.
TERMINATED_GRACE = timedelta(minutes=2)
AU_TYPE = "https://w3id.org/xapi/cmi5/activitytype/au"
BLOCK_TYPE = "https://w3id.org/xapi/cmi5/activitytype/block"
COURSE_TYPE = "https://w3id.org/xapi/cmi5/activitytype/course"


# --- activity ids ----------------------------------------------------------------------


def au_activity_id(au: Cmi5Au, package: Cmi5Package | None = None) -> str:
    package = package or au.package
    return activity_id(CMI5_KIND, f"{package.uuid}/au{au.pk}")


def block_activity_id(package: Cmi5Package, block_id: str) -> str:
    digest = hashlib.sha256(block_id.encode()).hexdigest()[:16]
    return activity_id(CMI5_KIND, f"{package.uuid}/block-{digest}")


def course_activity_id(package: Cmi5Package) -> str:
    return activity_id(CMI5_KIND, f"{package.uuid}/course")


# --- packages --------------------------------------------------------------------------


def cmi5_package_check(file) -> str:
    """Validate an upload before it is stored; returns the course title."""
    with SafeArchive(file) as archive:
        return parse_course_structure(archive).title


def cmi5_package_process(*, package: Cmi5Package) -> Cmi5Package:
    from media_library.interactive.services import _process

    def work(archive):
        course = parse_course_structure(archive)
        prefix = package.storage_prefix
        package_files.delete_tree(prefix)
        for name in archive.names():
            package_files.save_stream(f"{prefix}/{name}", archive.iter_chunks(name))
        with transaction.atomic():
            package.course_id = course.course_id
            package.structure = course.as_json()
            kept = []
            for order, spec in enumerate(course.aus):
                au, _created = Cmi5Au.objects.update_or_create(
                    package=package,
                    publisher_id=spec.publisher_id,
                    defaults={
                        "title": spec.title,
                        "url": spec.url[:1000],
                        "move_on": spec.move_on,
                        "mastery_score": spec.mastery_score,
                        "launch_method": spec.launch_method,
                        "launch_parameters": spec.launch_parameters,
                        "entitlement_key": spec.entitlement_key,
                        "blocks": spec.blocks,
                        "sort_order": order,
                    },
                )
                kept.append(au.pk)
            package.aus.exclude(pk__in=kept).delete()

    _process(package, work)
    return package


# --- launching -------------------------------------------------------------------------


@dataclass(frozen=True)
class Launch:
    url: str
    session: Cmi5Session
    registration: Cmi5Registration


def _record(*, learner, statements: list[dict]):
    with lms_authoring():
        return statements_record(actor=learner, statements=statements)


def _context(*, registration, session_id, au: Cmi5Au, extensions=None) -> dict:
    return {
        "registration": str(registration.registration),
        "contextActivities": {
            "category": [{"id": CATEGORY_CMI5}],
            "grouping": [{"id": au.publisher_id}],
        },
        "extensions": {SESSION_EXT: str(session_id), **(extensions or {})},
    }


def _au_object(au: Cmi5Au, package: Cmi5Package) -> dict:
    return {
        "id": au_activity_id(au, package),
        "objectType": "Activity",
        "definition": {"name": {package.language: au.title}, "type": AU_TYPE},
    }


def _abandon(session: Cmi5Session, learner) -> None:
    """Record that an open session ended without "terminated" (cmi5 9.3.6), once."""
    updated = Cmi5Session.objects.filter(pk=session.pk, terminated=False, abandoned=False).update(
        abandoned=True
    )
    learning_state_changed(learner_ids=[learner.pk])
    launch_credential_end(session_id=session.session_id)
    if not updated:
        return
    package = session.registration.package
    _record(
        learner=learner,
        statements=[
            {
                "id": str(uuid.uuid5(session.session_id, "abandoned")),
                "verb": {"id": ABANDONED, "display": {"en-US": "abandoned"}},
                "object": _au_object(session.au, package),
                "context": _context(
                    registration=session.registration,
                    session_id=session.session_id,
                    au=session.au,
                ),
            }
        ],
    )


def cmi5_registration_for(*, learner, package: Cmi5Package, page) -> Cmi5Registration:
    registration, _created = Cmi5Registration.objects.get_or_create(
        learner=learner, package=package, page=page
    )
    return registration


def launch_data(
    *, au: Cmi5Au, session_id, return_url: str, launch_mode: str = LaunchMode.NORMAL
) -> dict:
    """The ``LMS.LaunchData`` State document (cmi5 10.0)."""
    data = {
        "contextTemplate": {
            "contextActivities": {"grouping": [{"id": au.publisher_id}]},
            "extensions": {SESSION_EXT: str(session_id)},
        },
        "launchMode": str(launch_mode),
        "moveOn": au.move_on,
        "returnURL": return_url,
    }
    if au.mastery_score is not None:
        data["masteryScore"] = au.mastery_score
    if au.launch_parameters:
        data["launchParameters"] = au.launch_parameters
    if au.entitlement_key:
        data["entitlementKey"] = {"courseStructure": au.entitlement_key}
    return data


def launch_modes_for(progress: Cmi5AuProgress | None) -> list[str]:
    """The modes a learner may pick: Normal always; Browse (a look around without
    judgement) until the AU is done; Review once it was completed, passed or satisfied."""
    done = bool(progress and (progress.satisfied or progress.completed or progress.passed))
    return [LaunchMode.NORMAL, LaunchMode.REVIEW if done else LaunchMode.BROWSE]


def cmi5_launch(
    *,
    learner,
    au: Cmi5Au,
    page,
    endpoint: str,
    fetch_url_for,
    return_url: str,
    launch_mode: str = LaunchMode.NORMAL,
) -> Launch:
    """Launch ``au`` for ``learner`` on ``page`` in ``launch_mode``; ``fetch_url_for(key)``
    makes the absolute fetch address from a fetch key."""
    from media_library.interactive.services import PackageRefused, _check_launch

    package = au.package
    _check_launch(learner=learner, package=package, page=page)
    with transaction.atomic():
        registration = cmi5_registration_for(learner=learner, package=package, page=page)
        if launch_mode != LaunchMode.NORMAL:
            progress = Cmi5AuProgress.objects.filter(registration=registration, au=au).first()
            if launch_mode not in launch_modes_for(progress):
                raise PackageRefused(
                    _("Review opens once you have completed this unit.")
                    if launch_mode == LaunchMode.REVIEW
                    else _("This unit cannot be opened that way.")
                )
        for stale in registration.sessions.filter(terminated=False, abandoned=False).select_related(
            "au", "registration__package"
        ):
            _abandon(stale, learner)
        session = Cmi5Session.objects.create(
            registration=registration, au=au, launch_mode=launch_mode
        )
        activity = au_activity_id(au, package)
        _credential, fetch_key = launch_credential_create(
            user=learner,
            activity_id=activity,
            registration=registration.registration,
            session_id=session.session_id,
        )
        actor = agent_of(learner)
        document_put(
            scope=DocumentScope(
                kind=Kind.STATE,
                activity_id=activity,
                agent=parse_agent(actor),
                registration=str(registration.registration),
            ),
            document_id=LAUNCH_DATA,
            content=json.dumps(
                launch_data(
                    au=au,
                    session_id=session.session_id,
                    return_url=return_url,
                    launch_mode=launch_mode,
                )
            ).encode(),
            content_type="application/json",
            owner=learner,
            by_lms=True,
        )
        _record(
            learner=learner,
            statements=[
                {
                    "id": str(uuid.uuid5(session.session_id, "launched")),
                    "verb": {"id": LAUNCHED, "display": {"en-US": "launched"}},
                    "object": _au_object(au, package),
                    "context": _context(
                        registration=registration,
                        session_id=session.session_id,
                        au=au,
                        extensions={
                            EXT + "launchmode": str(launch_mode),
                            EXT + "moveon": au.move_on,
                            EXT + "launchurl": package_files.file_url(
                                f"cmi5/{package.uuid}/{au.url}"
                            ),
                        },
                    ),
                }
            ],
        )
        _satisfy(registration=registration, session_id=session.session_id, learner=learner)
    parameters = urlencode(
        {
            "endpoint": endpoint,
            "fetch": fetch_url_for(fetch_key),
            "actor": json.dumps(actor, separators=(",", ":")),
            "registration": str(registration.registration),
            "activityId": activity,
        }
    )
    address = package_files.file_url(f"cmi5/{package.uuid}/{au.url}")
    separator = "&" if "?" in address else "?"
    return Launch(
        url=f"{address}{separator}{parameters}", session=session, registration=registration
    )


@transaction.atomic
def cmi5_au_waive(*, learner, au: Cmi5Au, page, reason: str = WaiveReason.ADMINISTRATIVE) -> bool:
    """Staff waive an AU for a learner (cmi5 9.3.7): a "waived" statement with its reason,
    in a session of its own, at most once per registration; the AU then counts as met."""
    registration = cmi5_registration_for(learner=learner, package=au.package, page=page)
    progress, _created = Cmi5AuProgress.objects.select_for_update().get_or_create(
        registration=registration, au=au
    )
    if progress.waived:
        return False
    progress.waived = True
    progress.save(update_fields=["waived"])
    session_id = uuid.uuid5(registration.registration, f"waived-{au.pk}")
    _record(
        learner=learner,
        statements=[
            {
                "id": str(uuid.uuid5(session_id, "waived")),
                "verb": {"id": WAIVED, "display": {"en-US": "waived"}},
                "object": _au_object(au, au.package),
                "result": {
                    "success": True,
                    "completion": True,
                    "extensions": {REASON_EXT: str(reason)[:100]},
                },
                "context": _context(registration=registration, session_id=session_id, au=au),
            }
        ],
    )
    _satisfy(registration=registration, session_id=session_id, learner=learner)
    return True


# --- moveOn and satisfied --------------------------------------------------------------


def move_on_met(au: Cmi5Au, progress: Cmi5AuProgress | None) -> bool:
    if au.move_on == MoveOn.NOT_APPLICABLE:
        return True
    if progress is None:
        return False
    if progress.waived:
        return True
    return {
        MoveOn.PASSED: progress.passed,
        MoveOn.COMPLETED: progress.completed,
        MoveOn.COMPLETED_AND_PASSED: progress.completed and progress.passed,
        MoveOn.COMPLETED_OR_PASSED: progress.completed or progress.passed,
    }.get(au.move_on, False)


def _satisfy(*, registration: Cmi5Registration, session_id, learner) -> None:
    """Record "satisfied" for each block and the course whose AUs have all met their moveOn
    criteria (cmi5 9.3.9), once per registration; a satisfied course completes the lesson."""
    package = registration.package
    aus = list(package.aus.all())
    progress = {p.au_id: p for p in registration.progress.all()}
    met = {au.pk: move_on_met(au, progress.get(au.pk)) for au in aus}
    for au in aus:
        row = progress.get(au.pk)
        if met[au.pk] and row is not None and not row.satisfied:
            Cmi5AuProgress.objects.filter(pk=row.pk).update(satisfied=True)
            learning_state_changed(learner_ids=[registration.learner_id])
    blocks = (package.structure or {}).get("blocks", [])
    targets = []
    for block in blocks:
        members = [au for au in aus if block["id"] in (au.blocks or [])]
        if members and all(met[au.pk] for au in members):
            targets.append(
                (block["id"], block_activity_id(package, block["id"]), BLOCK_TYPE, block["title"])
            )
    if aus and all(met.values()):
        targets.append(("course", course_activity_id(package), COURSE_TYPE, package.title))
    already = set(registration.satisfied or [])
    new = [target for target in targets if target[0] not in already]
    if not new:
        return
    registration.satisfied = [*already, *(target[0] for target in new)]
    Cmi5Registration.objects.filter(pk=registration.pk).update(satisfied=registration.satisfied)
    learning_state_changed(learner_ids=[registration.learner_id])
    statements = []
    for key, object_id, kind, title in new:
        grouping = package.course_id if key == "course" else key
        statements.append(
            {
                "id": str(uuid.uuid5(registration.registration, f"satisfied-{key}")),
                "verb": {"id": SATISFIED, "display": {"en-US": "satisfied"}},
                "object": {
                    "id": object_id,
                    "objectType": "Activity",
                    "definition": {"name": {package.language: title}, "type": kind},
                },
                "context": {
                    "registration": str(registration.registration),
                    "contextActivities": {
                        "category": [{"id": CATEGORY_CMI5}],
                        "grouping": [{"id": grouping}],
                    },
                    "extensions": {SESSION_EXT: str(session_id)},
                },
            }
        )
    _record(learner=learner, statements=statements)
    if any(key == "course" for key, *_rest in new):
        _lesson_completed(registration=registration, learner=learner)


def _lesson_completed(*, registration: Cmi5Registration, learner) -> None:
    """The page embedding a satisfied course counts as completed, when it is a lesson the
    learner may record about (elsewhere, nothing more is recorded)."""
    from media_library.interactive.services import lesson_activity

    lesson = lesson_activity(registration.page)
    with contextlib.suppress(StatementForbidden):
        _record(
            learner=learner,
            statements=[
                {
                    "id": str(uuid.uuid5(registration.registration, "lesson-completed")),
                    "verb": {"id": verbs.COMPLETED},
                    "object": {"id": lesson},
                    "result": {"completion": True},
                    "context": {
                        "registration": str(registration.registration),
                        "contextActivities": {
                            "other": [{"id": course_activity_id(registration.package)}]
                        },
                    },
                }
            ],
        )


# --- the statement rules (before storing) and their effects (after) --------------------


def _object_id(raw) -> str:
    obj = raw.get("object") if isinstance(raw.get("object"), dict) else {}
    return obj.get("id") if isinstance(obj.get("id"), str) else ""


def _is_cmi5(raw) -> bool:
    parsed = parse_activity_id(_object_id(raw))
    return bool(parsed and parsed[0] == CMI5_KIND)


def _categories(raw) -> set[str]:
    context = raw.get("context") if isinstance(raw.get("context"), dict) else {}
    activities = context.get("contextActivities")
    category = activities.get("category") if isinstance(activities, dict) else None
    if isinstance(category, dict):
        category = [category]
    return {c.get("id") for c in category or [] if isinstance(c, dict)}


def _verb(raw) -> str:
    verb = raw.get("verb") if isinstance(raw.get("verb"), dict) else {}
    return verb.get("id") if isinstance(verb.get("id"), str) else ""


def _scaled(raw):
    result = raw.get("result") if isinstance(raw.get("result"), dict) else {}
    score = result.get("score") if isinstance(result.get("score"), dict) else {}
    value = score.get("scaled")
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _refuse(message, index, code="cmi5"):
    raise StatementInvalid(message, index=index, code=code)


def _moment(raw, now: datetime) -> datetime:
    """The statement's timestamp (when it is missing or malformed, the store's own rules
    apply; here it counts as now)."""
    value = raw.get("timestamp")
    moment = None
    if isinstance(value, str) and len(value) <= 64:
        with contextlib.suppress(ValueError, OverflowError):
            moment = parse_datetime(value)
    if moment is None:
        return now
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    return moment


def cmi5_statement_rule(batch: StatementBatch) -> None:
    """What an AU may send (cmi5 9.3): only in its open session, with its registration and
    session id; "initialized" first and once; no cmi5-defined verb twice in a session;
    "completed" and "passed" once per registration, no "failed" after "passed", scores on
    the right side of the mastery score; nothing after "terminated"; never the verbs the
    LMS alone uses; no completed, passed or failed in Browse or Review (10.0).

    Order is the timestamps' order (9.3), not the arrival order: a batch is judged sorted
    by timestamp, a statement dated before "initialized" is refused, and for
    ``TERMINATED_GRACE`` after "terminated" arrives the session still takes statements
    dated before it (a client that queued them). Statements already stored (a retried
    request) are not judged again."""
    if batch.by_lms:
        return
    batch_items = [
        (index, raw)
        for index, raw in enumerate(batch.statements)
        if isinstance(raw, dict) and _is_cmi5(raw)
    ]
    if not batch_items:
        return
    credential = batch.credential
    if credential is None or credential.activity_id == "":
        raise StatementForbidden(
            _("Statements about a cmi5 unit are sent by the unit itself, with its launch token."),
            index=batch_items[0][0],
            code="cmi5_launch_only",
        )
    ids = []
    for _index, raw in batch_items:
        try:
            ids.append(uuid.UUID(str(raw.get("id"))))
        except ValueError:
            continue
    stored = set(Statement.objects.filter(id__in=ids).values_list("id", flat=True))
    # The session with its unit's progress in the registration, in one query.
    progress = Cmi5AuProgress.objects.filter(
        registration=OuterRef("registration"), au=OuterRef("au")
    )
    session = (
        Cmi5Session.objects.select_related("registration", "au")
        .annotate(
            progress_completed=Subquery(progress.values("completed")[:1]),
            progress_passed=Subquery(progress.values("passed")[:1]),
        )
        .filter(session_id=credential.session_id)
        .first()
    )
    now = timezone.now()
    initialized_at = session.initialized_at if session and session.initialized else None
    initialized = bool(session and session.initialized)
    terminated_at = session.terminated_at if session and session.terminated else None
    if session and session.terminated and terminated_at is None:
        terminated_at = session.launched_at  # ended before times were kept: nothing more
    late = bool(
        session
        and session.terminated
        and (
            session.terminated_received_at is None
            or now - session.terminated_received_at > TERMINATED_GRACE
        )
    )
    session_verbs = set(session.verbs if session else [])
    completed = bool(session and session.progress_completed)
    passed = bool(session and session.progress_passed)
    mastery = session.au.mastery_score if session else None
    judging_allowed = bool(session and session.launch_mode == LaunchMode.NORMAL)
    # Judge in timestamp order (stable: equal timestamps keep their arrival order).
    ordered = sorted(batch_items, key=lambda item: _moment(item[1], now))
    for index, raw in ordered:
        try:
            if uuid.UUID(str(raw.get("id"))) in stored:
                continue
        except ValueError:
            pass  # the store refuses it with its own reason
        verb = _verb(raw)
        moment = _moment(raw, now)
        if _object_id(raw) != credential.activity_id:
            raise StatementForbidden(
                _("A launched unit may only send statements about itself."), index=index
            )
        if verb in LMS_VERBS:
            raise StatementForbidden(
                _("Only the LMS records launched, abandoned, waived and satisfied."),
                index=index,
                code="cmi5_lms_verb",
            )
        if session is None or session.abandoned:
            _refuse(_("This cmi5 session has ended."), index, "cmi5_session_ended")
        if terminated_at is not None and (late or moment > terminated_at):
            _refuse(_("This cmi5 session has ended."), index, "cmi5_session_ended")
        context = raw.get("context") if isinstance(raw.get("context"), dict) else {}
        if str(context.get("registration")) != str(credential.registration):
            _refuse(_("The statement must carry the launch's registration."), index)
        extensions = (
            context.get("extensions") if isinstance(context.get("extensions"), dict) else {}
        )
        if str(extensions.get(SESSION_EXT)) != str(credential.session_id):
            _refuse(_("The statement must carry the launch's session id."), index)
        if not initialized and verb != INITIALIZED:
            _refuse(_("The first statement of a session must be initialized."), index)
        if initialized_at is not None and moment < initialized_at:
            _refuse(_("The first statement of a session must be initialized."), index)
        defined = CATEGORY_CMI5 in _categories(raw)
        if verb == INITIALIZED:
            if initialized:
                _refuse(_("initialized may be sent once per session."), index)
            initialized = True
            initialized_at = moment
        if defined and verb in JUDGING_VERBS and not judging_allowed:
            _refuse(
                _("In Browse and Review nothing counts towards completion."),
                index,
                "cmi5_launch_mode",
            )
        if defined and verb in AU_DEFINED_VERBS:
            if verb in session_verbs:
                _refuse(_("A cmi5 verb may be sent once per session."), index)
            if verb in {PASSED, FAILED} and session_verbs & {PASSED, FAILED}:
                _refuse(_("Only one of passed and failed may be sent in a session."), index)
            session_verbs.add(verb)
            scaled = _scaled(raw)
            if verb == COMPLETED:
                if completed:
                    _refuse(_("completed may be sent once per registration."), index)
                completed = True
            elif verb == PASSED:
                if passed:
                    _refuse(_("passed may be sent once per registration."), index)
                if mastery is not None and scaled is not None and scaled < mastery:
                    _refuse(_("A passed score must reach the mastery score."), index)
                passed = True
            elif verb == FAILED:
                if passed:
                    _refuse(_("failed may not follow passed in a registration."), index)
                if mastery is not None and scaled is not None and scaled >= mastery:
                    _refuse(_("A failed score must be below the mastery score."), index)
        if verb == TERMINATED:
            if terminated_at is not None:
                _refuse(_("This cmi5 session has ended."), index, "cmi5_session_ended")
            terminated_at = moment


def cmi5_after_statements(*, actor, statements) -> None:
    """Keep sessions and AU progress in step with what the AU sent, then look for newly
    satisfied blocks and course."""
    mine = [s for s in statements if s.activity_kind == CMI5_KIND and s.verb in AU_DEFINED_VERBS]
    if not mine:
        return
    by_session: dict[str, list] = {}
    for statement in mine:
        context = statement.data.get("context") or {}
        session_id = (context.get("extensions") or {}).get(SESSION_EXT)
        if session_id:
            by_session.setdefault(str(session_id), []).append(statement)
    sessions = Cmi5Session.objects.select_for_update().filter(session_id__in=list(by_session))
    for session in sessions.select_related("registration__package", "au"):
        progress, _created = Cmi5AuProgress.objects.select_for_update().get_or_create(
            registration=session.registration, au=session.au
        )
        for statement in by_session[str(session.session_id)]:
            categories = _categories(statement.data)
            if statement.verb == INITIALIZED:
                session.initialized = True
                session.initialized_at = statement.timestamp
            if statement.verb == TERMINATED:
                session.terminated = True
                session.terminated_at = statement.timestamp
                session.terminated_received_at = timezone.now()
            if CATEGORY_CMI5 not in categories:
                continue
            session.verbs = [*session.verbs, statement.verb]
            if statement.verb == COMPLETED:
                progress.completed = True
            elif statement.verb == PASSED:
                progress.passed = True
            elif statement.verb == FAILED:
                progress.failed = True
        session.save(
            update_fields=[
                "initialized",
                "initialized_at",
                "terminated",
                "terminated_at",
                "terminated_received_at",
                "verbs",
            ]
        )
        progress.save(update_fields=["completed", "passed", "failed"])
        _satisfy(registration=session.registration, session_id=session.session_id, learner=actor)


def authorise_cmi5_keys(user, keys: set[str]) -> set[str]:
    """For ``lms.records``: which cmi5 activity keys (``<package uuid>/...``) may ``user``
    record? Those of courses embedded in a page that lets them record there."""
    from media_library.interactive.selectors import pages_embedding

    if not user.is_authenticated:
        return set()
    by_uuid: dict[uuid.UUID, set[str]] = {}
    for key in keys:
        try:
            by_uuid.setdefault(uuid.UUID(key.split("/", 1)[0]), set()).add(key)
        except ValueError:
            continue
    allowed = set()
    for package in Cmi5Package.objects.filter(uuid__in=list(by_uuid)):
        if any(
            learner_may_record(user=user, package=package, page=page)
            for page in pages_embedding(package)
        ):
            allowed |= by_uuid[package.uuid]
    return allowed
