"""Impact reports under load: the global dashboard (every country side by side) on
BENCH_REPORT_LEARNERS learners (default 100,000) with BENCH_REPORT_STATEMENTS learning
records (default 1,000,000), and, in a worker process, an XLSX export of the anonymised
records (one row per enrolment: 100,000 rows).

prepare() bulk-inserts the learners (spread over countries, organisations, roles,
genders), their enrolments in one bench course (cohorts, sessions, attendance) and their
pre/post test statements, skipping what exists.

Staff need a second factor for the admin: the bench admin has a TOTP authenticator; the
harness must complete the sign-in with it (see bench/harness.py)."""

import datetime as dt
import hashlib
import os
import uuid

from bench.harness import PASSWORD, HttpScenario, TaskScenario

LEARNERS = int(os.environ.get("BENCH_REPORT_LEARNERS", 100_000))
STATEMENTS = int(os.environ.get("BENCH_REPORT_STATEMENTS", 1_000_000))
PREFIX = "bench.report."
ADMIN = "bench.report.admin"
COURSE_SLUG = "bench-report-course"
NAMESPACE = uuid.UUID("0b7d5bd4-1c1a-4a53-9f0f-3d3f7a6c0a11")


def prepare() -> None:
    from lms.portal import demo as portal_demo
    from lms.portal.models import SectionPage

    if not SectionPage.objects.filter(slug="training").exists():
        portal_demo.load()
    _admin()
    course = _course()
    _learners()
    _enrolments(course)
    _statements(course)


def _admin():
    from allauth.mfa.models import Authenticator

    from lms.accounts.models import User
    from lms.accounts.services import user_roles_set

    admin = User.objects.filter(username=ADMIN).first()
    if admin is None:
        admin = User.objects.create_user(ADMIN, password=PASSWORD, display_name="Bench Reports")
        user_roles_set(user=admin, roles=["global_admin"])
    Authenticator.objects.get_or_create(
        user=admin, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "bench"}}
    )


def _course():
    from courses.models import CoursePage, ProgrammePage
    from lms.portal.models import SectionPage

    course = CoursePage.objects.filter(slug=COURSE_SLUG).first()
    if course:
        return course
    section = SectionPage.objects.filter(slug="training", locale__language_code="en").first()
    course = ProgrammePage(title="Bench impact course", slug=COURSE_SLUG, self_enrolment=True)
    section.add_child(instance=course)
    return course


def _learners():
    from django.contrib.auth.hashers import make_password

    from lms.accounts.models import Organisation, Role, User
    from lms.taxonomy.models import Country

    have = User.objects.filter(username__startswith=PREFIX).exclude(username=ADMIN).count()
    if have >= LEARNERS:
        return
    countries = list(Country.objects.canonical().filter(code__in=["vn", "kh", "bd", "jo", "id"]))
    organisations = {}
    for country in countries:
        organisations[country.pk] = [
            Organisation.objects.get_or_create(
                country=country,
                name=f"Bench factory {country.code}-{n}",
                defaults={"training_days_allocation": 20, "workers_count": 2000},
            )[0]
            for n in range(10)
        ]
    password = make_password(None)
    genders = ["woman", "woman", "man", "undisclosed", ""]
    statuses = ["local", "migrant", "local", ""]
    User.objects.bulk_create(
        [
            User(
                username=f"{PREFIX}{n:06d}",
                password=password,
                country=countries[n % len(countries)],
                organisation=organisations[countries[n % len(countries)].pk][n % 10],
                gender=genders[n % len(genders)],
                migrant_status=statuses[n % len(statuses)],
            )
            for n in range(have, LEARNERS)
        ],
        batch_size=2000,
    )
    roles = {
        r.code: r.pk for r in Role.objects.filter(code__in=["worker", "supervisor", "manager"])
    }
    through = User.roles.through
    people = (
        User.objects.filter(username__startswith=PREFIX, roles__isnull=True)
        .exclude(username=ADMIN)
        .values_list("pk", flat=True)
    )
    pattern = ["worker"] * 8 + ["supervisor", "manager"]
    through.objects.bulk_create(
        [through(user_id=pk, role_id=roles[pattern[pk % 10]]) for pk in people.iterator()],
        batch_size=5000,
    )


