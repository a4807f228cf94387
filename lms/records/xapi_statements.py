"""Statements as the xAPI Statement resource receives them: checked against the data model
(xAPI 1.0.3 Part Two §2, and IEEE 9274.1.1 for 2.0), tied to a person of the site, and stored
through the same store as the site's own bridges (``lms.records.services``).

What this adds to the site's own statements:
- any activity IRI is accepted; one that is not the site's own (``urn:betterwork:...``) is
  stored and queryable but counts toward nothing, unless staff mapped it to a course item
  (:class:`~lms.records.models.ActivityMapping`): then it is recorded as that item, and the
  item's room decides whether the person may record about it, as for its own statements;
- the actor must be a person of this site (an account on this site, by id or username, or
  the ``mailto:`` of their email), and one the caller may act for (``lms.records.xapi_auth``);
- voiding (Part Two §2.3.2): a voiding statement's target, when stored, must belong to a
  person the caller acts for, and may not itself be a voiding statement;
- ``stored``, ``authority`` and ``version`` are set by the store, whatever the client sent.
"""

import hashlib
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from lms.records import validation
from lms.records.activities import parse_activity_id, registered_kinds
from lms.records.models import ActivityMapping, Statement, StatementRelation
from lms.records.services import (
    MAX_BATCH,
    MAX_CLOCK_SKEW,
    StatementConflict,
    StatementForbidden,
    StatementInvalid,
    _authorise,
)
from lms.records.signals import statements_recorded
from lms.records.statement_rules import statement_rules_apply

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_SHA1 = re.compile(r"^[0-9a-f]{40}$")
_DURATION = re.compile(
    r"^P(?!$)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?W)?(\d+(\.\d+)?D)?"
    r"(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$"
)
_RFC3339_ZONE = re.compile(r"(Z|[+-]\d{2}:\d{2})$")
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")

STATEMENT_KEYS = {
    "id",
    "actor",
    "verb",
    "object",
    "result",
    "context",
    "timestamp",
    "stored",
    "authority",
    "version",
    "attachments",
}
SUBSTATEMENT_KEYS = {
    "objectType",
    "actor",
    "verb",
    "object",
    "result",
    "context",
    "timestamp",
    "attachments",
}
AGENT_KEYS = {"objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"}
IFIS = ("mbox", "mbox_sha1sum", "openid", "account")
ACTIVITY_DEFINITION_KEYS = {
    "name",
    "description",
    "type",
    "moreInfo",
    "extensions",
    "interactionType",
    "correctResponsesPattern",
    "choices",
    "scale",
    "source",
    "target",
    "steps",
}
RESULT_KEYS = {"score", "success", "completion", "response", "duration", "extensions"}
CONTEXT_KEYS = {
    "registration",
    "instructor",
    "team",
    "contextActivities",
    "revision",
    "platform",
    "language",
    "statement",
    "extensions",
}
CONTEXT_KEYS_2 = CONTEXT_KEYS | {"contextAgents", "contextGroups"}
ATTACHMENT_KEYS = {
    "usageType",
    "display",
    "description",
    "contentType",
    "length",
    "sha2",
    "fileUrl",
}


def _bad(field_name: str, message: str):
    raise validation.Malformed(field_name, message)


def _object(value, field_name: str) -> dict:
    if not isinstance(value, dict):
        _bad(field_name, _("%(field)s must be a JSON object.") % {"field": field_name})
    return value


def _keys(value: dict, allowed: set[str], field_name: str) -> None:
    extra = sorted(set(value) - allowed)
    if extra:
        _bad(
            f"{field_name}.{extra[0]}" if field_name else extra[0],
            _("%(field)s is not a property xAPI defines here.")
            % {"field": f"{field_name}.{extra[0]}" if field_name else extra[0]},
        )


def _iri(value, field_name: str) -> str:
    if not isinstance(value, str) or not _IRI.match(value):
        _bad(field_name, _("%(field)s must be an absolute IRI.") % {"field": field_name})
    return value


def _uuid(value, field_name: str) -> str:
    if not isinstance(value, str) or not _UUID.match(value):
        _bad(field_name, _("%(field)s must be a UUID.") % {"field": field_name})
    return value.lower()


def _language_map(value, field_name: str) -> None:
    value = _object(value, field_name)
    for tag, text in value.items():
        if not _LANGUAGE_TAG.match(tag) or not isinstance(text, str):
            _bad(
                field_name,
                _("%(field)s must map language tags to text.") % {"field": field_name},
            )


