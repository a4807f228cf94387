"""No server error anywhere a person can go: the demo database, read by a visitor, a worker,
a trainer, an advisor, country staff and the global admin (with their second factor), each
following every link and sending every form back with its own, hostile, unoffered and missing
values (tests/crawl.py). GET-only fuzzing of the URL configuration is in test_fuzz_routes.py.

``CRAWL_BUDGET`` sets how many pages each person reads. It runs when ``LMS_TEST_CRAWL=1``:
it loads the whole demo and reads for several minutes, and it still finds server errors in
the admin (issue 12's closing note lists them); once they are mended it joins CI."""

import os

import pytest
from django.core.management import call_command
from django.test import Client

from lms.accounts.models import User
from tests.conftest import confirm_second_factor
from tests.crawl import crawl
from tests.url_walk import all_routes

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not os.environ.get("LMS_TEST_CRAWL"), reason="the demo crawl: LMS_TEST_CRAWL=1"
    ),
]

BUDGET = int(os.environ.get("CRAWL_BUDGET", "250"))
PEOPLE = ["", "worker", "trainer", "advisor", "manager", "staff.vn", "admin"]


def start_paths(admin: bool) -> list[str]:
    starts = ["/en/", "/vi/", "/ar/", "/en/accounts/profile/"]
    for route in all_routes():
        path = route.path()
        if path is None or route.parameters():
            continue
        if path.startswith("/admin/") and not admin:
            continue
        starts.append(path)
    return starts


def test_the_demo_answers_every_link_and_form_without_a_server_error(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
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
            client, start_paths(staff), who=username or "visitor", budget=BUDGET
        )
        report.extend(findings)
        if os.environ.get("CRAWL_REPORT"):
            with open(os.environ["CRAWL_REPORT"], "a", encoding="utf-8") as out:
                out.write(f"== {username or 'visitor'}: {visited} pages\n")
                out.writelines(f"{finding}\n\n" for finding in findings)
        assert visited > 20, f"{username or 'visitor'} read only {visited} pages"
    assert not report, "\n\n".join(str(f) for f in report[:30])
