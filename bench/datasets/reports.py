"""A large data set for the impact reports, built with bulk inserts: learners spread over
five countries, fifty organisations, three roles, genders and migrant statuses; their
enrolments in one course (a cohort with four class sessions per organisation, a third of
them still in progress), presences at those sessions and pre/post test statements in the
learning records.

Shared by the bench (`bench/scenarios/reports.py`, 100,000 learners and 1,000,000
statements) and the query-budget test (`tests/reports/test_scale.py`). Every step is
incremental: asking for more learners than exist adds the missing ones with their
enrolments, presences and statements, and asking again adds nothing.
"""

import datetime as dt
import hashlib
import uuid

from bench.datasets.fast_insert import insert_rows

LEARNER_PREFIX = "bench.report.learner."
COUNTRY_CODES = ["bd", "id", "jo", "kh", "vn"]
ORGANISATIONS_PER_COUNTRY = 10
SESSIONS_PER_COHORT = 4
ROLE_PATTERN = ["worker"] * 8 + ["supervisor", "manager"]
GENDERS = ["woman", "woman", "man", "undisclosed", ""]
MIGRANT_STATUSES = ["local", "migrant", "local", ""]
# Statement ids are derived from the learner and the statement's number: building twice
# makes the same ids, which the records' primary key refuses.
NAMESPACE = uuid.UUID("0b7d5bd4-1c1a-4a53-9f0f-3d3f7a6c0a11")


def report_data_build(
    *, course, learners: int, statements_per_learner: int = 2, attending_every: int = 1
) -> dict:
    """Make sure ``learners`` generated learners exist, each enrolled in ``course`` with
    ``statements_per_learner`` test statements (pre and post alternately), and every
    ``attending_every``-th of them present at some sessions. Returns how many rows of each
    kind were added."""
    added = {"learners": learners_build(count=learners)}
    added["enrolments"], added["attendance"] = enrolments_build(
        course=course, attending_every=attending_every
    )
    added["statements"] = statements_build(course=course, per_learner=statements_per_learner)
    return added


def generated_learners():
    from lms.accounts.models import User

    return User.objects.filter(username__startswith=LEARNER_PREFIX)


def organisations_build() -> dict:
    """Ten organisations in each of the five countries: ``{country: [organisation, ...]}``."""
    from lms.accounts.models import Organisation
    from lms.taxonomy.models import Country

    organisations = {}
    for country in Country.objects.canonical().filter(code__in=COUNTRY_CODES).order_by("code"):
        organisations[country] = [
            Organisation.objects.get_or_create(
                country=country,
                name=f"Bench factory {country.code}-{n}",
                defaults={"training_days_allocation": 20, "workers_count": 2000},
            )[0]
            for n in range(ORGANISATIONS_PER_COUNTRY)
        ]
    return organisations