def _extensions(value, field_name: str) -> None:
    for key in _object(value, field_name):
        _iri(key, f"{field_name}.{key}")


def agent_check(value, field_name: str, *, group_allowed: bool = True) -> dict:
    """An Agent or a Group (Part Two §2.4.2): an agent has exactly one identifier; a group
    has one or none (then it lists its members), and its members are agents."""
    value = _object(value, field_name)
    kind = value.get("objectType", "Agent")
    if kind not in ("Agent", "Group") or (kind == "Group" and not group_allowed):
        _bad(f"{field_name}.objectType", _("%(field)s must be an Agent.") % {"field": field_name})
    allowed = AGENT_KEYS | ({"member"} if kind == "Group" else set())
    _keys(value, allowed, field_name)
    ifis = [name for name in IFIS if name in value]
    if len(ifis) > 1 or (kind == "Agent" and not ifis):
        _bad(
            field_name,
            _("%(field)s must have exactly one of mbox, mbox_sha1sum, openid and account.")
            % {"field": field_name},
        )
    if "name" in value and not isinstance(value["name"], str):
        _bad(f"{field_name}.name", _("%(field)s must be text.") % {"field": f"{field_name}.name"})
    if "mbox" in value and (
        not isinstance(value["mbox"], str) or not value["mbox"].startswith("mailto:")
    ):
        _bad(f"{field_name}.mbox", _("%(field)s must be a mailto: IRI.") % {"field": field_name})
    if "mbox_sha1sum" in value and not (
        isinstance(value["mbox_sha1sum"], str) and _SHA1.match(value["mbox_sha1sum"])
    ):
        _bad(
            f"{field_name}.mbox_sha1sum",
            _("%(field)s must be a SHA-1 in hexadecimal.") % {"field": field_name},
        )
    if "openid" in value:
        _iri(value["openid"], f"{field_name}.openid")
    if "account" in value:
        account = _object(value["account"], f"{field_name}.account")
        _keys(account, {"homePage", "name"}, f"{field_name}.account")
        _iri(account.get("homePage"), f"{field_name}.account.homePage")
        if not isinstance(account.get("name"), str) or not account["name"]:
            _bad(
                f"{field_name}.account.name",
                _("%(field)s must be text.") % {"field": f"{field_name}.account.name"},
            )
    if kind == "Group":
        members = value.get("member", [] if ifis else None)
        if not isinstance(members, list) or (not ifis and not members):
            _bad(
                f"{field_name}.member",
                _("An anonymous group must list its members."),
            )
        for index, member in enumerate(members):
            agent_check(member, f"{field_name}.member.{index}", group_allowed=False)
    return value


def agent_key(agent: dict) -> str | None:
    """The identifier of an agent or identified group, as one string, or ``None``."""
    for name in IFIS:
        if name in agent:
            if name == "account":
                return f"account:{agent['account']['homePage']}|{agent['account']['name']}"
            return f"{name}:{agent[name]}"
    return None


def _verb(value, field_name: str) -> dict:
    value = _object(value, field_name)
    _keys(value, {"id", "display"}, field_name)
    _iri(value.get("id"), f"{field_name}.id")
    if "display" in value:
        _language_map(value["display"], f"{field_name}.display")
    return value


def _activity(value, field_name: str) -> None:
    _keys(value, {"objectType", "id", "definition"}, field_name)
    _iri(value.get("id"), f"{field_name}.id")
    if "definition" in value:
        definition = _object(value["definition"], f"{field_name}.definition")
        _keys(definition, ACTIVITY_DEFINITION_KEYS, f"{field_name}.definition")
        for name in ("name", "description"):
            if name in definition:
                _language_map(definition[name], f"{field_name}.definition.{name}")
        for name in ("type", "moreInfo"):
            if name in definition:
                _iri(definition[name], f"{field_name}.definition.{name}")
        if "extensions" in definition:
            _extensions(definition["extensions"], f"{field_name}.definition.extensions")


