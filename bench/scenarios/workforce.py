"""The factory manager's workforce page (issue 22.4) for a factory of BENCH_WORKFORCE_PEOPLE
workers (default 5,000), each enrolled in a required yearly OSH refresher, a third of them
overdue, some with attendance: the first page, a later page, the overdue filter and the CSV
export of everyone. The manager signs in with a password and a TOTP code."""

import datetime as dt
import os

from bench.harness import HttpScenario

PEOPLE = int(os.environ.get("BENCH_WORKFORCE_PEOPLE", 5_000))
FACTORY = "Bench workforce factory"
MANAGER = "bench.workforce.manager"
PREFIX = "bench.workforce."
SECTION_SLUG = "bench-training"
COURSE_SLUG = "bench-osh-refresher"


def _factory():
    from lms.accounts.models import Organisation

    return Organisation.objects.filter(name=FACTORY).first()


def prepare() -> None:
    from django.utils import timezone

    from bench.datasets.fast_insert import analyze, insert_rows
    from bench.scenarios.reports import staff_with_totp
    from courses.models import Enrolment, SeminarPage, TrainingAssignment
    from courses.training import training_requirement_create
    from lms.accounts.models import Organisation, Role, User
    from lms.portal.models import HomePage, SectionPage
    from lms.taxonomy.models import Country

    vietnam = Country.objects.canonical().get(code="vn")
    factory = _factory() or Organisation.objects.create(
        name=FACTORY, country=vietnam, training_days_allocation=40, workers_count=PEOPLE
    )
    manager = staff_with_totp(MANAGER, roles=["manager"])
    User.objects.filter(pk=manager.pk).update(organisation=factory, country=vietnam)

    home = HomePage.objects.get(locale__language_code="en")
    section = SectionPage.objects.child_of(home).filter(slug=SECTION_SLUG).first()
    if section is None:
        section = SectionPage(title="Bench training", slug=SECTION_SLUG)
        home.add_child(instance=section)
    course = SeminarPage.objects.filter(slug=COURSE_SLUG).first()
    if course is None:
        course = SeminarPage(title="Bench OSH refresher", slug=COURSE_SLUG)
        section.add_child(instance=course)
    worker_role = Role.objects.get(code=Role.Code.WORKER)
    if not course.training_requirements.filter(organisation=factory).exists():
        training_requirement_create(
            course=course,
            role=worker_role,
            organisation=factory,
            due_within_days=30,
            recur_every_months=12,
        )
    if User.objects.filter(username__startswith=PREFIX + "w").count() >= PEOPLE:
        return
    names = [f"{PREFIX}w{number:05d}" for number in range(PEOPLE)]
    insert_rows(
        User,
        ["username", "display_name"],
        ((name, f"Worker {number:05d}") for number, name in enumerate(names)),
        organisation=factory.pk,
        country=vietnam.pk,
        is_active=True,
    )
    ids = dict(User.objects.filter(username__in=names).values_list("username", "pk"))
    insert_rows(
        User.roles.through, ["user_id", "role_id"], ((ids[n], worker_role.pk) for n in names)
    )
    insert_rows(
        Enrolment,
        ["learner", "completed_at"],
        (
            (ids[name], timezone.now() if number % 3 == 1 else None)
            for number, name in enumerate(names)
        ),
        course=course.pk,
        source=Enrolment.Source.REQUIRED,
    )
    today = timezone.localdate()
    requirement = course.training_requirements.get(organisation=factory)
    insert_rows(
        TrainingAssignment,
        ["learner", "due_on", "completed_at"],
        (
            (
                ids[name],
                today - dt.timedelta(days=10) if number % 3 == 0 else today + dt.timedelta(days=20),
                timezone.now() if number % 3 == 1 else None,
            )
            for number, name in enumerate(names)
        ),
        course=course.pk,
        requirement=requirement.pk,
        cycle=1,
    )
    analyze(User, User.roles.through, Enrolment, TrainingAssignment)


def scenarios() -> list[HttpScenario]:
    factory = _factory()
    base = f"/en/workforce/{factory.pk}/"
    return [
        HttpScenario("workforce.first_page", base, login=MANAGER, requests=60, concurrency=2),
        HttpScenario(
            "workforce.page_50", f"{base}?page=50", login=MANAGER, requests=40, concurrency=2
        ),
        HttpScenario(
            "workforce.overdue", f"{base}?overdue=1", login=MANAGER, requests=40, concurrency=2
        ),
        HttpScenario(
            "workforce.export_csv",
            f"{base}export.csv",
            login=MANAGER,
            requests=4,
            concurrency=1,
        ),
    ]