def learners_build(*, count: int) -> int:
    """Learners numbered 0 to count - 1, with one role each (8 in 10 workers)."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from lms.accounts.models import Role, User

    have = generated_learners().count()
    if have >= count:
        return 0
    organisations = organisations_build()
    countries = list(organisations)
    places = [
        (country.pk, organisation.pk)
        for country in countries
        for organisation in organisations[country]
    ]

    def person(n):
        country_id, organisation_id = places[
            n % len(countries) * ORGANISATIONS_PER_COUNTRY
            + n // len(countries) % ORGANISATIONS_PER_COUNTRY
        ]
        return (
            f"{LEARNER_PREFIX}{n:06d}",
            country_id,
            organisation_id,
            GENDERS[n % len(GENDERS)],
            MIGRANT_STATUSES[n % len(MIGRANT_STATUSES)],
        )

    insert_rows(
        User,
        ["username", "country", "organisation", "gender", "migrant_status"],
        (person(n) for n in range(have, count)),
        password=make_password(None),  # nobody signs in as a generated learner
        date_joined=timezone.now(),
    )
    roles = dict(Role.objects.filter(code__in=set(ROLE_PATTERN)).values_list("code", "pk"))
    # Read before writing: SQLite may show a cursor rows that were inserted after it opened.
    without_role = list(
        generated_learners().filter(roles__isnull=True).values_list("pk", flat=True)
    )
    insert_rows(
        User.roles.through,
        ["user", "role"],
        ((pk, roles[ROLE_PATTERN[pk % 10]]) for pk in without_role),
    )
    return count - have


def cohorts_build(*, course) -> dict:
    """A cohort of ``course`` for each organisation, with its four past sessions:
    ``{organisation id: (cohort id, [session ids])}``."""
    from django.utils import timezone

    from courses.models import ClassSession, Cohort

    now = timezone.now()
    cohorts = {}
    for organisations in organisations_build().values():
        for organisation in organisations:
            cohort, _created = Cohort.objects.get_or_create(
                name=f"Bench cohort {organisation.name}",
                course=course,
                country_id=organisation.country_id,
                organisation=organisation,
                defaults={"language": "en", "start_date": now.date() - dt.timedelta(days=60)},
            )
            sessions = list(cohort.sessions.order_by("starts_at").values_list("pk", flat=True))
            for n in range(len(sessions), SESSIONS_PER_COHORT):
                starts = now - dt.timedelta(days=50 - 10 * n)
                sessions.append(
                    ClassSession.objects.create(
                        cohort=cohort,
                        title=f"Session {n + 1}",
                        starts_at=starts,
                        ends_at=starts + dt.timedelta(hours=3),
                    ).pk
                )
            cohorts[organisation.pk] = (cohort.pk, sessions)
    return cohorts


def enrolments_build(*, course, attending_every: int = 1) -> tuple[int, int]:
    """Enrol every generated learner not enrolled yet in their organisation's cohort (two
    in three completed), and mark every ``attending_every``-th of them (by id) present at
    one to four of its sessions. Returns the enrolments and presences added."""
    from django.utils import timezone

    from courses.models import Attendance, Enrolment

    now = timezone.now()
    cohorts = cohorts_build(course=course)
    new = list(
        generated_learners()
        .exclude(enrolments__course=course)
        .order_by("pk")
        .values_list("pk", "organisation_id")
    )
    if not new:
        return 0, 0
    enrolments = insert_rows(
        Enrolment,
        ["learner", "cohort", "completed_at"],
        ((pk, cohorts[organisation_id][0], now if pk % 3 else None) for pk, organisation_id in new),
        course=course.pk,
        source="trainer",
    )
    presences = insert_rows(
        Attendance,
        ["session", "learner"],
        (
            (session_id, pk)
            for pk, organisation_id in new
            if pk % attending_every == 0
            for session_id in cohorts[organisation_id][1][
                : 1 + pk // attending_every % SESSIONS_PER_COHORT
            ]
        ),
        present=True,
        via="roster",
    )
    # Bulk inserts bypass the model signals that keep each learner's rolled-up enrolments
    # and presences (decision 0615): compute them as a bulk import must.
    from lms.reports.participation import participation_rebuild

    participation_rebuild()
    return enrolments, presences


def knowledge_test_activity(course, phase: str) -> str:
    from lms.records.activities import activity_id

    return activity_id("test", f"{course.pk}.{phase}")


def statements_build(*, course, per_learner: int) -> int:
    """``per_learner`` completed tests, pre and post alternately (with one each, half the
    learners took the pre-test and half the post-test), for every generated learner who
    has none for ``course`` yet; post-test scores run three points above pre-test ones."""
    from django.db.models import Exists, OuterRef
    from django.utils import timezone

    from lms.records import verbs
    from lms.records.models import Statement

    activities = {phase: knowledge_test_activity(course, phase) for phase in ("pre", "post")}
    # NOT EXISTS, not NOT IN: PostgreSQL rescans an IN list per row once it outgrows work_mem.
    tested = Exists(
        Statement.objects.filter(actor_id=OuterRef("pk"), activity__in=activities.values())
    )
    learners = list(
        generated_learners().exclude(tested).order_by("pk").values_list("pk", flat=True)
    )
    now = timezone.now()

    data = {
        phase: {"verb": {"id": verbs.COMPLETED}, "object": {"id": activity}}
        for phase, activity in activities.items()
    }
    timestamps = {"pre": now - dt.timedelta(days=30), "post": now - dt.timedelta(days=10)}

    def statement(pk, n):
        phase = "pre" if (pk + n) % 2 == 0 else "post"
        statement_id = uuid.uuid5(NAMESPACE, f"{course.pk}:{pk}:{n}")
        score = (pk + n) % 11 if phase == "pre" else min(10, (pk + n) % 11 + 3)
        return (
            statement_id,
            pk,
            activities[phase],
            score,
            timestamps[phase],
            hashlib.sha256(statement_id.bytes).hexdigest(),
            data[phase],
        )

    added = insert_rows(
        Statement,
        ["id", "actor", "activity", "score_raw", "timestamp", "content_hash", "data"],
        (statement(pk, n) for pk in learners for n in range(per_learner)),
        verb=verbs.COMPLETED,
        activity_kind="test",
        score_max=10,
    )
    if added:
        # Bulk inserts bypass the records' write path, which keeps each learner's
        # rolled-up test scores (decision 0613): compute them as a bulk import must.
        from lms.reports.test_scores import scores_rebuild

        scores_rebuild()
    return added