def _statement_object(value, field_name: str, *, sub: bool, version) -> dict:
    value = _object(value, field_name)
    kind = value.get("objectType", "Activity")
    if kind == "Activity":
        _activity(value, field_name)
    elif kind in ("Agent", "Group"):
        agent_check(value, field_name)
    elif kind == "StatementRef":
        _keys(value, {"objectType", "id"}, field_name)
        _uuid(value.get("id"), f"{field_name}.id")
    elif kind == "SubStatement" and not sub:
        _keys(value, SUBSTATEMENT_KEYS, field_name)
        _shape(value, field_name, sub=True, version=version)
    else:
        _bad(
            f"{field_name}.objectType",
            _("%(field)s is not an object type xAPI allows here.")
            % {"field": f"{field_name}.objectType"},
        )
    return value


def _result(value, field_name: str) -> None:
    value = _object(value, field_name)
    _keys(value, RESULT_KEYS, field_name)
    validation.score(value)
    for name in ("success", "completion"):
        validation.boolean_or_none(value.get(name), f"{field_name}.{name}")
    if "response" in value and not isinstance(value["response"], str):
        _bad(f"{field_name}.response", _("%(field)s must be text.") % {"field": "response"})
    if "duration" in value and not (
        isinstance(value["duration"], str) and _DURATION.match(value["duration"])
    ):
        _bad(
            f"{field_name}.duration",
            _("%(field)s must be an ISO 8601 duration.") % {"field": f"{field_name}.duration"},
        )
    if "extensions" in value:
        _extensions(value["extensions"], f"{field_name}.extensions")


def _context(value, field_name: str, *, object_kind: str, version) -> None:
    value = _object(value, field_name)
    _keys(value, CONTEXT_KEYS_2 if version.is_2 else CONTEXT_KEYS, field_name)
    if "registration" in value:
        _uuid(value["registration"], f"{field_name}.registration")
    if "instructor" in value:
        agent_check(value["instructor"], f"{field_name}.instructor")
    if "team" in value:
        team = agent_check(value["team"], f"{field_name}.team")
        if team.get("objectType") != "Group":
            _bad(f"{field_name}.team", _("context.team must be a Group."))
    validation.context_activities(value)
    for name in ("revision", "platform"):
        if name in value:
            if not isinstance(value[name], str):
                _bad(f"{field_name}.{name}", _("%(field)s must be text.") % {"field": name})
            if object_kind != "Activity":
                _bad(
                    f"{field_name}.{name}",
                    _("context.%(name)s is only allowed when the object is an activity.")
                    % {"name": name},
                )
    if "language" in value and not (
        isinstance(value["language"], str) and _LANGUAGE_TAG.match(value["language"])
    ):
        _bad(f"{field_name}.language", _("context.language must be a language tag."))
    if "statement" in value:
        ref = _object(value["statement"], f"{field_name}.statement")
        if ref.get("objectType") != "StatementRef":
            _bad(f"{field_name}.statement", _("context.statement must be a StatementRef."))
        _uuid(ref.get("id"), f"{field_name}.statement.id")
    if "extensions" in value:
        _extensions(value["extensions"], f"{field_name}.extensions")
    # IEEE 9274.1.1 §9.2.6.2: context agents and groups, each with their relevant types.
    for name, kind in (("contextAgents", "contextAgent"), ("contextGroups", "contextGroup")):
        if name not in value:
            continue
        items = value[name]
        if not isinstance(items, list) or not items:
            _bad(f"{field_name}.{name}", _("%(field)s must be a list.") % {"field": name})
        for index, item in enumerate(items):
            item_field = f"{field_name}.{name}.{index}"
            item = _object(item, item_field)
            member = "agent" if kind == "contextAgent" else "group"
            _keys(item, {"objectType", member, "relevantTypes"}, item_field)
            if item.get("objectType") != kind:
                _bad(
                    item_field,
                    _("%(field)s must have objectType %(kind)s.")
                    % {
                        "field": item_field,
                        "kind": kind,
                    },
                )
            agent_check(item.get(member), f"{item_field}.{member}", group_allowed=True)
            if kind == "contextGroup" and item[member].get("objectType") != "Group":
                _bad(
                    f"{item_field}.group",
                    _("%(field)s must be a Group.") % {"field": f"{item_field}.group"},
                )
            types = item.get("relevantTypes", [])
            if "relevantTypes" in item and (not isinstance(types, list) or not types):
                _bad(f"{item_field}.relevantTypes", _("relevantTypes must be a list of IRIs."))
            for position, type_iri in enumerate(types):
                _iri(type_iri, f"{item_field}.relevantTypes.{position}")


