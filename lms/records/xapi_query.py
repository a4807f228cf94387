"""Reading statements back (xAPI 1.0.3 Part Three §2.1.3 GET Statements, Part Two §2.5
Retrieval of Statements).

One query per page whatever the number of statements stored: filters are columns of
``records_statement`` (actor, verb, registration, activity, stored) or the relation rows
written with each statement (``StatementRelation``, for agents and activities named
elsewhere than the columns), each backed by an index (migration 0005); voided statements
are left out with one anti-join on ``voids``. Paging is by a signed cursor (the last
``stored`` and id of the page, and the ``until`` of the first page), so the pages of one
query neither repeat nor skip a statement while new ones arrive.
"""

import json
import uuid
from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.core import signing
from django.db.models import Exists, OuterRef, Q
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from lms.records import validation
from lms.records.models import Statement, StatementRelation
from lms.records.xapi_statements import (
    VOIDED,
    _person_lookup,
    activity_key,
    agent_check,
    agent_key,
    person_matches,
    relation_hash,
    site_home,
)

MAX_LIMIT = 100
FILTERS = {
    "agent",
    "verb",
    "activity",
    "registration",
    "related_activities",
    "related_agents",
    "since",
    "until",
    "limit",
    "format",
    "attachments",
    "ascending",
}
SINGLE = {"statementId", "voidedStatementId", "format", "attachments"}
FORMATS = {"ids", "exact", "canonical"}
CURSOR_SALT = "lms.records.xapi_query.more"


class QueryError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _boolean(params, name) -> bool:
    # The specification's JSON booleans; some clients (TinCanPython) send "True".
    value = str(params.get(name, "false")).lower()
    if value not in ("true", "false"):
        raise QueryError(_("%(name)s must be true or false.") % {"name": name})
    return value == "true"


def _moment(params, name):
    value = params.get(name)
    if value is None:
        return None
    moment = parse_datetime(value)
    if moment is None:
        raise QueryError(_("%(name)s must be an ISO 8601 date and time.") % {"name": name})
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def _uuid(params, name):
    try:
        return uuid.UUID(params[name])
    except ValueError:
        raise QueryError(_("%(name)s must be a UUID.") % {"name": name}) from None


def _relation(keys: list[str], *, related: bool):
    rows = StatementRelation.objects.filter(key_hash__in=[relation_hash(k) for k in keys])
    if not related:
        rows = rows.filter(direct=True)
    return Q(pk__in=rows.values("statement_id"))


def _agent_condition(value: str, *, related: bool) -> Q:
    try:
        agent = agent_check(json.loads(value), "agent")
    except (ValueError, validation.Malformed):
        raise QueryError(_("agent must be an Agent or identified Group as JSON.")) from None
    key = agent_key(agent)
    if key is None:
        raise QueryError(_("agent must be an Agent or identified Group as JSON."))
    condition = _relation([key], related=related)
    people = [
        person
        for person in get_user_model().objects.filter(_person_lookup([agent]))
        if person_matches(agent, person)
    ]
    if people:
        condition |= Q(actor_id=people[0].pk)
    return condition


def statements_query(*, principal, params) -> dict:
    """The filtered statements this principal may read: one page, as
    ``{"statements": [...], "more": cursor or ""}`` with the model rows (``rows``)."""
    params = dict(params.items())
    query_time = datetime.now(UTC)  # the first page fixes the end of the whole query
    cursor = None
    if "more" in params:
        try:
            cursor = signing.loads(params["more"], salt=CURSOR_SALT, max_age=24 * 3600)
        except signing.BadSignature:
            raise QueryError(_("This more link is not valid or has expired.")) from None
        params = cursor["params"]
    unknown = set(params) - FILTERS
    if unknown:
        raise QueryError(
            _("%(name)s is not a filter of this resource.") % {"name": sorted(unknown)[0]}
        )
    if params.get("format", "exact") not in FORMATS:
        raise QueryError(_("format must be ids, exact or canonical."))
    related_agents = _boolean(params, "related_agents")
    related_activities = _boolean(params, "related_activities")
    _boolean(params, "attachments")
    ascending = _boolean(params, "ascending")
    try:
        limit = int(params.get("limit", MAX_LIMIT))
    except ValueError:
        raise QueryError(_("limit must be a whole number.")) from None
    if limit < 0:
        raise QueryError(_("limit must be a whole number."))
    limit = MAX_LIMIT if limit == 0 else min(limit, MAX_LIMIT)
    since, until = _moment(params, "since"), _moment(params, "until")
    rows = Statement.objects.filter(principal.scope_filter()).exclude(
        Exists(Statement.objects.filter(voids=OuterRef("pk"), verb=VOIDED))
    )
    if "agent" in params:
        rows = rows.filter(_agent_condition(params["agent"], related=related_agents))
    if "verb" in params:
        rows = rows.filter(verb=params["verb"])
    if "activity" in params:
        iri = params["activity"]
        condition = Q(activity=iri) | _relation([activity_key(iri)], related=related_activities)
        if related_activities:
            condition |= Q(parent_activity=iri)
        rows = rows.filter(condition)
    if "registration" in params:
        rows = rows.filter(registration=_uuid(params, "registration"))
    if since:
        rows = rows.filter(stored__gt=since)
    if cursor:
        until = datetime.fromisoformat(cursor["until"])
    if until:
        rows = rows.filter(stored__lte=until)
    if cursor and cursor.get("after"):
        stored, pk = datetime.fromisoformat(cursor["after"][0]), uuid.UUID(cursor["after"][1])
        if ascending:
            rows = rows.filter(Q(stored__gt=stored) | Q(stored=stored, id__gt=pk))
        else:
            rows = rows.filter(Q(stored__lt=stored) | Q(stored=stored, id__lt=pk))
    order = ["stored", "id"] if ascending else ["-stored", "-id"]
    page = list(rows.select_related("actor").order_by(*order)[: limit + 1])
    more = ""
    if len(page) > limit:
        page = page[:limit]
        last = page[-1]
        more = signing.dumps(
            {
                "params": params,
                "until": (until or query_time).isoformat(),
                "after": [last.stored.isoformat(), str(last.id)],
            },
            salt=CURSOR_SALT,
            compress=True,
        )
    return {"rows": page, "more": more, "params": params}


