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
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from lms.records.activities import Refusal, parse_activity_id, registered_kinds
from lms.records.models import Statement
from lms.records.signals import statements_recorded

MAX_BATCH = 100
MAX_CLOCK_SKEW = timedelta(minutes=10)


class StatementError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: str, *, index: int | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.index = index
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


def _iri(value, *, field, index, max_length):
    if not isinstance(value, str) or not value or len(value) > max_length:
        _fail(
            _("%(field)s must be an identifier of at most %(max)s characters.")
            % {"field": field, "max": max_length},
            index,
        )
    return value


def _number(value, *, field, index, low=None, high=None):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        _fail(_("%(field)s must be a number.") % {"field": field}, index)
    if (low is not None and value < low) or (high is not None and value > high):
        _fail(_("%(field)s is out of range.") % {"field": field}, index)
    return float(value)


def _boolean(value, *, field, index):
    if value is not None and not isinstance(value, bool):
        _fail(_("%(field)s must be true or false.") % {"field": field}, index)
    return value


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


def _parse(raw, index, user, now) -> Statement:
    if not isinstance(raw, dict):
        _fail(_("A statement must be a JSON object."), index)
    try:
        statement_id = uuid.UUID(str(raw.get("id", "")))
    except ValueError:
        _fail(_("Each statement needs an id that is a UUID made by the client."), index)
    if "actor" in raw and not _actor_matches(raw["actor"], user):
        raise StatementForbidden(
            _("A statement may only record the learning of the person who sends it."), index=index
        )
    verb = raw.get("verb")
    verb_id = _iri(
        verb.get("id") if isinstance(verb, dict) else None,
        field="verb.id",
        index=index,
        max_length=200,
    )
    obj = raw.get("object")
    activity = _iri(
        obj.get("id") if isinstance(obj, dict) else None,
        field="object.id",
        index=index,
        max_length=300,
    )
    parsed = parse_activity_id(activity)
    if parsed is None or parsed[0] not in registered_kinds():
        _fail(
            _("The activity %(activity)s is not one this site knows.") % {"activity": activity},
            index,
        )
    result = raw.get("result") or {}
    if not isinstance(result, dict):
        _fail(_("result must be a JSON object."), index)
    score = result.get("score") or {}
    if not isinstance(score, dict):
        _fail(_("result.score must be a JSON object."), index)
    context = raw.get("context") or {}
    if not isinstance(context, dict):
        _fail(_("context must be a JSON object."), index)
    registration = context.get("registration")
    if registration is not None:
        try:
            registration = uuid.UUID(str(registration))
        except ValueError:
            _fail(_("context.registration must be a UUID."), index)
    parent = ""
    parents = (context.get("contextActivities") or {}).get("parent") or []
    if isinstance(parents, dict):
        parents = [parents]
    if parents and isinstance(parents, list) and isinstance(parents[0], dict):
        parent = _iri(parents[0].get("id"), field="context parent id", index=index, max_length=300)
    timestamp = now
    if raw.get("timestamp") is not None:
        timestamp = (
            parse_datetime(str(raw["timestamp"])) if isinstance(raw["timestamp"], str) else None
        )
        if timestamp is None:
            _fail(_("timestamp must be an ISO 8601 date and time."), index)
        if timezone.is_naive(timestamp):
            timestamp = timezone.make_aware(timestamp, timezone.utc)
        if timestamp > now + MAX_CLOCK_SKEW:
            _fail(_("timestamp is in the future."), index)
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
    return Statement(
        id=statement_id,
        actor=user,
        verb=verb_id,
        activity=activity,
        activity_kind=parsed[0],
        parent_activity=parent,
        score_scaled=_number(
            score.get("scaled"), field="result.score.scaled", index=index, low=-1, high=1
        ),
        score_raw=_number(score.get("raw"), field="result.score.raw", index=index),
        score_max=_number(score.get("max"), field="result.score.max", index=index),
        success=_boolean(result.get("success"), field="result.success", index=index),
        completion=_boolean(result.get("completion"), field="result.completion", index=index),
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


def statements_record(
    *, actor, statements: list[dict] | dict, now: datetime | None = None
) -> RecordOutcome:
    """Validate, authorise and store a batch of statements for ``actor``."""
    now = now or timezone.now()
    batch = [statements] if isinstance(statements, dict) else statements
    if not isinstance(batch, list) or not batch:
        raise StatementInvalid(_("Send one statement or a list of statements."))
    if len(batch) > MAX_BATCH:
        raise StatementInvalid(_("Send at most %(max)s statements at a time.") % {"max": MAX_BATCH})
    parsed = [_parse(raw, index, actor, now) for index, raw in enumerate(batch)]
    ids = [s.id for s in parsed]
    if len(set(ids)) != len(ids):
        raise StatementInvalid(_("The same statement id appears twice in this batch."))

    existing = dict(Statement.objects.filter(id__in=ids).values_list("id", "content_hash"))
    for index, statement in enumerate(parsed):
        if statement.id in existing and existing[statement.id] != statement.content_hash:
            raise StatementConflict(
                _("A different statement with the id %(id)s is already stored.")
                % {"id": statement.id},
                index=index,
            )
    new = [s for s in parsed if s.id not in existing]
    if new:
        _authorise(actor, [(index, s) for index, s in enumerate(parsed) if s.id not in existing])
        try:
            with transaction.atomic():
                Statement.objects.bulk_create(new)
        except IntegrityError:
            # Another request stored some of these ids a moment ago: settle it by content.
            return statements_record(actor=actor, statements=batch, now=now)
        statements_recorded.send(sender=Statement, actor=actor, statements=new)
    return RecordOutcome(ids=[str(i) for i in ids], created=new)
