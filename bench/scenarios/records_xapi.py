"""The learning-record store's xAPI Statement resource (issue 24): statements written per
second through ``/xapi/statements`` by a Basic-auth client (batches of 1 and of 50) with the
queries a request takes, and filtered GETs (agent + verb, agent + activity, verb + since,
registration; one page of 100) on a large table, one statement in a thousand targeting
another (the StatementRef rule's work).

The table's size is a parameter: ``LRS_BENCH_STATEMENTS`` (default 20,000, quick; run with
``LRS_BENCH_STATEMENTS=1000000`` and ``DATABASE_URL`` on PostgreSQL for the full size).
prepare() tops the table up to that size with generated statements (``COPY`` on PostgreSQL
in batches of 5,000, no signals), for 200 people of one country; it is idempotent.
"""

import json
import os
import time
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from bench.harness import TaskScenario

CLIENT_NAME = "bench xAPI client"
PEOPLE = 200
PREFIX = "https://bench.example.org/xapi/"
VERBS = [
    "http://adlnet.gov/expapi/verbs/experienced",
    "http://adlnet.gov/expapi/verbs/completed",
    "http://adlnet.gov/expapi/verbs/answered",
]
CONFIRMED = "http://activitystrea.ms/schema/1.0/confirm"
REF_EVERY = 1000  # one statement in a thousand targets the one before (a StatementRef)
WRITES_SINGLE = 200
WRITES_BATCHES = 20
GETS = 30
PAGE = 100  # statements a GET page
_state: dict = {}


def size() -> int:
    return int(os.environ.get("LRS_BENCH_STATEMENTS", "20000"))


def _people():
    from lms.accounts.models import User
    from lms.taxonomy.models import Country

    country = Country.objects.order_by("pk").first()
    people = list(User.objects.filter(username__startswith="bench.lrs.").order_by("pk"))
    for number in range(len(people), PEOPLE):
        people.append(
            User.objects.create_user(
                f"bench.lrs.{number}", email=f"lrs{number}@bench.example.org", country=country
            )
        )
    return country, people


def _statement_id(number: int) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"bench-lrs-{number}")


def _registration(number: int) -> uuid.UUID:
    # A person's attempts at one activity: 1,000 (person, activity) pairs, a registration
    # for each 100,000 statements, so a registration holds about 100 statements.
    return uuid.uuid5(
        uuid.NAMESPACE_URL, f"bench-lrs-registration-{number % 1000}-{number // 100_000}"
    )


def prepare() -> None:
    from bench.datasets.fast_insert import insert_rows
    from lms.records.models import Statement, XapiClient
    from lms.records.xapi_auth import xapi_client_issue

    country, people = _people()
    client = XapiClient.objects.filter(name=CLIENT_NAME).first()
    if client is None:
        client, _secret = xapi_client_issue(
            name=CLIENT_NAME,
            people=XapiClient.People.COUNTRY,
            country=country,
            activity_prefixes=PREFIX,
            can_read=True,
        )
    have = Statement.objects.filter(actor__username__startswith="bench.lrs.").count()
    missing = size() - have
    if missing <= 0:
        return
    start = datetime(2024, 1, 1, tzinfo=UTC)

    def rows():
        for number in range(have, have + missing):
            person = people[number % PEOPLE]
            moment = start + timedelta(seconds=number)
            statement_id = _statement_id(number)
            registration = _registration(number)
            if number % REF_EVERY == REF_EVERY - 1:
                # Someone confirms the statement before: the StatementRef rule's case.
                target = _statement_id(number - 1)
                verb, activity = CONFIRMED, ""
                data_object = {"objectType": "StatementRef", "id": str(target)}
            else:
                target = None
                verb = VERBS[number % len(VERBS)]
                activity = f"{PREFIX}activity-{number % 500}"
                data_object = {"objectType": "Activity", "id": activity}
            data = {
                "id": str(statement_id),
                "actor": {"mbox": f"mailto:{person.email}"},
                "verb": {"id": verb},
                "object": data_object,
                "context": {"registration": str(registration)},
            }
            yield (
                statement_id,
                person.pk,
                verb,
                activity,
                registration,
                target,
                # The client sent the confirmations: they are within what it reads.
                client.pk if target else None,
                moment,
                moment,
                data,
            )

    insert_rows(
        Statement,
        [
            "id",
            "actor",
            "verb",
            "activity",
            "registration",
            "statement_ref",
            "client",
            "timestamp",
            "stored",
            "data",
        ],
        rows(),
        activity_kind="",
        parent_activity="",
        content_hash="bench",
    )


def _auth():
    """A fresh secret for the bench client (only its hash is stored)."""
    import base64

    from lms.records.models import XapiClient
    from lms.records.xapi_auth import xapi_client_new_secret

    if "auth" not in _state:
        client = XapiClient.objects.get(name=CLIENT_NAME)
        client, secret = xapi_client_new_secret(client)
        client.save(update_fields=["key", "secret_hash"])
        _state["auth"] = "Basic " + base64.b64encode(f"{client.key}:{secret}".encode()).decode()
        _state["people"] = _people()[1]
    return _state["auth"], _state["people"]


