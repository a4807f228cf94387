"""Recording learning events.

``statements_record`` is the one way in: it validates a batch of xAPI-shaped statements,
checks the person may record about each activity (through the rooms' registered
authorisers; a batch with any refused statement is refused whole, with the reason the
owning room gives), stores what is new in one insert and tells the rooms what was stored.
Storing the same statement id twice is a no-op; the same id with other content is a
conflict. The number of queries does not grow with the size of the batch.
"""

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.records import validation
from lms.records.activities import Refusal, parse_activity_id, registered_kinds
from lms.records.models import Statement
from lms.records.signals import statements_recorded
from lms.records.statement_insert import statements_insert
from lms.records.statement_rules import statement_rules_apply

MAX_BATCH = 100
MAX_CLOCK_SKEW = timedelta(minutes=10)


class StatementError(Exception):
    status = 400
    code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        index: int | None = None,
        code: str | None = None,
        field: str | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.index = index
        self.field = field
        if code:
            self.code = code


class StatementInvalid(StatementError):
    pass


class StatementConflict(StatementError):
    status = 409
    code = "conflict"


class StatementForbidden(StatementError):
    status = 403
    code = "forbidden"


@dataclass
class RecordOutcome:
    ids: list[str]
    created: list[Statement]


def _fail(message, index):
    raise StatementInvalid(message, index=index)


def _actor_matches(actor, user) -> bool:
    """A statement may name its actor, but only as the signed-in person."""
    if not isinstance(actor, dict):
        return False
    account = actor.get("account")
    if isinstance(account, dict):
        return str(account.get("name")) in {str(user.pk), user.get_username()}
    mbox = actor.get("mbox")
    if isinstance(mbox, str) and user.email:
        return mbox.lower() == f"mailto:{user.email.lower()}"
    return False


def _parse(raw, index, user, now, *, scored_by_server: bool) -> Statement:
    try:
        return _parse_checked(raw, index, user, now, scored_by_server=scored_by_server)
    except validation.Malformed as error:
        raise StatementInvalid(error.message, index=index, field=error.field) from error


def _parse_checked(raw, index, user, now, *, scored_by_server: bool) -> Statement:
    if not isinstance(raw, dict):
        _fail(_("A statement must be a JSON object."), index)
    validation.check_document(raw)
    statement_id = raw.get("id")
    try:
        statement_id = uuid.UUID(statement_id if isinstance(statement_id, str) else "")
    except ValueError:
        raise validation.Malformed(
            "id", _("Each statement needs an id that is a UUID made by the client.")
        ) from None
    if "actor" in raw and not _actor_matches(raw["actor"], user):
        raise StatementForbidden(
            _("A statement may only record the learning of the person who sends it."), index=index
        )
    verb = validation.object_or_empty(raw.get("verb"), "verb")
    verb_id = validation.identifier(verb.get("id"), "verb.id", max_length=200)
    obj = validation.object_or_empty(raw.get("object"), "object")
    activity = validation.identifier(obj.get("id"), "object.id", max_length=300)
    parsed = parse_activity_id(activity)
    kinds = registered_kinds()
    if parsed is None or parsed[0] not in kinds:
        raise validation.Malformed(
            "object.id",
            _("The activity %(activity)s is not one this site knows.") % {"activity": activity},
        )
    if kinds[parsed[0]].server_scored and not scored_by_server:
        raise StatementForbidden(
            _(
                "%(activity)s is scored by this site from your answers: send them with its "
                "form instead."
            )
            % {"activity": activity},
            index=index,
            code="server_scored",
        )
    result = validation.object_or_empty(raw.get("result"), "result")
    score = validation.score(result)
    context = validation.object_or_empty(raw.get("context"), "context")
    registration = validation.uuid_or_none(context.get("registration"), "context.registration")
    parents = validation.context_activities(context).get("parent") or []
    parent = parents[0]["id"] if parents else ""
    timestamp = validation.timestamp(raw.get("timestamp"), now=now, skew=MAX_CLOCK_SKEW)
    canonical = {
        "id": str(statement_id),
        "actor": user.pk,
        "verb": verb_id,
        "object": activity,
        "result": result,
        "context": context,
        "timestamp": raw.get("timestamp"),
    }
    content_hash = hashlib.sha256(
        json.dumps(canonical, sort_keys=True, separators=(",", ":"), default=str).encode()
    ).hexdigest()
    data = {k: v for k, v in raw.items() if k not in {"actor", "stored", "authority"}}
    has_score = any(value is not None for value in score.values())
    return Statement(
        id=statement_id,
        actor=user,
        verb=verb_id,
        activity=activity,
        activity_kind=parsed[0],
        parent_activity=parent,
        score_scaled=score["scaled"],
        score_raw=score["raw"],
        score_max=score["max"],
        self_reported=has_score and not scored_by_server,
        success=validation.boolean_or_none(result.get("success"), "result.success"),
        completion=validation.boolean_or_none(result.get("completion"), "result.completion"),
        registration=registration,
        timestamp=timestamp,
        content_hash=content_hash,
        data=data,
    )