def timestamp_check(value, field_name: str, *, version) -> None:
    """1.0.3 Part Two §2.4.7: ISO 8601, never the offset -00:00. 2.0 (IEEE 9274.1.1 §9.2.7):
    an RFC 3339 date and time with its time zone."""
    if not isinstance(value, str) or parse_datetime(value) is None:
        _bad(field_name, _("%(field)s must be an ISO 8601 date and time.") % {"field": field_name})
    if value.endswith(("-00:00", "-0000", "-00")):
        _bad(field_name, _("%(field)s may not use the offset -00:00.") % {"field": field_name})
    if version.is_2 and not _RFC3339_ZONE.search(value):
        _bad(
            field_name,
            _("%(field)s must name its time zone (RFC 3339) in xAPI 2.0.") % {"field": field_name},
        )


def attachments_check(value, field_name: str) -> list[dict]:
    if not isinstance(value, list):
        _bad(field_name, _("attachments must be a list."))
    for index, item in enumerate(value):
        item_field = f"{field_name}.{index}"
        item = _object(item, item_field)
        _keys(item, ATTACHMENT_KEYS, item_field)
        _iri(item.get("usageType"), f"{item_field}.usageType")
        _language_map(item.get("display"), f"{item_field}.display")
        if "description" in item:
            _language_map(item["description"], f"{item_field}.description")
        if not isinstance(item.get("contentType"), str) or not item["contentType"]:
            _bad(f"{item_field}.contentType", _("contentType must be an Internet media type."))
        length = item.get("length")
        if isinstance(length, bool) or not isinstance(length, int) or length < 0:
            _bad(f"{item_field}.length", _("length must be a whole number of bytes."))
        if not isinstance(item.get("sha2"), str) or not re.match(
            r"^[0-9a-f]{64,128}$", item["sha2"]
        ):
            _bad(f"{item_field}.sha2", _("sha2 must be a SHA-2 hash in hexadecimal."))
        if "fileUrl" in item:
            _iri(item["fileUrl"], f"{item_field}.fileUrl")
    return value


def _shape(raw: dict, field_name: str, *, sub: bool, version) -> None:
    prefix = f"{field_name}." if field_name else ""
    if "actor" not in raw or "verb" not in raw or "object" not in raw:
        _bad(field_name or "statement", _("A statement needs an actor, a verb and an object."))
    agent_check(raw["actor"], f"{prefix}actor")
    verb = _verb(raw["verb"], f"{prefix}verb")
    obj = _statement_object(raw["object"], f"{prefix}object", sub=sub, version=version)
    object_kind = obj.get("objectType", "Activity")
    if verb["id"] == VOIDED and object_kind != "StatementRef":
        _bad(f"{prefix}object", _("A voiding statement's object must be a StatementRef."))
    if "result" in raw:
        _result(raw["result"], f"{prefix}result")
    if "context" in raw:
        _context(raw["context"], f"{prefix}context", object_kind=object_kind, version=version)
    if "timestamp" in raw:
        timestamp_check(raw["timestamp"], f"{prefix}timestamp", version=version)
    if "attachments" in raw:
        attachments_check(raw["attachments"], f"{prefix}attachments")


def statement_check(raw, *, version) -> dict:
    """Refuse (``validation.Malformed``) a statement xAPI does not allow."""
    if not isinstance(raw, dict):
        _bad("statement", _("A statement must be a JSON object."))
    validation.check_document(raw)
    _keys(raw, STATEMENT_KEYS, "")
    if "id" in raw:
        _uuid(raw["id"], "id")
    if "version" in raw:
        allowed = ("1.0", "2.0") if version.is_2 else ("1.0",)
        if not isinstance(raw["version"], str) or not re.match(
            r"^({})(\.\d+)?$".format("|".join(re.escape(v) for v in allowed)), raw["version"]
        ):
            _bad("version", _("version must be a version of xAPI this store speaks."))
    _shape(raw, "", sub=False, version=version)
    return raw


# --- storing -------------------------------------------------------------------------------


@dataclass
class Prepared:
    statement: Statement
    relations: list[tuple[str, bool]] = field(default_factory=list)


def site_home() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def _person_lookup(actors: list[dict]) -> Q:
    condition = Q(pk__in=[])
    home = site_home()
    for actor in actors:
        if "account" in actor and actor["account"]["homePage"].rstrip("/") == home:
            name = actor["account"]["name"]
            condition |= Q(username=name)
            if name.isdigit():
                condition |= Q(pk=int(name))
        elif "mbox" in actor:
            condition |= Q(email__iexact=actor["mbox"].removeprefix("mailto:"))
    return condition


