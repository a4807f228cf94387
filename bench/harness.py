"""What a benchmark scenario is. `bench/run.py` runs every scenario that the modules in
`bench/scenarios/` declare, and writes the figures to `bench/results/latest.json`.

A scenario module defines:

    def prepare() -> None
        Build its data set in the bench database (runs inside Django, bench settings).
        Idempotent: skip what exists. Use bench.harness.PASSWORD for people who log in;
        staff (who must pass a second factor) also get a TOTP authenticator on
        bench.harness.TOTP_SECRET (see bench/scenarios/reports.py: staff_with_totp).

    def scenarios() -> list[HttpScenario]
        Requests to drive against gunicorn from a second process.

    def tasks() -> list[TaskScenario]          (optional)
        Work to time in a worker process (e.g. issue 1,000 certificates): wall time and
        peak memory are recorded. A task runs once per `make bench`; it should leave the
        database as it found it or be safe to repeat.

`bench/run.py` builds the bench database (settings `lms.settings.bench`: DEBUG off, the
manifest static storage, a SQLite file under var/bench/ unless DATABASE_URL is set),
migrates it, runs every module's prepare(), starts gunicorn on 127.0.0.1 and drives each
HttpScenario from its own process (`bench/driver.py`: threads, keep-alive connections):
a warm-up, then `requests` requests at `concurrency`. It records requests/s, p50/p95/p99
latency, errors (status != expect_status), queries per request (the bench-only
`X-Query-Count` header) and, with measure_weight, the gzip-compressed weight of the HTML
and every same-origin stylesheet and script it links.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

PASSWORD = "bench-password-2026"
# The TOTP secret (base32, as allauth keeps it) of every bench staff member: when the site
# asks for a second factor, the driver answers with the current code for it (RFC 6238).
TOTP_SECRET = "MJSW4Y3IHIQHI33UOAQGWZLZEAZDAMRW"


@dataclass
class HttpScenario:
    name: str
    path: str
    method: str = "GET"
    login: str | None = None  # a username made by prepare(); the harness signs in first
    # For POSTs: a function of the request number returning (body bytes, content type), so
    # each request can carry fresh ids.
    body: Callable[[int], tuple[bytes, str]] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    requests: int = 200
    concurrency: int = 4
    measure_weight: bool = False  # page weight: compressed HTML + its CSS and JS
    weight_budget_kb: float | None = None  # with measure_weight: the most it may weigh
    expect_status: int = 200


# What a browser sends: scenarios named ``*.compressed`` send it, and are held against the
# static file asked for the same way (bench/run.py, ratios_to_static).
BROWSER_ENCODINGS = {"Accept-Encoding": "gzip, deflate, br"}


@dataclass
class TaskScenario:
    name: str
    run: Callable[[], object]  # runs inside Django (bench settings) in a fresh process
    units: int = 1  # how many items one run handles (for items/s)


def analyse_database() -> None:
    """Fresh planner statistics after bulk loading. Without them PostgreSQL planned the
    100,000-learner dashboard as if the tables were empty (10-12 s a request instead of
    2-3 s, and a knowledge-gain query that ran for over 14 minutes when a data set's own
    ``prepare()`` computed tables right after loading); SQLite's planner uses
    ``sqlite_stat1`` the same way."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
