"""Impact indicators, each counted in the database in a fixed number of queries whatever
the number of learners or records.

Definitions (the figures a funder gets):

* **Participants trained**: distinct people who enrolled, completed or attended a class
  session in the period; **completions**: enrolments completed in the period. Each event
  counts under the attributes the person had then (``PersonSnapshot``).
* **Training days delivered**: class sessions held in the period for an organisation's
  cohorts (one session is one training day), against ``Organisation.training_days_allocation``;
  with a person filter, sessions of cohorts in which such a person is enrolled.
* **Coverage**: people of a role (manager, supervisor, worker) trained in the period
  (completed or attended, not merely enrolled) out of the people of that role registered,
  against the country's ``CoverageTarget`` (defaults 100% managers, 50% supervisors,
  20% workers).
* **Knowledge gain** (paired): per course, over learners with both tests, the mean of each
  one's first pre-test and of their best post-test (% of the maximum), server-scored
  only; gain = post - pre in points. Percentages have one decimal.
* **Attendance rate**: presences marked, out of sessions x learners enrolled in the cohort.
* **Certificates**: issued in the period; active, expiring within 90 days, expired and
  revoked on the period's end; each under the holder's attributes when it was issued
  (``Certificate.holder_profile``). **CPD hours**: logged with a date in the period.
  **Community activity**: posts and questions written in the period. These come from the
  rooms' own selectors, for the people the filters pick out (a course or cohort filter
  means the people enrolled in it).
* **Reach of awareness media** is counted anonymously (no person is stored with a view),
  so it follows the period and country filters only; the dashboard says so.
"""

import math
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain, repeat

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Length, Right, RowNumber, Substr
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from certification import selectors as certification_selectors
from community import selectors as community_selectors
from courses.models import Attendance, CoursePage, Enrolment
from lms.accounts.models import Organisation, User
from lms.records import verbs
from lms.records.activities import PREFIX
from lms.records.models import Statement
from lms.reports.filters import ReportFilters
from lms.reports.models import COVERAGE_ROLES, DEFAULT_TARGETS, CoverageTarget
from lms.taxonomy.models import Country
from media_library import selectors as media_selectors

TEST_PREFIX = f"{PREFIX}test:"


@dataclass
class Column:
    key: str
    label: str
    count: bool = False  # a count of people or events, suppressed under 5 when shared
    # A figure computed from counts of the same row: left out when one of them is hidden
    # in a shared export; a ``ratio`` (part, whole) is recomputed from the published counts.
    derived_from: tuple[str, ...] = ()
    ratio: tuple[str, str] | None = None


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[dict]
    chart_label: str = ""  # the column naming each bar
    chart_values: list[str] = field(default_factory=list)  # the columns drawn as bars
    chart_kind: str = "bar"  # or "line": a trend over the rows (cycles, years)
    note: str = ""  # what the reader must know to read the figures right
    # Whether the rows of a count column add up to a total (secondary suppression applies).
    additive: bool = True

    def cells(self) -> list[list]:
        """The rows as lists of values in column order (for templates)."""
        return [[row.get(column.key) for column in self.columns] for row in self.rows]


def _course_q(f: ReportFilters, cohort_path: str, course_path: str) -> Q:
    q = Q()
    if f.course:
        q &= Q(**{f"{course_path}translation_key": f.course.translation_key})
    if f.cohort:
        q &= Q(**{f"{cohort_path}id": f.cohort.pk})
    return q


def _period_enrolments(f: ReportFilters):
    """Enrolments made or completed in the period, for people who matched the filters
    when they enrolled."""
    enrolments = Enrolment.objects.filter(
        f.profile_q("learner_profile__", "learner__"), _course_q(f, "cohort_", "course__")
    )
    if f.since or f.until:
        enrolments = enrolments.filter(
            f.period_q("enrolled_at") | (Q(completed_at__isnull=False) & f.period_q("completed_at"))
        )
    return enrolments


def _period_completions(f: ReportFilters):
    """Enrolments completed in the period, for people who matched the filters when they
    completed."""
    return Enrolment.objects.filter(
        f.profile_q("completion_profile__", "learner__"),
        _course_q(f, "cohort_", "course__"),
        _completed_q(f),
    )


