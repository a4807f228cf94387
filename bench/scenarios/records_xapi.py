"""The learning-record store's xAPI Statement resource (issue 24): statements written per
second through ``/xapi/statements`` by a Basic-auth client (batches of 1 and of 50), and a
filtered GET (agent + verb, one page of 100) on a large table.

The table's size is a parameter: ``LRS_BENCH_STATEMENTS`` (default 20,000, quick; run with
``LRS_BENCH_STATEMENTS=1000000`` and ``DATABASE_URL`` on PostgreSQL for the full size).
prepare() tops the table up to that size with generated statements (one bulk insert, no
signals), for 200 people of one country; it is idempotent.
"""

import json
import os
import time
import uuid
from datetime import UTC, datetime, timedelta

from bench.harness import TaskScenario

CLIENT_NAME = "bench xAPI client"
PEOPLE = 200
PREFIX = "https://bench.example.org/xapi/"
VERBS = [
    "http://adlnet.gov/expapi/verbs/experienced",
    "http://adlnet.gov/expapi/verbs/completed",
    "http://adlnet.gov/expapi/verbs/answered",
]
WRITES_SINGLE = 200
WRITES_BATCHES = 20
GETS = 30
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


def prepare() -> None:
    from bench.datasets.fast_insert import insert_rows
    from lms.records.models import Statement, XapiClient
    from lms.records.xapi_auth import xapi_client_issue

    country, people = _people()
    if not XapiClient.objects.filter(name=CLIENT_NAME).exists():
        xapi_client_issue(
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
            verb = VERBS[number % len(VERBS)]
            activity = f"{PREFIX}activity-{number % 500}"
            moment = start + timedelta(seconds=number)
            statement_id = uuid.uuid5(uuid.NAMESPACE_URL, f"bench-lrs-{number}")
            data = {
                "id": str(statement_id),
                "actor": {"mbox": f"mailto:{person.email}"},
                "verb": {"id": verb},
                "object": {"objectType": "Activity", "id": activity},
            }
            yield (statement_id, person.pk, verb, activity, moment, moment, data)

    insert_rows(
        Statement,
        ["id", "actor", "verb", "activity", "timestamp", "stored", "data"],
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
    from django.test import Client

    auth, people = _auth()
    http = Client(HTTP_HOST="127.0.0.1")
    started = time.perf_counter()
    for number in range(requests):
        batch = [_statement(people[(number + i) % PEOPLE], number + i) for i in range(batch_size)]
        response = http.post(
            "/xapi/statements",
            json.dumps(batch),
            content_type="application/json",
            HTTP_AUTHORIZATION=auth,
            HTTP_X_EXPERIENCE_API_VERSION="1.0.3",
        )
        assert response.status_code == 200, response.content[:300]
    wall = time.perf_counter() - started
    return {"statements_per_s": round(batch_size * requests / wall, 1), "table_size": size()}


def _filtered_get() -> dict:
    from django.test import Client

    auth, people = _auth()
    http = Client(HTTP_HOST="127.0.0.1")
    timings = []
    for number in range(GETS):
        agent = json.dumps({"mbox": f"mailto:{people[number % PEOPLE].email}"})
        started = time.perf_counter()
        response = http.get(
            "/xapi/statements",
            {"agent": agent, "verb": VERBS[number % len(VERBS)], "limit": 100},
            HTTP_AUTHORIZATION=auth,
            HTTP_X_EXPERIENCE_API_VERSION="1.0.3",
        )
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content[:300]
    timings.sort()
    return {
        "median_ms": round(timings[len(timings) // 2], 1),
        "p90_ms": round(timings[int(len(timings) * 0.9)], 1),
        "table_size": size(),
    }


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
        TaskScenario("records.xapi.get.filtered", _filtered_get, units=GETS),
    ]
