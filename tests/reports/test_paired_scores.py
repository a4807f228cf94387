"""The knowledge gain pairs each learner's first pre-test with their best post-test in the
database (``lms.reports.selectors.paired_scores``); participation by dimension counts its
distinct people there too. On random data with ties, retakes, missing tests and records that
must not count, both give what a plain Python reading of every record gives."""

import datetime as dt
import hashlib
import math
import random
import uuid

import pytest
from django.utils import timezone

from lms.records import verbs
from lms.records.models import Statement
from lms.reports.filters import ReportFilters
from lms.reports.selectors import (
    TEST_PREFIX,
    _as_then,
    _period_enrolments,
    _period_presences,
    knowledge_gain,
    participation_by,
    participation_by_dimensions,
)
from lms.reports.test_scores import scores_rebuild
from tests.reports.conftest import person
from tests.reports.test_training_prepared import filter_sets, random_training
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db

CODES = ["vn", "jo", "bd"]
COURSES = [7, 8, 12]


def random_tests(rng: random.Random):
    """Learners of three countries with 0-3 pre and 0-3 post tests per course at a handful
    of moments (so many tie on time and on score), plus records that must not count: self-
    reported, without a score, of a zero maximum, another verb, a phase in capitals, a course
    that is not a number."""
    now = timezone.now().replace(microsecond=0)
    moments = [now - dt.timedelta(days=d) for d in (0, 0, 1, 3, 10, 30)]
    people = [person(rng.choice(CODES), "worker") for _ in range(rng.randint(20, 35))]
    rows = []

    def add(learner, activity, raw, maximum, **extra):
        rows.append(
            Statement(
                id=uuid.UUID(int=rng.getrandbits(128)),
                actor=learner,
                verb=extra.pop("verb", verbs.COMPLETED),
                activity=activity,
                activity_kind="test",
                score_raw=raw,
                score_max=maximum,
                timestamp=rng.choice(moments),
                content_hash=hashlib.sha256(str(uuid.uuid4()).encode()).hexdigest(),
                data={},
                **extra,
            )
        )

    for learner in people:
        for course in rng.sample(COURSES, rng.randint(1, 3)):
            for phase in ("pre", "post"):
                for _take in range(rng.choice([0, 1, 1, 2, 3])):
                    maximum = rng.choice([3, 8, 10, 7.5])
                    add(learner, f"{TEST_PREFIX}{course}.{phase}", rng.randint(0, 10), maximum)
            activity = f"{TEST_PREFIX}{course}.{rng.choice(['pre', 'post'])}"
            if rng.random() < 0.3:
                add(learner, activity, 10, 10, self_reported=True)
            if rng.random() < 0.3:
                add(learner, activity, None, 10)
            if rng.random() < 0.2:
                add(learner, activity, 5, 0)
            if rng.random() < 0.2:
                add(learner, activity, 9, 10, verb=verbs.ATTEMPTED)
            if rng.random() < 0.2:
                add(learner, f"{TEST_PREFIX}{course}.PRE", 1, 10)
            if rng.random() < 0.2:
                add(learner, f"{TEST_PREFIX}x{course}.post", 10, 10)
    Statement.objects.bulk_create(rows)
    # A bulk insert bypasses the records' write path: rolled up as a bulk load must be
    # (decision 0613).
    scores_rebuild()
    return moments


def reference_gain(f: ReportFilters) -> list[dict]:
    """Today's definition read record by record in Python: the first pre-test (earliest,
    then lowest id) and best post-test of each learner per course, server-scored only."""
    first_pre, best_post = {}, {}
    for s in sorted(Statement.objects.select_related("actor"), key=lambda s: (s.timestamp, s.pk)):
        day = timezone.localtime(s.timestamp).date()
        if f.country and s.actor.country_id != f.country.pk:
            continue
        if (f.since and day < f.since) or (f.until and day > f.until):
            continue
        if s.verb != verbs.COMPLETED or s.self_reported or not s.activity.startswith(TEST_PREFIX):
            continue
        if s.score_raw is None or not s.score_max or s.score_max <= 0:
            continue
        course, _dot, phase = s.activity[len(TEST_PREFIX) :].rpartition(".")
        if not course.isdigit():
            continue
        key, score = (int(course), s.actor_id), 100 * s.score_raw / s.score_max
        if phase == "pre":
            first_pre.setdefault(key, score)
        elif phase == "post":
            best_post[key] = max(score, best_post.get(key, score))
    pairs = {}
    for key, pre in first_pre.items():
        if key in best_post:
            pairs.setdefault(key[0], []).append((pre, best_post[key]))
    result = []
    for course, scores in sorted(pairs.items()):
        pre = math.fsum(p for p, _q in scores) / len(scores)
        post = math.fsum(q for _p, q in scores) / len(scores)
        result.append(
            {
                "course_id": course,
                "course": str(course),
                "pre": round(pre, 1),
                "post": round(post, 1),
                "gain": round(post - pre, 1),
                "learners": len(scores),
            }
        )
    return result


@pytest.mark.parametrize("seed", [3, 14, 2026])
def test_the_pairs_made_in_the_database_are_those_of_every_record_read_in_python(seed):
    rng = random.Random(seed)
    moments = random_tests(rng)
    today = timezone.localdate()
    for filters in (
        ReportFilters(),
        ReportFilters(country=country(rng.choice(CODES))),
        ReportFilters(since=timezone.localtime(moments[3]).date(), until=today),
        ReportFilters(since=timezone.localtime(moments[4]).date()),
        ReportFilters(until=timezone.localtime(moments[2]).date()),
    ):
        expected = reference_gain(filters)
        assert knowledge_gain(filters) == expected
    assert expected or reference_gain(ReportFilters())  # the data had pairs to find