def _period_presences(f: ReportFilters):
    """Presences at class sessions held in the period, for people who matched the
    filters when they were marked."""
    return Attendance.objects.filter(
        f.profile_q("learner_profile__", "learner__"),
        _course_q(f, "session__cohort_", "session__cohort__course__"),
        f.period_q("session__starts_at"),
        present=True,
    )


def _completed_q(f: ReportFilters) -> Q:
    return Q(completed_at__isnull=False) & f.period_q("completed_at")


def _as_then(column: str, snapshot: str, person: str):
    """A person's attribute as it was at the event (its snapshot), else as it is."""
    return Case(
        When(**{f"{snapshot}isnull": False}, then=F(f"{snapshot}{column}")),
        default=F(f"{person}{column}"),
    )


def participation_totals(f: ReportFilters, *, direct: bool = False) -> dict:
    """``participants`` (people enrolled, completing or attending a class in the period),
    ``enrolments`` and ``completions``. Three queries. The participants come from the
    learners' rolled-up events (decision 0615); ``direct`` reads every event instead (the
    definition, which the tests compare them with)."""
    from lms.reports.participation import participants

    enrolments = _period_enrolments(f)
    if direct:
        people = enrolments.values("learner_id").union(_period_presences(f).values("learner_id"))
        count = people.count()
    else:
        count = participants(f)
    return {
        "participants": count,
        "enrolments": enrolments.count(),
        "completions": _period_completions(f).count(),
    }


def _direct_events_sql(f: ReportFilters, columns) -> tuple[str, list]:
    """Every enrolment and presence in ``f`` with its learner and ``columns`` (see
    :func:`lms.reports.participation.participation_events_sql`), as SQL and parameters."""
    enrolled = _period_enrolments(f).values(
        "learner_id", **columns("learner_profile__", "learner__")
    )
    present = _period_presences(f).values("learner_id", **columns("learner_profile__", "learner__"))
    # UNION ALL: a person counted twice under one value is made distinct by the counts,
    # so the union need not sort every row to drop duplicates first.
    sql, params = enrolled.union(present, all=True).query.sql_with_params()
    return sql, list(params)


DIMENSIONS = {
    "country": "country__code",
    "gender": "gender",
    "role": "roles__code",
    "migrant_status": "migrant_status",
    "organisation": "organisation__name",
}


def participation_by(f: ReportFilters, dimension: str) -> list[dict]:
    """Participants and completions per value of ``dimension`` (country, gender, role,
    migrant_status, organisation), each counted under the value the person had at the
    event (enrolment, presence, completion). A person with two roles counts under each.
    Two queries, each counting in the database."""
    return participation_by_dimensions(f, [dimension])[dimension]


def participation_by_dimensions(
    f: ReportFilters, dimensions: list[str], *, direct: bool = False
) -> dict[str, list[dict]]:
    """:func:`participation_by` for several dimensions at once: the events are read and
    joined to the people's attributes once for all of them (one query), then each dimension
    counts its distinct (person, value) pairs; completions take one query per dimension.
    By dimension, the rows :func:`participation_by` gives. The events are the learners'
    rolled-up ones (decision 0615); ``direct`` reads every enrolment and presence instead
    (the definition, which the tests compare them with)."""
    from lms.reports.participation import participation_events_sql

    def columns(snapshot, person):
        # Each dimension's value as the person had it at the event, in a column of its own.
        return {
            f"v_{dimension}": _as_then(DIMENSIONS[dimension], snapshot, person)
            for dimension in dimensions
        }

    events_sql = _direct_events_sql if direct else participation_events_sql
    union_sql, params = events_sql(f, columns)
    # The distinct pairs first, then a count per value: both can be hashed, where
    # COUNT(DISTINCT ...) per value makes PostgreSQL sort every row twice.
    counts = " UNION ALL ".join(
        f'SELECT {index}, "value", COUNT(*) FROM (SELECT DISTINCT "v_{dimension}" AS "value",'  # noqa: S608
        f' "learner_id" FROM events) AS pairs_{index} GROUP BY "value"'
        for index, dimension in enumerate(dimensions)
    )
    participants: dict[str, dict] = {dimension: {} for dimension in dimensions}
    with connection.cursor() as cursor:
        # The SQL is Django's own compilation of the querysets above, the dimensions' names
        # (keys of DIMENSIONS) and their positions; values are parameters.
        cursor.execute(f"WITH events AS ({union_sql}) {counts}", params)
        for index, value, n in cursor.fetchall():
            participants[dimensions[index]][value] = n
    result = {}
    for dimension in dimensions:
        completions = dict(
            _period_completions(f)
            .values_list(_as_then(DIMENSIONS[dimension], "completion_profile__", "learner__"))
            .annotate(n=Count("pk", distinct=True))
            .order_by()
        )
        people = participants[dimension]
        values = sorted(set(people) | set(completions), key=lambda v: (v is None, v or ""))
        result[dimension] = [
            {
                "value": value,
                "participants": people.get(value, 0),
                "completions": completions.get(value, 0),
            }
            for value in values
        ]
    return result


