"""Impact reports under load: the global dashboard (every country side by side) on
BENCH_REPORT_LEARNERS learners (default 100,000) with BENCH_REPORT_STATEMENTS learning
records (default 1,000,000), and, in a worker process, the exports (CSV and XLSX with the
anonymised records, one row per enrolment: 100,000 rows; XLSX for sharing, the tables only)
and the computation of the tables from scratch.

The dashboard and the exports read the tables prepared ahead (decision 0605): prepare()
prepares the global view as the beat task would, so the HTTP scenario measures what a reader
gets; the task ``reports.tables.compute`` measures what the worker (or the first reader of a
view nobody opened) pays. The export tasks measure the worker's build: the request for a file
with records only finds or schedules it (decision 0607).

prepare() builds the data set with `bench.datasets.reports` (bulk inserts, skipping what
exists) and a global administrator who signs in with a password and a TOTP code, as staff
must (the driver computes the code from `bench.harness.TOTP_SECRET`)."""

import os

from bench.harness import PASSWORD, TOTP_SECRET, HttpScenario, TaskScenario

LEARNERS = int(os.environ.get("BENCH_REPORT_LEARNERS", 100_000))
STATEMENTS = int(os.environ.get("BENCH_REPORT_STATEMENTS", 1_000_000))
ADMIN = "bench.report.admin"
COURSE_SLUG = "bench-report-course"


def prepare() -> None:
    from bench.datasets.reports import report_data_build
    from bench.harness import analyse_database
    from lms.portal import demo as portal_demo
    from lms.portal.models import SectionPage

    if not SectionPage.objects.filter(slug="training").exists():
        portal_demo.load()
    staff_with_totp(ADMIN, roles=["global_admin"])
    report_data_build(
        course=_course(),
        learners=LEARNERS,
        statements_per_learner=max(1, STATEMENTS // max(1, LEARNERS)),
    )
    # Statistics for what was just loaded before the first computation reads it (the run
    # analyses everything again after every module's prepare()).
    analyse_database()
    compute_tables()  # what the beat task does for a view opened in the last day


def compute_tables():
    """The global view's tables computed from the data, in the administrator's language,
    and kept for the dashboard and the exports."""
    from django.utils import translation

    from lms.accounts.models import User
    from lms.reports.filters import ReportFilters
    from lms.reports.training_prepared import tables_prepare

    admin = User.objects.get(username=ADMIN)
    with translation.override(admin.preferred_language or "en"):
        return sum(len(table.rows) for table in tables_prepare(ReportFilters()).tables)


def staff_with_totp(username: str, *, roles: list[str]):
    """A staff member with the bench password and a TOTP authenticator on the bench's
    known secret, activated through allauth (which stores the secret its own way)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from allauth.mfa.utils import decrypt

    from lms.accounts.models import User
    from lms.accounts.services import user_roles_set

    person = User.objects.filter(username=username).first()
    if person is None:
        person = User.objects.create_user(username, password=PASSWORD, display_name=username)
        user_roles_set(user=person, roles=roles)
    authenticator = Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).first()
    if authenticator and decrypt(authenticator.data.get("secret", "")) != TOTP_SECRET:
        authenticator.delete()  # made by an earlier bench with another secret
        authenticator = None
    if authenticator is None:
        TOTP.activate(person, TOTP_SECRET)
    return person


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


def export_xlsx():
    """An XLSX export with every enrolment record (the country team's kind)."""
    return _export("xlsx")


def export_csv():
    """A CSV export with every enrolment record."""
    return _export("csv")


def export_xlsx_shared():
    """An XLSX export for sharing outside the country team: the tables, no records."""
    return _export("xlsx", for_sharing=True)


def _export(format, for_sharing=False):
    from lms.accounts.models import User
    from lms.reports.models import ReportExport
    from lms.reports.tasks import export_build

    admin = User.objects.get(username=ADMIN)
    export = ReportExport.objects.create(requested_by=admin, format=format, for_sharing=for_sharing)
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
    from courses.models import Enrolment
    from lms.reports import tasks  # noqa: F401 - loaded before timing, as a worker loads it

    # One row per enrolment (every course's), besides the indicator tables.
    enrolments = Enrolment.objects.count()
    return [
        TaskScenario("reports.tables.compute", compute_tables, units=1),
        TaskScenario("reports.export.csv", export_csv, units=enrolments),
        TaskScenario("reports.export.xlsx", export_xlsx, units=enrolments),
        TaskScenario("reports.export.xlsx.shared", export_xlsx_shared, units=1),
    ]