def test_a_retake_ties_and_a_missing_test_are_paired_as_defined():
    now = timezone.now().replace(microsecond=0)
    early, late = now - dt.timedelta(days=2), now - dt.timedelta(days=1)
    a, b, c = (person("vn", "worker") for _ in range(3))

    def test(learner, phase, raw, at, id_):
        Statement.objects.create(
            id=uuid.UUID(int=id_),
            actor=learner,
            verb=verbs.COMPLETED,
            activity=f"{TEST_PREFIX}5.{phase}",
            activity_kind="test",
            score_raw=raw,
            score_max=10,
            timestamp=at,
            content_hash=hashlib.sha256(str(id_).encode()).hexdigest(),
            data={},
        )

    test(a, "pre", 2, early, 20)  # same moment: the lower id is the first
    test(a, "pre", 6, early, 10)
    test(a, "pre", 1, late, 1)
    test(a, "post", 7, late, 2)
    test(a, "post", 9, late, 3)  # the best post-test, whatever its place
    test(a, "post", 4, now, 4)
    test(b, "pre", 3, early, 5)  # never took the post-test: not paired
    test(c, "post", 8, late, 6)  # nor this one the pre-test
    assert knowledge_gain(ReportFilters()) == [
        {"course_id": 5, "course": "5", "pre": 60.0, "post": 90.0, "gain": 30.0, "learners": 1}
    ]


def reference_participation(f: ReportFilters, dimension: str) -> dict:
    """The distinct (person, value) pairs of enrolments and presences, counted in Python."""
    from lms.reports.selectors import DIMENSIONS

    column = DIMENSIONS[dimension]
    pairs = set()
    for rows in (_period_enrolments(f), _period_presences(f)):
        value = _as_then(column, "learner_profile__", "learner__")
        pairs |= set(rows.annotate(v=value).values_list("learner_id", "v"))
    counts: dict = {}
    for _learner, value in pairs:
        counts[value] = counts.get(value, 0) + 1
    return counts


@pytest.mark.parametrize("seed", [5, 41])
def test_participants_counted_in_the_database_are_the_distinct_people_of_each_value(
    seed, home_page
):
    rng = random.Random(seed)
    course, cohort, organisations = random_training(rng, home_page)
    for filters in filter_sets(rng, course, cohort, organisations):
        for dimension in ("country", "gender", "role", "migrant_status", "organisation"):
            served = {
                row["value"]: row["participants"]
                for row in participation_by(filters, dimension)
                if row["participants"]
            }
            assert served == reference_participation(filters, dimension), (filters, dimension)


@pytest.mark.parametrize("seed", [7, 23])
def test_the_breakdowns_counted_in_one_pass_are_each_dimensions_distinct_people(seed, home_page):
    """The dashboard reads enrolments and presences once for its four breakdowns
    (decision 0609); each still counts the distinct (person, value) pairs of its own."""
    rng = random.Random(seed)
    course, cohort, organisations = random_training(rng, home_page)
    dimensions = rng.sample(["country", "gender", "role", "migrant_status", "organisation"], 5)
    found_some = False
    for filters in filter_sets(rng, course, cohort, organisations):
        together = participation_by_dimensions(filters, dimensions)
        assert set(together) == set(dimensions)
        for dimension in dimensions:
            served = {
                row["value"]: row["participants"]
                for row in together[dimension]
                if row["participants"]
            }
            assert served == reference_participation(filters, dimension), (filters, dimension)
            found_some = found_some or bool(served)
            # the completions are those of the breakdown computed alone
            assert together[dimension] == participation_by(filters, dimension)
    assert found_some


@pytest.mark.parametrize("zone", ["UTC", "Asia/Amman", "America/Santiago"])
def test_the_period_as_a_range_of_moments_picks_the_days_a_cast_to_a_date_picks(zone):
    """``period_q`` compares moments with the first moment of each end day (decision 0609);
    the definition is the day of each moment in the current time zone, clock changes
    included. Random moments near midnights of a year, random periods."""
    import zoneinfo

    rng = random.Random(zone)
    learner = person("vn", "worker")
    start = dt.datetime(2022, 1, 1, tzinfo=dt.UTC)
    rows = []
    for n in range(400):
        day = start + dt.timedelta(days=rng.randint(0, 730))
        moment = day + dt.timedelta(hours=rng.choice([-4, -3, -2, 0, 1, 2, 3, 21, 22, 23]))
        moment += dt.timedelta(seconds=rng.choice([0, 1, 59, 3599]))
        rows.append(
            Statement(
                id=uuid.UUID(int=rng.getrandbits(128)),
                actor=learner,
                verb=verbs.COMPLETED,
                activity=f"{TEST_PREFIX}1.pre",
                activity_kind="test",
                timestamp=moment,
                content_hash=hashlib.sha256(str(n).encode()).hexdigest(),
                data={},
            )
        )
    Statement.objects.bulk_create(rows)
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        for _round in range(12):
            since = start.date() + dt.timedelta(days=rng.randint(0, 700))
            until = since + dt.timedelta(days=rng.randint(0, 60))
            for f in (
                ReportFilters(since=since, until=until),
                ReportFilters(since=since),
                ReportFilters(until=until),
            ):
                served = set(
                    Statement.objects.filter(f.period_q("timestamp")).values_list("id", flat=True)
                )
                by_day = {
                    s.id
                    for s in rows
                    if (not f.since or timezone.localtime(s.timestamp).date() >= f.since)
                    and (not f.until or timezone.localtime(s.timestamp).date() <= f.until)
                }
                assert served == by_day, (zone, f.since, f.until)