def training_days(f: ReportFilters) -> list[dict]:
    """Sessions held per organisation against its allocation; with a person filter (role,
    gender, migrant status, course, cohort), only sessions of cohorts in which someone the
    filters pick out is enrolled. One query."""
    sessions = Q(cohorts__sessions__isnull=False) & f.period_q("cohorts__sessions__starts_at")
    sessions &= _course_q(f, "cohorts__", "cohorts__course__")
    if f.role or f.gender or f.migrant_status:
        people = User.objects.filter(f.people_q()).values("pk")
        sessions &= Q(cohorts__enrolments__learner__in=people)
    organisations = Organisation.objects.all()
    if f.country:
        organisations = organisations.filter(country_id=f.country.pk)
    if f.sector:
        organisations = organisations.filter(sector_id=f.sector.pk)
    if f.organisation:
        organisations = organisations.filter(pk=f.organisation.pk)
    rows = (
        organisations.values(
            "pk", "name", "training_days_allocation", country_code=F("country__code")
        )
        .annotate(delivered=Count("cohorts__sessions", filter=sessions, distinct=True))
        .order_by("country__code", "name")
    )
    result = []
    for row in rows:
        allocation = row["training_days_allocation"] or Decimal("0")
        row["allocation"] = allocation
        row["used_percent"] = percent(row["delivered"], allocation)
        result.append(row)
    return result


def percent(part, whole) -> float | None:
    """A share in percent with one decimal (12.5, not 12); ``None`` without a whole."""
    if not whole:
        return None
    return round(100 * float(part) / float(whole), 1)


def coverage(f: ReportFilters) -> list[dict]:
    """People trained out of people registered, per country and role, with the target.
    Two queries."""
    # A correlated EXISTS (an index look-up per person), not IN (a list of every enrolment:
    # PostgreSQL scans it again for each person once it outgrows work_mem).
    # "Trained" means completed a course or attended a class in the period, not merely
    # enrolled (issue 16).
    completed = Enrolment.objects.filter(
        _course_q(f, "cohort_", "course__"), _completed_q(f), learner_id=OuterRef("pk")
    )
    attended = Attendance.objects.filter(
        _course_q(f, "session__cohort_", "session__cohort__course__"),
        f.period_q("session__starts_at"),
        present=True,
        learner_id=OuterRef("pk"),
    )
    trained = Exists(completed) | Exists(attended)
    roles = [f.role] if f.role in COVERAGE_ROLES else ([] if f.role else list(COVERAGE_ROLES))
    rows = (
        User.objects.filter(
            f.people_q(with_role=False), roles__code__in=roles, country__isnull=False
        )
        .values(country_code=F("country__code"), country_pk=F("country_id"), role=F("roles__code"))
        .annotate(
            people=Count("pk", distinct=True),
            trained=Count("pk", distinct=True, filter=Q(trained)),
        )
        .order_by("country__code", "roles__code")
    )
    rows = list(rows)
    targets = {
        (country_id, role): percent
        for country_id, role, percent in CoverageTarget.objects.filter(
            country_id__in={r["country_pk"] for r in rows}
        ).values_list("country_id", "role", "percent")
    }
    for row in rows:
        row["target_percent"] = targets.get(
            (row["country_pk"], row["role"]), DEFAULT_TARGETS[row["role"]]
        )
        row["coverage_percent"] = percent(row["trained"], row["people"]) or 0.0
        row["met"] = row["coverage_percent"] >= row["target_percent"]
    return rows


