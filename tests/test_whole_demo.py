"""`make demo`'s whole content, loaded once for this module's tests (minutes on CI's
machine), each test in a savepoint of the transaction that holds it: every report chart has
something to show, the studies have their locked study and survey rounds, and there is no
server error anywhere a person can go.

The last is a crawl: the demo database read by people of each role (with their second
factor), each following every link and sending every form back with its own, hostile,
unoffered and missing values (tests/crawl.py). GET-only fuzzing of the URL configuration is
in test_fuzz_routes.py.

Every test run crawls quickly: three people (a visitor, a worker and country staff, who
reaches the admin), a few dozen pages each, every form they meet sent once with hostile
values in all its fields (decision 0030). ``LMS_TEST_CRAWL=1`` crawls fully: seven people,
``CRAWL_BUDGET`` pages each (250 unless set), every form with all its variants; it takes
several minutes. ``CRAWL_REPORT=path`` writes what each person read and found.

The module's three tests are collected one after the other, and pytest-xdist's ``load``
schedule usually sends them to one worker: one load a run, two at worst (decision 0625)."""

import os
import re
import sys

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from lms.accounts.models import User
from lms.reports.studies import assignment
from lms.reports.studies import demo as studies_demo
from lms.reports.studies.analysis import did_estimates
from lms.reports.studies.models import Study, SurveyResponse, SurveyRound
from lms.reports.studies.surveys import survey_results
from media_library import demo as media_demo
from tests.conftest import confirm_second_factor
from tests.crawl import crawl
from tests.media_library.factories import tiny_clip
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


def _one_second_clip(path, episode):
    tiny_clip(path, seconds=1, size="320x180")


@pytest.fixture(scope="module")
def whole_demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo loaded in a transaction that stays open for the module's tests and is
    rolled back after them; each test's own transaction is a savepoint inside it, so that
    what one test changes (the crawl sends forms) is gone before the next. Returns the
    folders of the demo's uploads."""
    folder = tmp_path_factory.mktemp("whole-demo")
    media = {"MEDIA_ROOT": str(folder / "media"), "PRIVATE_MEDIA_ROOT": str(folder / "private")}
    with (
        django_db_blocker.unblock(),
        override_settings(**media),
        pytest.MonkeyPatch.context() as patch,
    ):
        # The real loader draws three 12-second 720p films (test_demo_languages.py draws
        # them); a one-second clip each keeps the load quicker.
        patch.setattr(media_demo, "_generate_episode_video", _one_second_clip)
        demo = transaction.atomic()
        demo.__enter__()
        try:
            call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        except BaseException:
            demo.__exit__(*sys.exc_info())
            raise
    yield media
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        demo.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _media_root(settings, whole_demo):
    """The demo's uploads, not empty folders of the test's own."""
    for name, folder in whole_demo.items():
        setattr(settings, name, folder)


def test_every_report_chart_has_something_to_show():
    every_chart_has_something_to_show()


def test_the_demo_has_a_study_and_survey_rounds_with_answers():
    studies_demo.load()  # again: nothing more

    study = Study.objects.get()
    assert study.is_locked
    assert study.arms.count() == 2
    assert study.members.count() == 12
    assert {m.factory.organisation.country.code for m in study.members.all()} == {"vn"}
    assert assignment.assignment_check(study=study).matches
    efficiency = next(e for e in did_estimates(study) if e.outcome == "efficiency")
    assert efficiency.effect is not None
    assert efficiency.low < efficiency.effect < efficiency.high

    assert SurveyRound.objects.count() == 2
    assert (
        SurveyResponse.objects.count()
        == 24 * SurveyRound.objects.get(country__code="jo").factories.count()
        + 24 * SurveyRound.objects.get(country__code="vn").factories.count()
    )
    survey_round = SurveyRound.objects.get(country__code="jo")
    questions = survey_round.survey.questions.all()
    assert survey_round.survey.get_translations().count() == 2  # Arabic and Vietnamese
    tables = survey_results(questions=questions, by="factory", rounds=[survey_round])
    assert len(tables) == 6
    assert all(table.rows for table in tables)


def test_no_server_error_anywhere_a_person_can_go():
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
