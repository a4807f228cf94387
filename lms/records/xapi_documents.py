"""The LRS's document resources: State, Activity Profile and Agent Profile (xAPI 1.0.3,
7.4-7.6, and xAPI 2.0 / IEEE 9274.1.1, 4.1.6.2-4.1.6.5).

A document is opaque bytes with a content type, addressed by its resource's parameters.
Every write changes its ETag (the SHA-1 of the bytes, as the specification suggests) and
its stored time. Writes honour ``If-Match`` and ``If-None-Match`` (412 when they fail); a
PUT over an existing profile without either is refused with 409, and so is a PUT over an
existing State document when the request speaks xAPI 2.0 (whose concurrency rules cover
every document resource). POST merges a JSON object into a stored JSON object, key by key
at the top level; anything else is a 400.

Writes lock the row they change (``select_for_update`` on PostgreSQL; SQLite's IMMEDIATE
transactions serialise writers), so two merges at once both land, and a concurrent first
write of the same address ends as an update rather than a duplicate.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms import json_input
from lms.records.xapi_document_models import XapiDocument
from lms.records.xapi_identities import AgentRef

Kind = XapiDocument.Kind
MAX_DOCUMENT_BYTES = 1024 * 1024
JSON_TYPE = "application/json"
# cmi5 (section 10): the launch data is the LMS's; content may read it, never change it.
LMS_ONLY_STATE_IDS = frozenset({"LMS.LaunchData"})


class DocumentError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class DocumentInvalid(DocumentError):
    pass


class PreconditionFailed(DocumentError):
    status = 412
    code = "precondition_failed"


class PreconditionRequired(DocumentError):
    status = 409
    code = "precondition_required"


@dataclass(frozen=True)
class DocumentScope:
    """The documents one request names: a resource, an activity and/or an agent, a
    registration (State only)."""

    kind: str
    activity_id: str = ""
    agent: AgentRef | None = None
    registration: str = ""

    @property
    def agent_key(self) -> str:
        return self.agent.key if self.agent else ""

    def filter(self):
        return XapiDocument.objects.filter(
            kind=self.kind,
            activity_id=self.activity_id,
            agent_key=self.agent_key,
            registration=self.registration,
        )


@dataclass(frozen=True)
class Preconditions:
    """``If-Match`` / ``If-None-Match`` as sent: ``None`` when absent, else the list of
    ETags (unquoted) or ``["*"]``."""

    if_match: list[str] | None = None
    if_none_match: list[str] | None = None

    @property
    def given(self) -> bool:
        return self.if_match is not None or self.if_none_match is not None


def parse_etags(header: str | None) -> list[str] | None:
    if header is None:
        return None
    tags = []
    for part in header.split(","):
        part = part.strip()
        if part.startswith("W/"):
            part = part[2:]
        if part:
            tags.append(part.strip('"'))
    return tags


def etag_of(content: bytes) -> str:
    return hashlib.sha1(content, usedforsecurity=False).hexdigest()


def _address_hash(scope: DocumentScope, document_id: str) -> str:
    parts = [scope.kind, scope.activity_id, scope.agent_key, scope.registration, document_id]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def _check(preconditions: Preconditions, existing: XapiDocument | None) -> None:
    if preconditions.if_match is not None:
        if existing is None:
            raise PreconditionFailed(_("There is no such document to match."))
        if "*" not in preconditions.if_match and existing.etag not in preconditions.if_match:
            raise PreconditionFailed(_("The document has changed since you read it."))
    none_match = preconditions.if_none_match
    if none_match is not None and existing is not None:  # noqa: SIM102
        if "*" in none_match or existing.etag in none_match:
            raise PreconditionFailed(_("The document already exists."))


def document_get(*, scope: DocumentScope, document_id: str) -> XapiDocument | None:
    return scope.filter().filter(key_hash=_address_hash(scope, document_id)).first()


def document_ids(*, scope: DocumentScope, since: datetime | None = None) -> list[str]:
    """The ids of the documents in ``scope``, stored after ``since`` (exclusive) if given."""
    documents = scope.filter()
    if since is not None:
        documents = documents.filter(updated__gt=since)
    return list(documents.order_by("updated", "pk").values_list("document_id", flat=True))


def _load_json_object(content: bytes) -> dict | None:
    try:
        value = json_input.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json_input.InvalidJSON):
        return None
    return value if isinstance(value, dict) else None


def _write(
    *,
    scope: DocumentScope,
    document_id: str,
    content: bytes,
    content_type: str,
    owner,
    preconditions: Preconditions,
    merge: bool,
    require_precondition: bool,
    by_lms: bool,
) -> XapiDocument:
    if not document_id or len(document_id) > 1000:
        raise DocumentInvalid(_("The document id is missing or too long."))
    if len(content) > MAX_DOCUMENT_BYTES:
        raise DocumentInvalid(_("The document is larger than 1 MB."))
    if scope.kind == Kind.STATE and document_id in LMS_ONLY_STATE_IDS and not by_lms:
        raise DocumentInvalid(_("This State document is written by the LMS only."))
    content_type = (content_type or "application/octet-stream").split(";")[0].strip()[:255]
    incoming = None
    if merge:
        incoming = _load_json_object(content)
        if incoming is None or content_type != JSON_TYPE:
            raise DocumentInvalid(_("POST merges JSON objects only: send application/json."))
    key_hash = _address_hash(scope, document_id)
    for attempt in range(2):
        try:
            with transaction.atomic():
                existing = (
                    XapiDocument.objects.select_for_update().filter(key_hash=key_hash).first()
                )
                _check(preconditions, existing)
                if (
                    existing is not None
                    and not merge
                    and require_precondition
                    and not preconditions.given
                ):
                    raise PreconditionRequired(
                        _(
                            "This document exists: send If-Match with its ETag (or "
                            "If-None-Match) to change it."
                        )
                    )
                body = content
                if merge and existing is not None:
                    stored = _load_json_object(bytes(existing.content))
                    if stored is None or existing.content_type != JSON_TYPE:
                        raise DocumentInvalid(
                            _("The stored document is not a JSON object: it cannot be merged.")
                        )
                    stored.update(incoming)
                    body = json.dumps(stored, separators=(",", ":")).encode()
                    content_type = JSON_TYPE
                now = timezone.now()
                if existing is None:
                    return XapiDocument.objects.create(
                        kind=scope.kind,
                        activity_id=scope.activity_id,
                        agent_key=scope.agent_key,
                        registration=scope.registration,
                        document_id=document_id,
                        key_hash=key_hash,
                        owner=owner,
                        content=body,
                        content_type=content_type,
                        etag=etag_of(body),
                        updated=now,
                    )
                existing.content = body
                existing.content_type = content_type
                existing.etag = etag_of(body)
                existing.updated = now
                existing.save(update_fields=["content", "content_type", "etag", "updated"])
                return existing
        except IntegrityError:
            # Another request created the address between our read and our insert: the
            # second round finds it and updates (or merges into) it.
            if attempt:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def document_put(
    *,
    scope: DocumentScope,
    document_id: str,
    content: bytes,
    content_type: str,
    owner=None,
    preconditions: Preconditions = Preconditions(),
    require_precondition: bool = False,
    by_lms: bool = False,
) -> XapiDocument:
    """Store ``content`` as the document, replacing what was there."""
    return _write(
        scope=scope,
        document_id=document_id,
        content=content,
        content_type=content_type,
        owner=owner,
        preconditions=preconditions,
        merge=False,
        require_precondition=require_precondition,
        by_lms=by_lms,
    )


def document_post(
    *,
    scope: DocumentScope,
    document_id: str,
    content: bytes,
    content_type: str,
    owner=None,
    preconditions: Preconditions = Preconditions(),
    by_lms: bool = False,
) -> XapiDocument:
    """Merge a JSON object into the stored one (or store it when there is none)."""
    return _write(
        scope=scope,
        document_id=document_id,
        content=content,
        content_type=content_type,
        owner=owner,
        preconditions=preconditions,
        merge=True,
        require_precondition=False,
        by_lms=by_lms,
    )


def document_delete(
    *,
    scope: DocumentScope,
    document_id: str,
    preconditions: Preconditions = Preconditions(),
    by_lms: bool = False,
) -> None:
    """Delete one document; deleting one that does not exist is not an error (204)."""
    if scope.kind == Kind.STATE and document_id in LMS_ONLY_STATE_IDS and not by_lms:
        raise DocumentInvalid(_("This State document is written by the LMS only."))
    with transaction.atomic():
        existing = (
            XapiDocument.objects.select_for_update()
            .filter(key_hash=_address_hash(scope, document_id))
            .first()
        )
        if preconditions.given:
            _check(preconditions, existing)
        if existing is not None:
            existing.delete()


def documents_delete(*, scope: DocumentScope, by_lms: bool = False) -> int:
    """Delete every State document of an activity and agent (and registration, if given)."""
    documents = scope.filter()
    if not by_lms:
        documents = documents.exclude(document_id__in=LMS_ONLY_STATE_IDS)
    deleted, _counts = documents.delete()
    return deleted