def _test_statements(f: ReportFilters):
    """Server-scored pre/post test results (with a score) of the people and period of the
    filters; with a course or cohort filter, that course's tests."""
    statements = Statement.objects.filter(
        f.people_q("actor__"),
        activity__startswith=TEST_PREFIX,
        verb=verbs.COMPLETED,
        score_max__gt=0,
        score_raw__isnull=False,
        self_reported=False,
    ).filter(f.period_q("timestamp"))
    course = f.cohort.course if f.cohort else f.course
    if course:
        statements = statements.filter(
            activity__in=[f"{TEST_PREFIX}{course.pk}.pre", f"{TEST_PREFIX}{course.pk}.post"]
        )
    if f.cohort:
        statements = statements.filter(
            Exists(Enrolment.objects.filter(learner_id=OuterRef("actor_id"), cohort=f.cohort))
        )
    return statements


def _phase_results(f: ReportFilters, phase: str, only: Q | None = None):
    """The test results of one phase (``pre`` or ``post``) as SQL and its parameters, with
    the course as written in the activity (``course``, a string) and the score in percent
    (``score``, computed as ``100 * raw / max`` in double precision, as Python does);
    ``only`` narrows them further (it may name ``course``)."""
    suffix = f".{phase}"
    start, cut = len(TEST_PREFIX) + 1, len(TEST_PREFIX) + len(suffix)
    results = (
        _test_statements(f)
        # Right(), not endswith: SQLite's LIKE ignores case, the phase does not.
        .annotate(
            phase=Right("activity", len(suffix)),
            course=Substr("activity", start, Length("activity") - cut),
            score=ExpressionWrapper(
                Value(100.0) * F("score_raw") / F("score_max"), output_field=FloatField()
            ),
        )
        .filter(phase=suffix)
        .filter(only or Q())
        .order_by()
        .values("course", "actor_id", "timestamp", "id", "score")
    )
    return results.query.sql_with_params()


# Each learner's first pre-test (earliest, then lowest id) and best post-test per course,
# paired in the database; what comes back is one row per course and pair of scores with the
# number of learners who have it, not the records.
PAIRED_SCORES_SQL = """
SELECT pre."course", pre."score", post."score", COUNT(*)
FROM (
    SELECT "course", "actor_id", "score",
           ROW_NUMBER() OVER (
               PARTITION BY "course", "actor_id" ORDER BY "timestamp", "id"
           ) AS "turn"
    FROM ({pre}) AS pre_results
) AS pre
JOIN (
    SELECT "course", "actor_id", MAX("score") AS "score"
    FROM ({post}) AS post_results
    GROUP BY "course", "actor_id"
) AS post ON post."course" = pre."course" AND post."actor_id" = pre."actor_id"
WHERE pre."turn" = 1
GROUP BY pre."course", pre."score", post."score"
"""


def paired_scores(
    f: ReportFilters, only: Q | None = None
) -> dict[int, list[tuple[float, float, int]]]:
    """Per course id: ``(first pre-test %, best post-test %, learners)`` for the learners
    with both tests in the filters (and ``only``, see :func:`_phase_results`), read from
    every record: the direct definition. One query, paired in the database."""
    pre_sql, pre_params = _phase_results(f, "pre", only)
    post_sql, post_params = _phase_results(f, "post", only)
    sql = PAIRED_SCORES_SQL.format(pre=pre_sql, post=post_sql)
    pairs: dict[int, list[tuple[float, float, int]]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, (*pre_params, *post_params))
        for course, pre, post, learners in cursor.fetchall():
            if course.isdigit():  # an activity the site did not make has no course
                pairs.setdefault(int(course), []).append((pre, post, learners))
    return pairs


def _mean(values: list[tuple[float, int]]) -> float:
    """The mean of ``values`` given as (value, how many): an exact sum (``math.fsum``), so
    the figure does not depend on the order the rows came in."""
    count = sum(n for _v, n in values)
    return math.fsum(chain.from_iterable(repeat(v, n) for v, n in values)) / count


