"""No server error anywhere a person can go: the demo database, read by people of each role
(with their second factor), each following every link and sending every form back with its
own, hostile, unoffered and missing values (tests/crawl.py). GET-only fuzzing of the URL
configuration is in test_fuzz_routes.py.

Every test run crawls quickly: three people (a visitor, a worker and country staff, who
reaches the admin), a few dozen pages each, every form they meet sent once with hostile
values in all its fields (decision 0030). ``LMS_TEST_CRAWL=1`` crawls fully: seven people,
``CRAWL_BUDGET`` pages each (250 unless set), every form with all its variants; it takes
several minutes. ``CRAWL_REPORT=path`` writes what each person read and found."""

import os
import re

import pytest
from django.core.management import call_command
from django.test import Client

from lms.accounts.models import User
from tests.conftest import confirm_second_factor
from tests.crawl import crawl
from tests.reports.demo_charts import every_chart_has_something_to_show
from tests.url_walk import all_routes

pytestmark = pytest.mark.django_db

FULL = bool(os.environ.get("LMS_TEST_CRAWL"))
BUDGET = int(os.environ.get("CRAWL_BUDGET", "250" if FULL else "30"))
PEOPLE = (
    ["", "worker", "trainer", "advisor", "manager", "staff.vn", "admin"]
    if FULL
    else ["", "worker", "staff.vn"]
)


ADD_FORM = re.compile(r"/(add|new|create)/$")


def start_paths(admin: bool) -> list[str]:
    starts = ["/en/", "/vi/", "/ar/", "/en/accounts/profile/"]
    for route in all_routes():
        path = route.path()
        if path is None or route.parameters():
            continue
        if path.startswith("/admin/") and not admin:
            continue
        starts.append(path)
    if FULL:
        return starts
    # The quick crawl: forms that create something first (where hostile values did harm),
    # then a spread of the rest, leaving a quarter of the budget for the links they offer.
    forms = [path for path in starts if ADD_FORM.search(path)]
    others = [path for path in starts if not ADD_FORM.search(path)]
    return spread(forms)[: BUDGET // 2] + spread(others)[: BUDGET // 4]


def spread(paths: list[str]) -> list[str]:
    """The paths taken in turn from each part of the site (``/en/learn/``, ``/admin/users/``
    ...), so that a short crawl starts everywhere, the rest of its budget following links."""
    groups: dict[str, list[str]] = {}
    for path in paths:
        groups.setdefault("/".join(path.split("/")[:3]), []).append(path)
    order = []
    while any(groups.values()):
        for group in groups.values():
            if group:
                order.append(group.pop(0))
    return order


def test_the_whole_demo_fills_every_chart_and_answers_every_link_and_form(settings, tmp_path):
    """One load of the whole demo (minutes on CI's machine) serves two checks: every report
    chart has something to show, then no server error anywhere a person can go."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    every_chart_has_something_to_show()
    report = []
    for username in PEOPLE:
        client = Client(raise_request_exception=False)
        staff = False
        if username:
            person = User.objects.get(username=username)
            client.force_login(person)
            confirm_second_factor(client, person)
            staff = person.is_staff
        findings, visited = crawl(
            client,
            start_paths(staff),
            who=username or "visitor",
            budget=BUDGET,
            per_shape=2 if FULL else 1,
            hostile_once=not FULL,
        )
        report.extend(findings)
        if os.environ.get("CRAWL_REPORT"):
            with open(os.environ["CRAWL_REPORT"], "a", encoding="utf-8") as out:
                out.write(f"== {username or 'visitor'}: {visited} pages\n")
                out.writelines(f"{finding}\n\n" for finding in findings)
        assert visited >= min(BUDGET, 20), f"{username or 'visitor'} read only {visited} pages"
    assert not report, "\n\n".join(str(f) for f in report[:30])
