"""Demo content for the impact dashboard: coverage targets for Viet Nam and Jordan, the
optional demographics of demo learners (so the gender and migrant charts say something),
registered workers and supervisors not yet trained (so coverage is below 100%), a
finished seminar in Cambodia (managers, supervisors and workers who completed it through
real learning records, so completions, roles and knowledge gain show), and a month of
awareness-media views; exports and foreign direct investment of Viet Nam and Jordan with
their sources (approximate figures, marked as such). Idempotent."""

import datetime as dt
import uuid

from django.db import transaction
from django.utils import timezone

from lms.accounts.models import Organisation, Role, User
from lms.accounts.services import user_roles_set
from lms.reports.models import CountryEconomicFigure, CoverageTarget
from lms.taxonomy.models import Country

DEMO_NAMESPACE = uuid.UUID("6d1f3f0e-7a7c-4c55-9a49-0d2b8f0a6060")

TARGETS = {
    # Jordan's published targets (managers, supervisors, workers); Viet Nam's plan.
    "jo": {"manager": 100, "supervisor": 50, "worker": 20},
    "vn": {"manager": 100, "supervisor": 60, "worker": 25},
}

# People registered by their factory who have not been trained yet.
UNTRAINED = {"vn": {"worker": 30, "supervisor": 4}, "jo": {"worker": 24, "supervisor": 3}}


def load_targets():
    for code, targets in TARGETS.items():
        country = Country.objects.canonical().filter(code=code).first()
        if country is None:
            continue
        for role, percent in targets.items():
            CoverageTarget.objects.get_or_create(
                country=country, role=role, defaults={"percent": percent}
            )


def load_demographics():
    """Fill in the optional gender and migrant status of demo learners who left them
    blank, in a fixed pattern (never overwriting what a person chose)."""
    genders = ["woman", "woman", "man", "woman", "man", "undisclosed"]
    statuses = ["local", "local", "migrant", "local", "undisclosed"]
    learners = (
        User.objects.filter(
            roles__code__in=["worker", "supervisor", "manager"], country__isnull=False
        )
        .distinct()
        .order_by("pk")
    )
    for number, person in enumerate(learners):
        changed = []
        if not person.gender:
            person.gender = genders[number % len(genders)]
            changed.append("gender")
        if not person.migrant_status:
            person.migrant_status = statuses[number % len(statuses)]
            changed.append("migrant_status")
        if changed:
            person.save(update_fields=changed)


def load_untrained():
    for code, roles in UNTRAINED.items():
        country = Country.objects.canonical().filter(code=code).first()
        if country is None:
            continue
        organisations = list(Organisation.objects.filter(country=country).order_by("pk"))
        for role, count in roles.items():
            for number in range(1, count + 1):
                username = f"demo-{code}-{role}-{number:02d}"
                if User.objects.filter(username=username).exists():
                    continue
                person = User(
                    username=username,
                    display_name=f"{role.title()} {code.upper()}-{number:02d}",
                    country=country,
                    organisation=organisations[number % len(organisations)]
                    if organisations
                    else None,
                    gender="woman" if number % 3 else "man",
                    migrant_status="migrant" if code == "jo" and number % 4 == 0 else "local",
                    preferred_language={"vn": "vi", "jo": "ar"}[code],
                )
                person.set_unusable_password()
                person.save()
                user_roles_set(user=person, roles=[Role.Code(role)])


def load_reach():
    """A month of views of the demo videos, by language and country."""
    from media_library.models import ReachEvent, VideoItem

    videos = list(VideoItem.objects.order_by("pk")[:6])
    countries = {c.code: c for c in Country.objects.canonical().filter(code__in=["vn", "jo"])}
    if not videos or not countries:
        return
    today = timezone.localdate()
    events = []
    for v_number, video in enumerate(videos):
        for code, language in (("vn", "vi"), ("jo", "ar"), ("jo", "en")):
            if code not in countries:
                continue
            for day in range(30):
                views = (v_number + day + len(language)) % 4
                for n in range(views):
                    for action in ("view", "complete") if n == 0 else ("view",):
                        key = f"{video.pk}:{code}:{language}:{day}:{n}:{action}"
                        events.append(
                            ReachEvent(
                                id=uuid.uuid5(DEMO_NAMESPACE, key),
                                kind=ReachEvent.Kind.VIDEO,
                                video=video,
                                language=language,
                                country=countries[code],
                                action=action,
                                day=today - dt.timedelta(days=day),
                            )
                        )
    ReachEvent.objects.bulk_create(events, ignore_conflicts=True)


# A finished one-day seminar in Cambodia: (name, gender, role); the last two missed the day.
FINISHED_SEMINAR = "Phnom Penh Textiles - harassment prevention seminar"
SEMINAR_PEOPLE = [
    ("Chan Sophea", "woman", "manager"),
    ("Keo Vannak", "man", "manager"),
    ("Lim Sreymom", "woman", "supervisor"),
    ("Heng Dara", "man", "supervisor"),
    ("Sok Channary", "woman", "supervisor"),
    ("Mao Srey Pich", "woman", "worker"),
    ("Nhem Bopha", "woman", "worker"),
    ("Ouk Sambath", "man", "worker"),
    ("Pen Sokha", "woman", "worker"),
    ("Ros Kanha", "woman", "worker"),
    ("Touch Rithy", "man", "worker"),
    ("Vong Leakhena", "woman", "worker"),
]