def _enrolments(course):
    from django.utils import timezone

    from courses.models import Attendance, ClassSession, Cohort, Enrolment
    from lms.accounts.models import Organisation, User

    learners = User.objects.filter(username__startswith=PREFIX).exclude(username=ADMIN)
    if Enrolment.objects.filter(course=course).count() >= learners.count():
        return
    now = timezone.now()
    cohorts = {}
    for organisation in Organisation.objects.filter(name__startswith="Bench factory "):
        cohort, _ = Cohort.objects.get_or_create(
            name=f"Bench cohort {organisation.name}",
            course=course,
            country_id=organisation.country_id,
            organisation=organisation,
            defaults={"language": "en", "start_date": now.date() - dt.timedelta(days=60)},
        )
        cohorts[organisation.pk] = cohort
        for n in range(4 - cohort.sessions.count()):
            ClassSession.objects.create(
                cohort=cohort,
                title=f"Session {n + 1}",
                starts_at=now - dt.timedelta(days=50 - 10 * n),
                ends_at=now - dt.timedelta(days=50 - 10 * n, hours=-3),
            )
    enrolled = set(Enrolment.objects.filter(course=course).values_list("learner_id", flat=True))
    rows = learners.exclude(pk__in=enrolled).values_list("pk", "organisation_id")
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                learner_id=pk,
                course=course,
                cohort=cohorts.get(organisation_id),
                source="trainer",
                completed_at=now if pk % 3 else None,
            )
            for pk, organisation_id in rows.iterator()
        ],
        batch_size=5000,
    )
    sessions = {}
    for session in ClassSession.objects.filter(cohort__in=cohorts.values()):
        sessions.setdefault(session.cohort_id, []).append(session.pk)
    if not Attendance.objects.filter(session__cohort__course=course).exists():
        pairs = Enrolment.objects.filter(course=course).values_list("learner_id", "cohort_id")
        Attendance.objects.bulk_create(
            [
                Attendance(session_id=session_id, learner_id=pk, present=True, via="roster")
                for pk, cohort_id in pairs.iterator()
                for session_id in sessions.get(cohort_id, [])[: 1 + pk % 4]
            ],
            batch_size=5000,
        )


def _statements(course):
    from django.utils import timezone

    from lms.accounts.models import User
    from lms.records import verbs
    from lms.records.models import Statement

    learners = list(
        User.objects.filter(username__startswith=PREFIX)
        .exclude(username=ADMIN)
        .values_list("pk", flat=True)
    )
    tests = [f"urn:betterwork:test:{course.pk}.{phase}" for phase in ("pre", "post")]
    if Statement.objects.filter(activity__in=tests).count() >= STATEMENTS:
        return
    now = timezone.now()
    per_learner = max(1, STATEMENTS // max(1, len(learners)))
    batch = []
    for pk in learners:
        for n in range(per_learner):
            phase = "pre" if n % 2 == 0 else "post"
            activity = f"urn:betterwork:test:{course.pk}.{phase}"
            statement_id = uuid.uuid5(NAMESPACE, f"{pk}:{n}")
            raw = (pk + n) % 11 if phase == "pre" else min(10, (pk + n) % 11 + 3)
            batch.append(
                Statement(
                    id=statement_id,
                    actor_id=pk,
                    verb=verbs.COMPLETED,
                    activity=activity,
                    activity_kind="test",
                    score_raw=raw,
                    score_max=10,
                    timestamp=now - dt.timedelta(days=30 - 20 * (n % 2)),
                    content_hash=hashlib.sha256(str(statement_id).encode()).hexdigest(),
                    data={"verb": {"id": verbs.COMPLETED}, "object": {"id": activity}},
                )
            )
        if len(batch) >= 20_000:
            Statement.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Statement.objects.bulk_create(batch, ignore_conflicts=True)


def export_xlsx():
    """An XLSX export with every enrolment record (the country team's kind)."""
    from lms.accounts.models import User
    from lms.reports.models import ReportExport
    from lms.reports.tasks import export_build

    admin = User.objects.get(username=ADMIN)
    export = ReportExport.objects.create(requested_by=admin, format="xlsx")
    status = export_build(export.pk)
    export.refresh_from_db()
    export.file.delete(save=False)
    export.delete()
    return status


def scenarios() -> list[HttpScenario]:
    return [
        HttpScenario(
            "reports.dashboard.global", "/admin/reports/", login=ADMIN, requests=20, concurrency=2
        ),
    ]


def tasks() -> list[TaskScenario]:
    return [TaskScenario("reports.export.xlsx", export_xlsx, units=LEARNERS)]