def person_matches(actor: dict, user) -> bool:
    if actor.get("objectType", "Agent") != "Agent":
        return False
    if "account" in actor:
        account = actor["account"]
        return account["homePage"].rstrip("/") == site_home() and account["name"] in {
            str(user.pk),
            user.get_username(),
        }
    if "mbox" in actor and user.email:
        return actor["mbox"].lower() == f"mailto:{user.email.lower()}"
    return False


def persons_for(actors: list[dict], principal) -> list:
    """The site's person each actor names; one query, none for a person acting for themself."""
    if principal.client is None:
        return [principal.user if person_matches(a, principal.user) else None for a in actors]
    people = list(get_user_model().objects.filter(_person_lookup(actors)).select_related(None))
    found = []
    for actor in actors:
        found.append(next((p for p in people if person_matches(actor, p)), None))
    return found


def relation_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def activity_key(iri: str) -> str:
    return f"activity:{iri}"


def person_key(user_pk) -> str:
    return f"person:{user_pk}"


def relations_of(raw: dict, *, activity_column: str) -> list[tuple[str, bool]]:
    """What a statement names beyond its columns (``actor``, ``activity``,
    ``parent_activity``), as (key, direct): the object when it is an agent or an activity
    recorded under another id (a mapped one), then everything related (Part Three
    §2.1.3: ``related_agents`` and ``related_activities``)."""
    found: list[tuple[str, bool]] = []

    def agents(value, direct=False):
        if not isinstance(value, dict):
            return
        key = agent_key(value)
        if key:
            found.append((key, direct))
        for member in value.get("member") or []:
            agents(member)

    def context(value):
        if not isinstance(value, dict):
            return
        agents(value.get("instructor"))
        agents(value.get("team"))
        for item in value.get("contextAgents") or []:
            agents(item.get("agent"))
        for item in value.get("contextGroups") or []:
            agents(item.get("group"))
        for items in (value.get("contextActivities") or {}).values():
            for item in [items] if isinstance(items, dict) else items:
                found.append((activity_key(item["id"]), False))

    obj = raw["object"]
    kind = obj.get("objectType", "Activity")
    if kind == "Activity" and obj["id"] != activity_column:
        found.append((activity_key(obj["id"]), True))
    elif kind in ("Agent", "Group"):
        agents(obj, direct=True)
    elif kind == "SubStatement":
        agents(obj["actor"])
        inner = obj["object"]
        inner_kind = inner.get("objectType", "Activity")
        if inner_kind == "Activity":
            found.append((activity_key(inner["id"]), False))
        elif inner_kind in ("Agent", "Group"):
            agents(inner)
        context(obj.get("context"))
    context(raw.get("context"))
    # The actor is always a person of the site: the ``actor`` column answers for them.
    return list(dict.fromkeys(found))