def knowledge_gain(f: ReportFilters) -> list[dict]:
    """Paired knowledge gain per course: for each learner with both tests, their first
    pre-test and their best post-test (% of the maximum); the means over those learners
    and gain = mean post - mean pre, one decimal. Only scores this site computed count
    (the test is scored on the server; a self-reported score never does). With a cohort
    filter, only that cohort's course and learners. The pairs come from each learner's
    rolled-up scores where these answer exactly, from the records elsewhere
    (:func:`lms.reports.test_scores.rolled_up_pairs`); four queries at most."""
    from lms.reports.test_scores import rolled_up_pairs

    pairs = rolled_up_pairs(f)
    titles = course_titles(pairs)
    result = []
    for course_id, scores in sorted(pairs.items()):
        pre = _mean([(p, n) for p, _q, n in scores])
        post = _mean([(q, n) for _p, q, n in scores])
        result.append(
            {
                "course_id": course_id,
                "course": titles.get(course_id, str(course_id)),
                "pre": round(pre, 1),
                "post": round(post, 1),
                "gain": round(post - pre, 1),
                "learners": sum(n for _p, _q, n in scores),
            }
        )
    return result


def course_titles(course_ids, language: str | None = None) -> dict[int, str]:
    """Each course's title in ``language`` (default: the viewer's), or in the language it
    was written in where not translated, by id. One query."""
    translated = CoursePage.objects.filter(
        translation_key=OuterRef("translation_key"),
        locale__language_code=language or get_language(),
    ).values("title")[:1]
    return dict(
        CoursePage.objects.filter(pk__in=course_ids)
        .annotate(shown=Coalesce(Subquery(translated), F("title")))
        .values_list("pk", "shown")
    )


def knowledge_gain_per_question(f: ReportFilters, *, direct: bool = False) -> list[dict]:
    """For one course (the course filter): the share of right answers to each pre/post test
    question, from each learner's latest test in each phase (the last by moment, then id).
    One query (streamed): the latest tests picked in the database; ``direct`` reads every
    test instead (the definition, which the tests compare it with)."""
    if not f.course:
        return []
    from courses.selectors import ANSWERS_EXTENSION

    phases = {f"{TEST_PREFIX}{f.course.pk}.{phase}": phase for phase in ("pre", "post")}
    statements = Statement.objects.filter(
        f.people_q("actor__"), activity__in=phases, verb=verbs.COMPLETED
    ).filter(f.period_q("timestamp"))
    if f.cohort:
        statements = statements.filter(actor__enrolments__cohort_id=f.cohort.pk)
    latest: dict[str, dict[int, dict]] = {"pre": {}, "post": {}}
    if direct:
        # Every test read in order, the latest of each learner and phase kept in Python.
        rows = statements.order_by("timestamp", "id").values_list("actor_id", "activity", "data")
        for actor_id, activity, data in rows.iterator(chunk_size=2000):
            result = (data or {}).get("result") or {}
            answers = (result.get("extensions") or {}).get(ANSWERS_EXTENSION) or {}
            latest[phases[activity]][actor_id] = answers
    else:
        # Each learner's latest test of each phase picked in the database (the last in
        # (moment, id) order, as above), and only its answers read: at most two rows per
        # learner instead of every test and its whole record.
        newest = Window(
            RowNumber(),
            partition_by=[F("actor_id"), F("activity")],
            order_by=[F("timestamp").desc(), F("id").desc()],
        )
        rows = (
            statements.annotate(turn=newest)
            .filter(turn=1)
            .values_list("actor_id", "activity", f"data__result__extensions__{ANSWERS_EXTENSION}")
        )
        for actor_id, activity, answers in rows.iterator(chunk_size=2000):
            latest[phases[activity]][actor_id] = answers if isinstance(answers, dict) else {}
    questions = []
    for block in f.course.test_questions:
        rates = {}
        for phase in ("pre", "post"):
            marks = [bool(a[block.id]) for a in latest[phase].values() if block.id in a]
            rates[phase] = round(100 * sum(marks) / len(marks), 1) if marks else None
            rates[f"{phase}_answers"] = len(marks)
        questions.append({"question": block.value["question"], **rates})
    return questions