def statement_single(*, principal, params):
    """``statementId`` (not voided) or ``voidedStatementId`` (voided only), or ``None``."""
    unknown = set(params) - SINGLE
    if unknown or ("statementId" in params and "voidedStatementId" in params):
        raise QueryError(
            _("With statementId or voidedStatementId only format and attachments may be sent.")
        )
    if params.get("format", "exact") not in FORMATS:
        raise QueryError(_("format must be ids, exact or canonical."))
    _boolean(params, "attachments")
    voided = "voidedStatementId" in params
    statement_id = _uuid(params, "voidedStatementId" if voided else "statementId")
    row = (
        Statement.objects.filter(principal.scope_filter(), pk=statement_id)
        .annotate(is_voided=Exists(Statement.objects.filter(voids=OuterRef("pk"), verb=VOIDED)))
        .select_related("actor")
        .first()
    )
    if row is None or row.is_voided != voided:
        return None
    return row


def _iso(moment) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def statement_json(row: Statement, *, format: str = "exact", languages=()) -> dict:
    """The statement as the LRS returns it: as sent, with ``stored``, ``authority``,
    ``version`` and (when the client sent none) ``timestamp`` and ``actor`` set."""
    statement = dict(row.data)
    statement["id"] = str(row.id)
    if "actor" not in statement:
        statement["actor"] = {
            "objectType": "Agent",
            "account": {"homePage": site_home(), "name": str(row.actor_id)},
        }
    if "timestamp" not in statement:
        statement["timestamp"] = _iso(row.timestamp)
    statement["stored"] = _iso(row.stored)
    statement.setdefault(
        "authority",
        {"objectType": "Agent", "account": {"homePage": site_home(), "name": str(row.actor_id)}},
    )
    statement.setdefault("version", "1.0.0")
    if format == "ids":
        return _ids_only(statement)
    if format == "canonical":
        return _canonical(statement, languages)
    return statement


def _agent_ids(agent):
    if not isinstance(agent, dict):
        return agent
    slim = {
        k: v
        for k, v in agent.items()
        if k in ("objectType", "mbox", "mbox_sha1sum", "openid", "account")
    }
    if "member" in agent and agent_key(agent) is None:
        slim["member"] = [_agent_ids(m) for m in agent["member"]]
    return slim


def _ids_only(statement: dict) -> dict:
    """``format=ids`` (Part Three §2.1.3): agents by their identifier only, activities,
    verbs and attachments' metadata by id only."""

    def inner(value: dict) -> dict:
        value = dict(value)
        value["actor"] = _agent_ids(value["actor"])
        value["verb"] = {"id": value["verb"]["id"]}
        obj = value["object"]
        kind = obj.get("objectType", "Activity")
        if kind == "Activity":
            value["object"] = {"objectType": "Activity", "id": obj["id"]}
        elif kind in ("Agent", "Group"):
            value["object"] = _agent_ids(obj)
        elif kind == "SubStatement":
            value["object"] = inner(obj)
        if "authority" in value:
            value["authority"] = _agent_ids(value["authority"])
        context = value.get("context")
        if isinstance(context, dict):
            context = dict(context)
            for name in ("instructor", "team"):
                if name in context:
                    context[name] = _agent_ids(context[name])
            if "contextActivities" in context:
                context["contextActivities"] = {
                    name: [{"id": a["id"]} for a in ([items] if isinstance(items, dict) else items)]
                    for name, items in context["contextActivities"].items()
                }
            value["context"] = context
        return value

    return inner(statement)


def _pick(language_map: dict, languages) -> dict:
    for language in languages:
        for tag, text in language_map.items():
            if tag.lower() == language.lower() or tag.lower().split("-")[0] == language.lower():
                return {tag: text}
    first = next(iter(language_map.items()), None)
    return dict([first]) if first else {}


def _canonical(statement: dict, languages) -> dict:
    """``format=canonical``: every language map reduced to the one language the client
    prefers (Accept-Language), or the first one there is."""

    def walk(value):
        if isinstance(value, dict):
            out = {}
            for key, item in value.items():
                if (
                    key in ("display", "name", "description")
                    and isinstance(item, dict)
                    and all(isinstance(v, str) for v in item.values())
                ):
                    out[key] = _pick(item, languages)
                else:
                    out[key] = walk(item)
            return out
        if isinstance(value, list):
            return [walk(item) for item in value]
        return value

    return walk(statement)