def load_finished_seminar():
    """Through the courses room's own services: enrol, hold the day, mark attendance, work
    through the lessons and tests; the completion rule then marks who completed."""
    from courses import services as course_services
    from courses.models import Cohort, LessonPage, SeminarPage
    from lms.accounts.demo import demo_password_hash
    from lms.accounts.services import user_create

    seminar = SeminarPage.objects.filter(
        slug="preventing-sexual-harassment", locale__language_code="en"
    ).first()
    organisation = Organisation.objects.filter(name="Phnom Penh Textiles").first()
    trainer = User.objects.filter(username="trainer.kh").first()
    if not (seminar and organisation and trainer):
        return
    if Cohort.objects.filter(name=FINISHED_SEMINAR).exists():
        return
    day = timezone.localdate() - dt.timedelta(days=24)
    cohort = course_services.cohort_create(
        name=FINISHED_SEMINAR,
        course=seminar,
        country=organisation.country,
        organisation=organisation,
        language="km",
        start_date=day,
        trainers=[trainer],
    )
    people = []
    for number, (name, gender, role) in enumerate(SEMINAR_PEOPLE, start=1):
        username = f"kh.seminar{number:02d}"
        person = User.objects.filter(username=username).first() or user_create(
            username=username,
            password_hash=demo_password_hash(),
            display_name=name,
            roles=[role],
            country=organisation.country,
            sector=organisation.sector,
            organisation=organisation,
            preferred_language="km",
            gender=gender,
            migrant_status="local",
        )
        course_services.enrolment_create(
            learner=person, course=seminar, cohort=cohort, source="trainer", enrolled_by=trainer
        )
        people.append(person)
    starts = timezone.make_aware(dt.datetime.combine(day, dt.time(8, 0)))
    session = course_services.class_session_create(
        cohort=cohort,
        title="Seminar day",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=7),
        venue="Phnom Penh Textiles, canteen",
    )
    questions = [block.id for block in seminar.test_questions]
    lessons = list(LessonPage.objects.child_of(seminar).order_by("path"))
    attended = len(people) - 2
    for index, person in enumerate(people):
        present = index < attended
        course_services.attendance_mark(
            session=session, learner=person, present=present, marked_by=trainer
        )
        pre = {q: (0 if (index + n) % 2 else 1) for n, q in enumerate(questions)}
        course_services.test_submit(
            learner=person,
            course=seminar,
            phase="pre",
            answers=pre,
            form_token=course_services.derived_statement_id("demo-kh-pre", person.pk),
        )
        if not present:
            continue
        for lesson in lessons:
            course_services.lesson_complete(
                learner=person,
                lesson=lesson,
                form_token=course_services.derived_statement_id(
                    "demo-kh-lesson", lesson.pk, person.pk
                ),
            )
        post = {q: (1 if (index + n) % 5 == 0 else 0) for n, q in enumerate(questions)}
        course_services.test_submit(
            learner=person,
            course=seminar,
            phase="post",
            answers=post,
            form_token=course_services.derived_statement_id("demo-kh-post", person.pk),
        )


# Rounded from the publishers named (demo data: check against the source before use).
ECONOMIC_FIGURES = [
    (
        "vn",
        "exports",
        2022,
        "44000",
        "USD million",
        "Viet Nam Textile and Apparel Association (VITAS), annual review 2022 "
        "(textile and garment exports; rounded demo figure)",
    ),
    (
        "vn",
        "exports",
        2023,
        "40300",
        "USD million",
        "Viet Nam Textile and Apparel Association (VITAS), annual review 2023 "
        "(textile and garment exports; rounded demo figure)",
    ),
    (
        "vn",
        "fdi",
        2022,
        "22400",
        "USD million (disbursed)",
        "General Statistics Office of Viet Nam, socio-economic report Q4 2022 "
        "(rounded demo figure)",
    ),
    (
        "vn",
        "fdi",
        2023,
        "23200",
        "USD million (disbursed)",
        "General Statistics Office of Viet Nam, socio-economic report Q4 2023 "
        "(rounded demo figure)",
    ),
    (
        "jo",
        "exports",
        2022,
        "2300",
        "USD million",
        "Department of Statistics of Jordan, external trade bulletin 2022 "
        "(garment exports; rounded demo figure)",
    ),
    (
        "jo",
        "fdi",
        2022,
        "1100",
        "USD million",
        "UNCTAD World Investment Report 2023, annex table 1 (FDI inflows; rounded demo figure)",
    ),
]


def load_economic_figures():
    from decimal import Decimal

    for code, kind, year, value, unit, source in ECONOMIC_FIGURES:
        country = Country.objects.canonical().filter(code=code).first()
        if country is None:
            continue
        figure = CountryEconomicFigure(
            country=country, kind=kind, year=year, value=Decimal(value), unit=unit, source=source
        )
        if CountryEconomicFigure.objects.filter(country=country, kind=kind, year=year).exists():
            continue
        figure.full_clean()
        figure.save()


@transaction.atomic
def load():
    load_economic_figures()
    load_targets()
    load_demographics()
    load_untrained()
    load_finished_seminar()
    load_reach()