def attendance(f: ReportFilters) -> list[dict]:
    """Presences out of expected presences per country (the country the learner had when
    enrolled, and when marked present). Two queries."""
    session_period = f.period_q("cohort__sessions__starts_at")
    enrolments = Enrolment.objects.filter(
        f.profile_q("learner_profile__", "learner__"),
        _course_q(f, "cohort_", "course__"),
        cohort__isnull=False,
    )
    presences = _period_presences(f).filter(session__cohort__enrolments__learner=F("learner"))
    expected = dict(
        enrolments.values_list(_as_then("country__code", "learner_profile__", "learner__"))
        .annotate(n=Count("cohort__sessions", filter=session_period))
        .order_by()
    )
    present = dict(
        presences.values_list(_as_then("country__code", "learner_profile__", "learner__"))
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    rows = []
    for code in sorted(set(expected) | set(present), key=lambda c: c or ""):
        e, p = expected.get(code, 0), present.get(code, 0)
        rows.append(
            {"country_code": code or "", "expected": e, "present": p, "rate": percent(p, e)}
        )
    return rows


def certificates(f: ReportFilters) -> list[dict]:
    """Certificates issued in the period and those active, expiring, expired and revoked
    on its end, per holder country, for holders who matched the filters when the
    certificate was issued (its ``holder_profile``; the course and cohort filters mean
    people enrolled in them). One query."""
    by_country = certification_selectors.certificate_counts_by_country(
        on=f.until or timezone.localdate(),
        since=f.since,
        holders=f.enrolled_people(),
        where=f.profile_q("holder_profile__", "holder__"),
    )
    return [{"country_code": code, **counts} for code, counts in sorted(by_country.items())]


def cpd_hours(f: ReportFilters) -> Decimal:
    """CPD hours logged in the period by the people the filters pick out. One query."""
    return certification_selectors.cpd_hours(
        since=f.since, until=f.until, country=f.country, people=f.people()
    )


def media_reach(f: ReportFilters) -> list[dict]:
    """Views and completions per item, language and country (anonymous: period and
    country only). One query."""
    return list(media_selectors.reach_counts(since=f.since, until=f.until, country=f.country))


def community_activity(f: ReportFilters) -> dict:
    """Active members, questions asked and answered, median time to a first answer, for
    the people the filters pick out."""
    import datetime as dt

    def moment(day, extra_days=0):
        if day is None:
            return None
        return timezone.make_aware(
            dt.datetime.combine(day + dt.timedelta(days=extra_days), dt.time())
        )

    return community_selectors.activity_summary(
        since=moment(f.since),
        until=moment(f.until, 1),
        country=f.country,
        members=f.people(),
    )


def countries_for(f: ReportFilters) -> dict[str, str]:
    """Country names by code, in the viewer's language where translated. Two queries."""
    from lms.taxonomy.selectors import terms_in_language

    return {code: str(term) for code, term in terms_in_language(model=Country).items()}


# --- the tables shown on the dashboard and exported --------------------------------------


def _label(choices, value):
    return str(dict(choices).get(value, value)) if value else str(_("Not given"))


@contextmanager
def reporting_memory():
    """On PostgreSQL, for the queries run inside: ``settings.REPORTS_WORK_MEM`` for each
    sort and hash, and no nested-loop joins (a transaction's settings, put back as they were
    on the way out); elsewhere, nothing. Two queries on PostgreSQL.

    Every query here reads a large share of a table; where the planner misjudges how many
    rows a filter leaves (a course reached through its translation key, a snapshot or the
    person's own attribute), it chose one index look-up per row, 250,000 of them for the
    presences of one course (decision 0609). Hash joins read each table once."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('work_mem'), current_setting('enable_nestloop'),"
            " set_config('work_mem', %s, true), set_config('enable_nestloop', 'off', true)",
            [settings.REPORTS_WORK_MEM],
        )
        work_mem, nestloop, *_set = cursor.fetchone()
        yield
        cursor.execute(
            "SELECT set_config('work_mem', %s, true), set_config('enable_nestloop', %s, true)",
            [work_mem, nestloop],
        )


def indicator_tables(f: ReportFilters) -> list[Table]:
    """Every indicator as a table (with the columns to chart). A fixed number of queries."""
    with reporting_memory():
        return _indicator_tables(f)


def _indicator_tables(f: ReportFilters) -> list[Table]:
    from lms.accounts.models import Role

    names = countries_for(f)
    languages = {code: str(name) for code, name in settings.LANGUAGES}
    country = lambda code: names.get(code, code or str(_("No country")))  # noqa: E731
    totals = participation_totals(f)
    tables = [
        Table(
            "summary",
            str(_("Summary")),
            [
                Column("indicator", str(_("Indicator"))),
                Column("value", str(_("Value")), count=True),
            ],
            [
                {"indicator": str(_("Participants trained")), "value": totals["participants"]},
                {"indicator": str(_("Enrolments")), "value": totals["enrolments"]},
                {"indicator": str(_("Completions")), "value": totals["completions"]},
            ],
            "indicator",
            ["value"],
            additive=False,
        )
    ]
    by_dimension = participation_by_dimensions(f, ["country", "gender", "role", "migrant_status"])
    people_columns = [
        Column("participants", str(_("Participants")), count=True),
        Column("completions", str(_("Completions")), count=True),
    ]
    for dimension, title, label_of in (
        ("country", _("Participants by country"), country),
        ("gender", _("Participants by gender"), lambda v: _label(User.Gender.choices, v)),
        ("role", _("Participants by role"), lambda v: _label(Role.Code.choices, v)),
        (
            "migrant_status",
            _("Participants by migrant status"),
            lambda v: _label(User.MigrantStatus.choices, v),
        ),
    ):
        rows = [
            {
                "group": label_of(row["value"]),
                "participants": row["participants"],
                "completions": row["completions"],
            }
            for row in by_dimension[dimension]
        ]
        tables.append(
            Table(
                f"participants_{dimension}",
                str(title),
                [Column("group", str(_("Group"))), *people_columns],
                rows,
                "group",
                ["participants", "completions"],
            )
        )
    tables.append(
        Table(
            "training_days",
            str(_("Training days delivered against allocation")),
            [
                Column("organisation", str(_("Organisation"))),
                Column("country", str(_("Country"))),
                Column("delivered", str(_("Days delivered")), count=True),
                Column("allocation", str(_("Days allocated"))),
                Column("used_percent", str(_("Used (%)")), ratio=("delivered", "allocation")),
            ],
            [
                {
                    "organisation": r["name"],
                    "country": country(r["country_code"]),
                    "delivered": r["delivered"],
                    "allocation": r["allocation"],
                    "used_percent": r["used_percent"],
                }
                for r in training_days(f)
            ],
            "organisation",
            ["delivered", "allocation"],
        )
    )
    tables.append(
        Table(
            "coverage",
            str(_("Coverage against targets")),
            [
                Column("group", str(_("Country and role"))),
                Column("people", str(_("People registered")), count=True),
                Column("trained", str(_("People trained")), count=True),
                Column("coverage_percent", str(_("Coverage (%)")), ratio=("trained", "people")),
                Column("target_percent", str(_("Target (%)"))),
            ],
            [
                {
                    "group": " · ".join(
                        (country(r["country_code"]), _label(Role.Code.choices, r["role"]))
                    ),
                    "people": r["people"],
                    "trained": r["trained"],
                    "coverage_percent": r["coverage_percent"],
                    "target_percent": r["target_percent"],
                }
                for r in coverage(f)
            ],
            "group",
            ["coverage_percent", "target_percent"],
        )
    )
    tables.append(
        Table(
            "knowledge_gain",
            str(_("Knowledge gain (pre/post tests)")),
            [
                Column("course", str(_("Course"))),
                Column("pre", str(_("Pre-test mean (%)")), derived_from=("learners",)),
                Column("post", str(_("Post-test mean (%)")), derived_from=("learners",)),
                Column("gain", str(_("Gain (points)")), derived_from=("learners",)),
                Column("learners", str(_("Learners tested before and after")), count=True),
            ],
            [
                {k: r[k] for k in ("course", "pre", "post", "gain", "learners")}
                for r in knowledge_gain(f)
            ],
            "course",
            ["pre", "post"],
        )
    )
    if f.course:
        tables.append(
            Table(
                "knowledge_gain_questions",
                str(_("Right answers per test question")),
                [
                    Column("question", str(_("Question"))),
                    Column(
                        "pre", str(_("Right answers before (%)")), derived_from=("post_answers",)
                    ),
                    Column(
                        "post", str(_("Right answers after (%)")), derived_from=("post_answers",)
                    ),
                    Column("post_answers", str(_("Answers after")), count=True),
                ],
                [
                    {k: r[k] for k in ("question", "pre", "post", "post_answers")}
                    for r in knowledge_gain_per_question(f)
                ],
                "question",
                ["pre", "post"],
            )
        )
    tables.append(
        Table(
            "attendance",
            str(_("Attendance")),
            [
                Column("country", str(_("Country"))),
                Column("present", str(_("Presences")), count=True),
                Column("expected", str(_("Expected presences")), count=True),
                Column("rate", str(_("Attendance rate (%)")), ratio=("present", "expected")),
            ],
            [
                {
                    "country": country(r["country_code"]),
                    "present": r["present"],
                    "expected": r["expected"],
                    "rate": r["rate"],
                }
                for r in attendance(f)
            ],
            "country",
            ["rate"],
        )
    )
    tables.append(
        Table(
            "certificates",
            str(_("Certificates")),
            [
                Column("country", str(_("Country"))),
                Column("issued", str(_("Issued")), count=True),
                Column("active", str(_("Active")), count=True),
                Column("expiring", str(_("Expiring within 90 days")), count=True),
                Column("expired", str(_("Expired")), count=True),
                Column("revoked", str(_("Revoked")), count=True),
            ],
            [{"country": country(r.pop("country_code")), **r} for r in certificates(f)],
            "country",
            ["issued", "active"],
            note=str(
                _(
                    "Issued: in the period. Active, expiring, expired and revoked: on the "
                    "last day of the period (today if it has no end)."
                )
            ),
        )
    )
    hours = cpd_hours(f)
    summary = community_activity(f)
    wait = summary["median_time_to_first_answer"]
    tables.append(
        Table(
            "cpd_community",
            str(_("CPD hours and community activity")),
            [Column("indicator", str(_("Indicator"))), Column("value", str(_("Value")))],
            [
                {"indicator": str(_("CPD hours logged")), "value": hours},
                {
                    "indicator": str(_("Active community members")),
                    "value": summary["active_members"],
                    "_counts": ("value",),
                },
                {
                    "indicator": str(_("Questions asked")),
                    "value": summary["questions_asked"],
                    "_counts": ("value",),
                },
                {
                    "indicator": str(_("Questions answered")),
                    "value": summary["questions_answered"],
                    "_counts": ("value",),
                },
                {
                    "indicator": str(_("Questions with an accepted answer")),
                    "value": summary["questions_with_accepted_answer"],
                    "_counts": ("value",),
                },
                {
                    "indicator": str(_("Median hours to a first answer")),
                    "value": round(wait.total_seconds() / 3600, 1) if wait is not None else None,
                    # a median of fewer than 5 answers is close to one person's reply time
                    "_from_count": summary["questions_answered"],
                },
            ],
            additive=False,
        )
    )
    tables.append(
        Table(
            "media_reach",
            str(_("Reach of awareness media")),
            [
                Column("title", str(_("Item"))),
                Column("language", str(_("Language"))),
                Column("country", str(_("Country"))),
                Column("views", str(_("Views")), count=True),
                Column("completions", str(_("Completions")), count=True),
            ],
            [
                {
                    "title": r["title"],
                    "language": languages.get(r["language"], r["language"]),
                    "country": country(r["country_code"]),
                    "views": r["views"],
                    "completions": r["completions"],
                }
                for r in media_reach(f)
            ],
            "title",
            ["views", "completions"],
            note=str(
                _(
                    "Views are counted without knowing who watched, so this table follows "
                    "the period and country filters only."
                )
            )
            if f.narrows_people
            else "",
        )
    )
    return tables