def _authorise(user, statements: list[tuple[int, Statement]]) -> None:
    """Refuse the whole batch unless the person may record about every statement's object,
    and about its parent activity when the parent's owner refused that with a reason (see
    ``lms.records.activities``). One authoriser call per kind, whatever the batch's size."""
    kinds = registered_kinds()
    keys_by_kind: dict[str, set[str]] = {}
    for _index, statement in statements:
        for activity in (statement.activity, statement.parent_activity):
            parsed = parse_activity_id(activity)
            if parsed and parsed[0] in kinds:
                keys_by_kind.setdefault(parsed[0], set()).add(parsed[1])
    answers = {kind: kinds[kind].decide(user, keys) for kind, keys in keys_by_kind.items()}
    refused: list[tuple[int, str, Refusal | None]] = []
    for index, statement in statements:
        kind, key = parse_activity_id(statement.activity)
        answer = answers[kind]
        if key in answer.refused or key not in answer.allowed:
            refused.append((index, f"{kind}:{key}", answer.refused.get(key)))
            continue
        parent = parse_activity_id(statement.parent_activity)
        if parent and parent[0] in answers and parent[1] in answers[parent[0]].refused:
            refused.append((index, ":".join(parent), answers[parent[0]].refused[parent[1]]))
    if not refused:
        return
    # The first refused statement speaks for the batch, listing the activities refused for
    # the same reason; nothing in the batch is stored.
    index, _activity, refusal = refused[0]
    activities = ", ".join(sorted({activity for _i, activity, r in refused if r == refusal}))
    if refusal is None:
        raise StatementForbidden(
            _("You are not enrolled in the course this activity belongs to: %(activities)s.")
            % {"activities": activities},
            index=index,
        )
    raise StatementForbidden(
        _("%(reason)s (%(activities)s)") % {"reason": refusal.reason, "activities": activities},
        index=index,
        code=refusal.code,
    )


def _store(actor, parsed: list[Statement]) -> list[Statement]:
    """Store what is new and let the rooms react, in one transaction: if a receiver (a
    course's completion) dies half-way, the statements are not stored either, so the retry
    stores them and runs it again (a completion can never be lost between the two).

    Most batches are new: they are authorised and inserted at once, and the stored ids are
    looked up only when the insert collides with one (a batch sent again, or a concurrent
    request storing the same ids) or when authorisation refuses (a batch stored while it
    was allowed stays a no-op when sent again later). Either way the outcome is the one
    of looking first; the insert is never retried more than once."""
    try:
        _authorise(actor, list(enumerate(parsed)))
    except StatementForbidden:
        return _store_known(actor, parsed, attempts=2, authorised=False)
    try:
        _insert(actor, parsed)
    except IntegrityError:
        for statement in parsed:  # bulk_create marked them as saved
            statement._state.adding = True
        return _store_known(actor, parsed, attempts=1, authorised=True)
    return parsed


def _insert(actor, new: list[Statement]) -> None:
    with transaction.atomic():
        statements_insert(new)
        statements_recorded.send(sender=Statement, actor=actor, statements=new)


def _store_known(actor, parsed, *, attempts: int, authorised: bool) -> list[Statement]:
    """Store the statements not stored yet, after looking which are; a different statement
    under a stored id is a conflict."""
    for attempt in range(attempts):
        ids = [s.id for s in parsed]
        existing = dict(Statement.objects.filter(id__in=ids).values_list("id", "content_hash"))
        for index, statement in enumerate(parsed):
            if statement.id in existing and existing[statement.id] != statement.content_hash:
                raise StatementConflict(
                    _("A different statement with the id %(id)s is already stored.")
                    % {"id": statement.id},
                    index=index,
                )
        new = [s for s in parsed if s.id not in existing]
        if not new:
            return []
        if not authorised:
            _authorise(
                actor, [(index, s) for index, s in enumerate(parsed) if s.id not in existing]
            )
            authorised = True
        try:
            _insert(actor, new)
        except IntegrityError as error:
            if attempt == attempts - 1:
                raise StatementInvalid(
                    _("These statements could not be stored. Send them again later.")
                ) from error
            for statement in new:  # bulk_create marked them as saved
                statement._state.adding = True
            continue
        return new
    return []  # pragma: no cover - the loop returns or raises


def statements_record(
    *,
    actor,
    statements: list[dict] | dict,
    now: datetime | None = None,
    scored_by_server: bool = False,
    credential=None,
) -> RecordOutcome:
    """Validate, authorise and store a batch of statements for ``actor``.

    ``scored_by_server`` is for the rooms' own services that computed the score themselves
    (a pre/post test marked from its answers): only they may record about activity kinds
    registered as server-scored. Any other score is stored as self-reported.

    ``credential``: the launch credential of the content that sent the batch (cmi5), for
    the rules the rooms registered (``lms.records.statement_rules``)."""
    now = now or timezone.now()
    batch = [statements] if isinstance(statements, dict) else statements
    if not isinstance(batch, list) or not batch:
        raise StatementInvalid(_("Send one statement or a list of statements."))
    if len(batch) > MAX_BATCH:
        raise StatementInvalid(_("Send at most %(max)s statements at a time.") % {"max": MAX_BATCH})
    statement_rules_apply(actor=actor, statements=batch, credential=credential)
    parsed = [
        _parse(raw, index, actor, now, scored_by_server=scored_by_server)
        for index, raw in enumerate(batch)
    ]
    ids = [s.id for s in parsed]
    if len(set(ids)) != len(ids):
        raise StatementInvalid(_("The same statement id appears twice in this batch."))
    new = _store(actor, parsed)
    return RecordOutcome(ids=[str(i) for i in ids], created=new)