def content_hash(raw: dict) -> str:
    """Statement comparison (1.0.3 Part Two §2.3.1 / Part Three §2.1.1): what the store
    sets (stored, authority, version) does not count."""
    compared = {k: v for k, v in raw.items() if k not in {"stored", "authority", "version"}}
    return hashlib.sha256(
        json.dumps(compared, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()


def _as_our_activity(iri: str, mappings: dict[str, str]) -> str:
    return mappings.get(iri, iri)


def _prepare(raw, index, user, principal, version, now, mappings) -> Prepared:
    obj = raw["object"]
    kind = obj.get("objectType", "Activity")
    iri = obj["id"] if kind == "Activity" else ""
    if iri and not principal.activity_allowed(iri):
        raise StatementForbidden(
            _("This client may not record about %(activity)s.") % {"activity": iri},
            index=index,
            code="out_of_scope",
        )
    activity = _as_our_activity(iri, mappings) if iri else ""
    parsed = parse_activity_id(activity)
    kinds = registered_kinds()
    if parsed is not None and parsed[0] not in kinds:
        raise StatementInvalid(
            _("The activity %(activity)s is not one this site knows.") % {"activity": activity},
            index=index,
            field="object.id",
        )
    if parsed is not None and kinds[parsed[0]].server_scored:
        raise StatementForbidden(
            _(
                "%(activity)s is scored by this site from your answers: send them with its "
                "form instead."
            )
            % {"activity": iri},
            index=index,
            code="server_scored",
        )
    context = raw.get("context") or {}
    parents = validation.context_activities(context).get("parent") or []
    parent = _as_our_activity(parents[0]["id"], mappings) if parents else ""
    if len(activity) > 300 or len(parent) > 300:
        raise StatementInvalid(
            _("Activity ids longer than 300 characters are not stored."), index=index
        )
    result = raw.get("result") or {}
    score = validation.score(result)
    has_score = any(value is not None for value in score.values())
    registration = context.get("registration")
    moment = raw.get("timestamp")
    if moment is not None:
        moment = parse_datetime(moment)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, UTC)
        if moment > now + MAX_CLOCK_SKEW:
            raise StatementInvalid(_("timestamp is in the future."), index=index, field="timestamp")
    statement_ref = uuid.UUID(obj["id"]) if kind == "StatementRef" else None
    data = {k: v for k, v in raw.items() if k not in {"stored", "authority", "version"}}
    digest = content_hash(data)
    data["authority"] = principal.authority()
    data["version"] = raw.get("version") or ("2.0.0" if version.is_2 else "1.0.0")
    statement = Statement(
        id=uuid.UUID(raw["id"]),
        actor=user,
        verb=raw["verb"]["id"],
        activity=activity,
        activity_kind=parsed[0] if parsed else "",
        parent_activity=parent,
        score_scaled=score["scaled"],
        score_raw=score["raw"],
        score_max=score["max"],
        self_reported=has_score,
        success=result.get("success"),
        completion=result.get("completion"),
        registration=uuid.UUID(registration) if registration else None,
        timestamp=moment or now,
        content_hash=digest,
        data=data,
        client=principal.client,
        statement_ref=statement_ref,
    )
    return Prepared(statement, relations_of(raw, activity_column=activity))


def _mappings(raws: list[dict]) -> dict[str, str]:
    iris = set()
    for raw in raws:
        obj = raw["object"]
        if obj.get("objectType", "Activity") == "Activity" and parse_activity_id(obj["id"]) is None:
            iris.add(obj["id"])
        context = raw.get("context") or {}
        for parent in validation.context_activities(context).get("parent") or []:
            if parse_activity_id(parent["id"]) is None:
                iris.add(parent["id"])
    if not iris:
        return {}
    known = activity_mappings()
    return {iri: known[iri] for iri in iris if iri in known}


MAPPINGS_CACHE_KEY = "records:xapi:activity-mappings"


def activity_mappings() -> dict[str, str]:
    """Every external IRI staff mapped to a site activity, from the cache: a write about
    an external activity then takes no query for it (the issue's five a write). Staff
    keep a few hundred at most; saving or deleting one clears the cache
    (``lms.records.apps``)."""
    known = cache.get(MAPPINGS_CACHE_KEY)
    if known is None:
        known = dict(ActivityMapping.objects.values_list("iri", "activity"))
        cache.set(MAPPINGS_CACHE_KEY, known, 3600)
    return known


def activity_mappings_forget(**_kwargs) -> None:
    cache.delete(MAPPINGS_CACHE_KEY)


def _check_voiding(prepared: list[Prepared], principal) -> None:
    """1.0.3 Part Two §2.3.2: a voiding statement that names a stored statement voids it
    only if the caller may act for that statement's person; a voiding statement itself
    cannot be voided."""
    voiding = [p.statement for p in prepared if p.statement.verb == VOIDED]
    targets = {statement.statement_ref for statement in voiding}
    if not targets:
        return
    stored = {
        row.id: row for row in Statement.objects.filter(id__in=targets).select_related("actor")
    }
    for index, item in enumerate(prepared):
        if item.statement.verb != VOIDED:
            continue
        target = stored.get(item.statement.statement_ref)
        if target is None:
            continue
        if target.verb == VOIDED:
            raise StatementInvalid(
                _("A voiding statement cannot be voided."), index=index, field="object.id"
            )
        if not principal.may_act_for(target.actor):
            raise StatementForbidden(_("You may not void another person's statement."), index=index)


def _existing(prepared: list[Prepared]) -> dict:
    ids = [p.statement.id for p in prepared]
    existing = dict(Statement.objects.filter(id__in=ids).values_list("id", "content_hash"))
    for index, item in enumerate(prepared):
        known = existing.get(item.statement.id)
        if known is not None and known != item.statement.content_hash:
            raise StatementConflict(
                _("A different statement with the id %(id)s is already stored.")
                % {"id": item.statement.id},
                index=index,
            )
    return existing


def _authorise_all(prepared: list[tuple[int, Prepared]]) -> None:
    by_person: dict[int, list[tuple[int, Statement]]] = {}
    for index, item in prepared:
        statement = item.statement
        if parse_activity_id(statement.activity) or parse_activity_id(statement.parent_activity):
            by_person.setdefault(statement.actor.pk, []).append((index, statement))
    for statements in by_person.values():
        _authorise(statements[0][1].actor, statements)


def _insert(prepared: list[Prepared]) -> None:
    with transaction.atomic():
        statements = [p.statement for p in prepared]
        Statement.objects.bulk_create(statements)
        relations = [
            StatementRelation(
                statement_id=p.statement.id,
                key_hash=relation_hash(key),
                direct=direct,
                stored=p.statement.stored,
            )
            for p in prepared
            for key, direct in p.relations
        ]
        if relations:
            StatementRelation.objects.bulk_create(relations)
        by_actor: dict[int, list[Statement]] = {}
        for statement in statements:
            by_actor.setdefault(statement.actor.pk, []).append(statement)
        for actor_statements in by_actor.values():
            statements_recorded.send(
                sender=Statement, actor=actor_statements[0].actor, statements=actor_statements
            )


def xapi_statements_store(
    *, principal, statements: list[dict], version, now: datetime | None = None
) -> list[str]:
    """Check, tie to their person, authorise and store ``statements`` (already parsed JSON,
    ids given or not); answer their ids in order. Sending the same statements again is a
    no-op, a different statement under a stored id a conflict (409), a batch with any
    refused statement is refused whole."""
    now = now or timezone.now()
    if not isinstance(statements, list) or not statements:
        raise StatementInvalid(_("Send one statement or a list of statements."))
    if len(statements) > MAX_BATCH:
        raise StatementInvalid(_("Send at most %(max)s statements at a time.") % {"max": MAX_BATCH})
    raws = []
    for index, raw in enumerate(statements):
        try:
            statement_check(raw, version=version)
        except validation.Malformed as error:
            raise StatementInvalid(error.message, index=index, field=error.field) from error
        raw = dict(raw)
        raw["id"] = raw["id"].lower() if "id" in raw else str(uuid.uuid4())
        raws.append(raw)
    ids = [raw["id"] for raw in raws]
    if len(set(ids)) != len(ids):
        raise StatementInvalid(_("The same statement id appears twice in this batch."))
    people = persons_for([raw["actor"] for raw in raws], principal)
    for index, person in enumerate(people):
        if person is None or not principal.may_act_for(person):
            raise StatementForbidden(
                _(
                    "A statement may only record the learning of a person of this site "
                    "whom the sender may record for."
                ),
                index=index,
                code="actor",
            )
    # The rules the rooms registered (cmi5: which verbs a launched unit may send, in order),
    # per person, with the launch credential when a launched unit sends.
    by_person = {}
    for raw, person in zip(raws, people, strict=True):
        by_person.setdefault(person.pk, (person, []))[1].append(raw)
    for person, batch in by_person.values():
        statement_rules_apply(
            actor=person, statements=batch, credential=getattr(principal, "credential", None)
        )
    mappings = _mappings(raws)
    prepared = []
    for index, (raw, person) in enumerate(zip(raws, people, strict=True)):
        try:
            prepared.append(_prepare(raw, index, person, principal, version, now, mappings))
        except validation.Malformed as error:
            raise StatementInvalid(error.message, index=index, field=error.field) from error
    for item in prepared:
        item.statement.stored = now
    _check_voiding(prepared, principal)
    try:
        _authorise_all(list(enumerate(prepared)))
    except StatementForbidden:
        # Stored while it was allowed: sending it again stays a no-op.
        existing = _existing(prepared)
        new = [(i, p) for i, p in enumerate(prepared) if p.statement.id not in existing]
        _authorise_all(new)
        prepared = [p for _i, p in new]
        if not prepared:
            return ids
    try:
        _insert(prepared)
    except IntegrityError:
        for item in prepared:
            item.statement._state.adding = True
        existing = _existing(prepared)
        new = [p for p in prepared if p.statement.id not in existing]
        if new:
            _insert(new)
    return ids


def consistent_through() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
