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
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
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


MAX_LISTED = 500  # relation matches up to this many go to the page query as a list


def _relation(key: str, *, related: bool) -> Q:
    """The statements naming ``key`` beyond their columns (``StatementRelation``). Usually
    none or a few: then they go to the page query as a list of ids, so that the column
    alternative (``actor_id = ...``) stays an index condition that PostgreSQL reads in
    ``stored`` order; past ``MAX_LISTED``, as a subquery."""
    rows = StatementRelation.objects.filter(key_hash=relation_hash(key))
    if not related:
        rows = rows.filter(direct=True)
    ids = list(rows.values_list("statement_id", flat=True)[: MAX_LISTED + 1])
    if len(ids) > MAX_LISTED:
        return Q(pk__in=rows.values("statement_id"))
    return Q(pk__in=ids) if ids else Q()


def _either(column: Q, relation: Q) -> Q:
    return column | relation if relation else column


def _agent_condition(value: str, *, related: bool) -> Q:
    try:
        agent = agent_check(json.loads(value), "agent")
    except (ValueError, validation.Malformed):
        raise QueryError(_("agent must be an Agent or identified Group as JSON.")) from None
    key = agent_key(agent)
    if key is None:
        raise QueryError(_("agent must be an Agent or identified Group as JSON."))
    people = [
        person
        for person in get_user_model().objects.filter(_person_lookup([agent]))
        if person_matches(agent, person)
    ]
    relation = _relation(key, related=related)
    if not people:
        return relation or Q(pk__in=[])
    return _either(Q(actor_id=people[0].pk), relation)


def _filter_condition(params, *, related_agents: bool, related_activities: bool) -> Q | None:
    """The filters that are neither time nor sequence (Part Three §2.1.3): those the
    StatementRef rule extends to the statements targeting a match. ``None``: no filter."""
    conditions = []
    if "agent" in params:
        conditions.append(_agent_condition(params["agent"], related=related_agents))
    if "verb" in params:
        conditions.append(Q(verb=params["verb"]))
    if "activity" in params:
        iri = params["activity"]
        column = Q(activity=iri)
        if related_activities:
            column |= Q(parent_activity=iri)
        conditions.append(_either(column, _relation(activity_key(iri), related=related_activities)))
    if "registration" in params:
        conditions.append(Q(registration=_uuid(params, "registration")))
    if not conditions:
        return None
    combined = conditions[0]
    for condition in conditions[1:]:
        combined &= condition
    return combined


REVERSE_MAX = 1000  # matching statements up to this many: walk from them to their targeters