def _statement(person, number):
    return {
        "id": str(uuid.uuid4()),
        "actor": {"mbox": f"mailto:{person.email}"},
        "verb": {"id": VERBS[number % len(VERBS)]},
        "object": {"objectType": "Activity", "id": f"{PREFIX}activity-{number % 500}"},
    }


def _post(batch_size: int, requests: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    auth, people = _auth()
    http = Client(HTTP_HOST="127.0.0.1")
    queries = []
    # One request first, not measured: the client's last use (written once a minute) and
    # the activity mappings' cache are then warm, as in a running site.
    warm = [_statement(people[i % PEOPLE], i) for i in range(batch_size)]
    http.post(
        "/xapi/statements",
        json.dumps(warm),
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
        HTTP_X_EXPERIENCE_API_VERSION="1.0.3",
    )
    started = time.perf_counter()
    for number in range(requests):
        batch = [_statement(people[(number + i) % PEOPLE], number + i) for i in range(batch_size)]
        with CaptureQueriesContext(connection) as captured:
            response = http.post(
                "/xapi/statements",
                json.dumps(batch),
                content_type="application/json",
                HTTP_AUTHORIZATION=auth,
                HTTP_X_EXPERIENCE_API_VERSION="1.0.3",
            )
        queries.append(len(captured))
        assert response.status_code == 200, response.content[:300]
    wall = time.perf_counter() - started
    queries.sort()
    return {
        "statements_per_s": round(batch_size * requests / wall, 1),
        "queries_per_request_median": queries[len(queries) // 2],
        "queries_per_request_max": queries[-1],
        "table_size": size(),
    }


GET_KINDS = ("agent+verb", "agent+activity", "verb+since", "registration", "agent+verb more")


def _get_params(kind: str, number: int, people) -> dict:
    kind = kind.removesuffix(" more")
    person_index = number % PEOPLE
    agent = json.dumps({"mbox": f"mailto:{people[person_index].email}"})
    if kind == "agent+verb":
        return {"agent": agent, "verb": VERBS[number % len(VERBS)]}
    if kind == "agent+activity":
        # Statement n is person n % 200's about activity n % 500: person p's activities
        # are those equal to p modulo 100.
        return {
            "agent": agent,
            "activity": f"{PREFIX}activity-{person_index % 100 + 100 * (number % 5)}",
        }
    if kind == "verb+since":
        since = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(seconds=size() * number // GETS)
        return {"verb": VERBS[number % len(VERBS)], "since": since.isoformat()}
    return {"registration": str(_registration(number * 7919 % size()))}


def _filtered_get() -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    auth, people = _auth()
    http = Client(HTTP_HOST="127.0.0.1")
    figures = {"table_size": size()}
    for kind in GET_KINDS:
        timings, cpu, found, queries = [], [], 0, 0
        for number in range(GETS):
            params = {**_get_params(kind, number, people), "limit": PAGE}
            if kind.endswith(" more"):
                # The second page, through the first page's ``more`` link (keyset paging).
                first = http.get(
                    "/xapi/statements",
                    params,
                    HTTP_AUTHORIZATION=auth,
                    HTTP_X_EXPERIENCE_API_VERSION="1.0.3",
                )
                more = first.json()["more"]
                if not more:  # a small table: one page holds every match
                    continue
                params = {"more": parse_qs(urlsplit(more).query)["more"][0]}
            started, cpu_started = time.perf_counter(), time.process_time()
            with CaptureQueriesContext(connection) as captured:
                response = http.get(
                    "/xapi/statements",
                    params,
                    HTTP_AUTHORIZATION=auth,
                    HTTP_X_EXPERIENCE_API_VERSION="1.0.3",
                )
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
            assert response.status_code == 200, response.content[:300]
            found += len(response.json()["statements"])
            queries = max(queries, len(captured))
        timings.sort()
        if not timings:
            continue
        figures[f"{kind}_median_ms"] = round(timings[len(timings) // 2], 1)
        figures[f"{kind}_p90_ms"] = round(timings[int(len(timings) * 0.9)], 1)
        figures[f"{kind}_p95_ms"] = round(timings[int(len(timings) * 0.95)], 1)
        # The request's own work in this process (the database's is not in it): on a
        # loaded machine the wall time is mostly waiting for a core.
        cpu.sort()
        figures[f"{kind}_cpu_median_ms"] = round(cpu[len(cpu) // 2], 1)
        figures[f"{kind}_statements_per_page"] = round(found / len(timings), 1)
        figures[f"{kind}_queries"] = queries
    return figures


def tasks() -> list[TaskScenario]:
    return [
        TaskScenario(
            "records.xapi.write.batch1",
            lambda: _post(1, WRITES_SINGLE),
            units=WRITES_SINGLE,
        ),
        TaskScenario(
            "records.xapi.write.batch50",
            lambda: _post(50, WRITES_BATCHES),
            units=50 * WRITES_BATCHES,
        ),
        TaskScenario("records.xapi.get.filtered", _filtered_get, units=GETS * len(GET_KINDS)),
    ]