def _targeting_ids(matching, *, since, until, after, ascending, bound=None) -> RawSQL | None:
    """The ids of the statements whose object is a StatementRef to a statement of
    ``matching``, or to one targeting such a statement, to any depth (Part Three §2.1.3,
    "Filter Conditions for StatementRefs"). ``UNION`` ends every walk on a cycle. Targets
    are not checked for being voided: statements targeting a voided statement are still
    returned (§2.1.4), the voiding statement included.

    One query, which walks whichever way is shorter:

    - from the targeting statements of the window (the partial index
      ``records_targeting_stored``) along their targets (``records_targeting_id``), each
      target checked against the filters by its primary key: the work grows with the
      statements targeting others between the cursor and ``bound``, the last statement of
      a full page of matches (a targeting statement beyond it could not be on the page);
    - with no ``bound`` (the matches do not fill a page) and at most ``REVERSE_MAX``
      matching statements in all, also from those statements to the ones targeting them
      (``records_targeted_by``), and the first walk is skipped: the work then grows
      with the matches, not with the window (a registration's hundred statements among a
      thousand confirmations). Which walk runs is decided inside the query, by the
      database, so it costs no round trip."""
    table = connection.ops.quote_name(Statement._meta.db_table)
    pk = connection.ops.quote_name(Statement._meta.pk.column)
    ref = connection.ops.quote_name(Statement._meta.get_field("statement_ref").column)
    stored = connection.ops.quote_name(Statement._meta.get_field("stored").column)
    window, params = [], []
    field = Statement._meta.get_field("stored")

    def moment(condition, value):
        window.append(f"{stored} {condition} %s")
        params.append(field.get_db_prep_value(value, connection))

    if since:
        moment(">", since)
    if until:
        moment("<=", until)
    # The cursor's position and the page's end, coarsely: the page's own keyset condition
    # is exact.
    if after:
        moment(">=" if ascending else "<=", after[0])
    if bound:
        moment("<=" if ascending else ">=", bound)
    # A scalar subquery per target, by its primary key: the database cannot turn it into a
    # join that would first compute every matching statement (a third of the table for a
    # verb). No ordering: the model's default would sort.
    probe = matching.filter(pk=RawSQL("chain.target", ())).order_by().values("pk")[:1]
    seeds = matching.order_by().values("pk")[: REVERSE_MAX + 1]
    try:
        probe_sql, probe_params = probe.query.sql_with_params()
        seeds_sql, seeds_params = seeds.query.sql_with_params()
    except EmptyResultSet:  # the filters match nothing (an agent nobody is): nor targets
        return None
    # Only names from the model and the ORM's own compiled subqueries go into the text;
    # values are parameters, in the order of their placeholders.
    walk_back = bound is None
    # ``seeds`` is read once (PostgreSQL materialises a CTE named more than once); the
    # count is a one-time condition, so the walk not taken reads nothing.
    few = f"(SELECT COUNT(*) FROM seeds) <= {REVERSE_MAX}"  # noqa: S608
    forward = " AND ".join(
        [f"{ref} IS NOT NULL", *window, *([f"NOT ({few})"] if walk_back else [])]
    )
    chain = (
        f"chain (origin, target) AS (SELECT {pk}, {ref} FROM {table} WHERE {forward}"  # noqa: S608
        f" UNION SELECT chain.origin, link.{ref} FROM chain"
        f" JOIN {table} link ON link.{pk} = chain.target WHERE link.{ref} IS NOT NULL)"
    )
    found = f"SELECT chain.origin FROM chain WHERE chain.target = ({probe_sql})"  # noqa: S608
    if not walk_back:
        return RawSQL(f"WITH RECURSIVE {chain} {found}", (*params, *probe_params))  # noqa: S611
    reach = (
        f"reach (origin) AS (SELECT {pk} FROM {table}"  # noqa: S608
        f" WHERE {ref} IS NOT NULL AND {ref} IN (SELECT {pk} FROM seeds) AND {few}"
        f" UNION SELECT link.{pk} FROM reach JOIN {table} link ON link.{ref} = reach.origin"
        f" WHERE link.{ref} IS NOT NULL)"
    )
    sql = (
        f"WITH RECURSIVE seeds ({pk}) AS ({seeds_sql}), {chain}, {reach}"  # noqa: S608
        f" {found} UNION ALL SELECT reach.origin FROM reach"
    )
    return RawSQL(sql, (*seeds_params, *params, *probe_params))  # noqa: S611


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
    if cursor:
        until = datetime.fromisoformat(cursor["until"])
    after = None
    if cursor and cursor.get("after"):
        after = (datetime.fromisoformat(cursor["after"][0]), uuid.UUID(cursor["after"][1]))
    # Time and sequence: applied to every statement returned, targeting ones included.
    rows = Statement.objects.filter(principal.scope_filter()).exclude(
        Exists(Statement.objects.filter(statement_ref=OuterRef("pk"), verb=VOIDED))
    )
    if since:
        rows = rows.filter(stored__gt=since)
    if until:
        rows = rows.filter(stored__lte=until)
    if after:
        stored, pk = after
        # The keyset condition, with its first column repeated on its own: an OR is no
        # index condition, the range is (the page after the thousandth reads from the
        # cursor on, not from the first page's first statement).
        if ascending:
            rows = rows.filter(stored__gte=stored).filter(
                Q(stored__gt=stored) | Q(stored=stored, id__gt=pk)
            )
        else:
            rows = rows.filter(stored__lte=stored).filter(
                Q(stored__lt=stored) | Q(stored=stored, id__lt=pk)
            )
    order = ["stored", "id"] if ascending else ["-stored", "-id"]

    def first(queryset):
        return list(queryset.order_by(*order)[: limit + 1])

    condition = _filter_condition(
        params, related_agents=related_agents, related_activities=related_activities
    )
    if condition is None:
        page = first(rows)
    else:
        # Two ordered pages, each by its own index, merged: the statements matching the
        # filters, and those targeting (through StatementRefs) a statement that does.
        matching = Statement.objects.filter(principal.scope_filter(), condition)
        matches = first(rows.filter(condition))
        found = {row.pk: row for row in matches}
        # A full page of matches ends the window of the targeting statements: one stored
        # after its last (before, ascending) could not be on the page.
        bound = matches[limit].stored if len(matches) > limit else None
        window = {"since": since, "until": until, "after": after, "ascending": ascending}
        targeting_ids = _targeting_ids(matching, bound=bound, **window)
        if targeting_ids is not None:
            targeting = rows.filter(statement_ref__isnull=False, pk__in=targeting_ids)
            if bound:
                targeting = targeting.filter(
                    **{"stored__lte" if ascending else "stored__gte": bound}
                )
            found.update((row.pk, row) for row in first(targeting))
        page = sorted(found.values(), key=lambda row: (row.stored, row.pk), reverse=not ascending)
        page = page[: limit + 1]
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
        .annotate(
            is_voided=Exists(Statement.objects.filter(statement_ref=OuterRef("pk"), verb=VOIDED))
        )
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
