"""Demo of required and recurring training (issue 22.6): a yearly OSH refresher required of
every worker at Dong Nai Footwear (whose manager, ``manager``, and HR officer, ``hr.vn``, see
it on their workforce page), assigned six weeks ago: a few workers did it, the rest are overdue."""

import datetime as dt

from django.utils import timezone

from courses import services
from courses.demo import _canonical, _child, _learners, _lesson_body, _section, _tag
from courses.models import LessonPage, SeminarPage, TrainingRequirement
from courses.training import training_requirement_create, training_requirements_apply
from lms.accounts.models import Organisation, Role
from lms.taxonomy.models import Country

DONG_NAI_WORKERS = [
    ("Nguyễn Thị Tuyết", "woman"),
    ("Trần Văn Hải", "man"),
    ("Lê Thị Kim", "woman"),
    ("Phạm Thị Lan Anh", "woman"),
    ("Võ Văn Sơn", "man"),
    ("Đặng Thị Hương", "woman"),
    ("Bùi Thị Nga", "woman"),
    ("Huỳnh Văn Phúc", "man"),
    ("Ngô Thị Bích", "woman"),
    ("Dương Thị Yến", "woman"),
]

LESSONS = [
    (
        "Exits, alarms and the evacuation drill",
        "Every worker knows two ways out of their section. Exits stay unlocked and clear "
        "while anyone is inside; the drill is practised every six months.",
        "An exit door is locked during the night shift. Is that allowed?",
        ["No, exits stay unlocked while anyone works", "Yes, if the guard has the key"],
        "When did your section last practise the evacuation drill?",
        "Walk both ways out of your section and report anything blocking them.",
    ),
    (
        "Chemicals, labels and protective equipment",
        "Every chemical container is labelled in a language workers read; the safety data "
        "sheet is at hand; gloves and masks are free and replaced when worn.",
        "Who pays for protective equipment?",
        ["The employer", "The worker"],
        "Which chemicals are used in your section, and where are their safety sheets?",
        "Check three containers in your section for a readable label.",
    ),
]


def load_required_training():
    refresher = _refresher()
    dong_nai = Organisation.objects.get(name="Dong Nai Footwear Ltd.")
    vn = _canonical(Country, "vn")
    workers = _learners(
        "dn.worker", DONG_NAI_WORKERS, country=vn, organisation=dong_nai, language="vi"
    )
    if TrainingRequirement.objects.filter(course=refresher, organisation=dong_nai).exists():
        return
    training_requirement_create(
        course=refresher,
        role=Role.objects.get(code=Role.Code.WORKER),
        organisation=dong_nai,
        due_within_days=30,
        recur_every_months=12,
        remind_days_before=14,
    )
    # Assigned six weeks ago: due two weeks ago.
    training_requirements_apply(today=timezone.localdate() - dt.timedelta(days=42))
    for worker in workers[:4]:
        for lesson in LessonPage.objects.child_of(refresher):
            services.lesson_complete(
                learner=worker,
                lesson=lesson,
                form_token=services.derived_statement_id("demo-refresher", lesson.pk, worker.pk),
            )
    training_requirements_apply()


def _refresher() -> SeminarPage:
    training = _section("training")
    refresher, created = _child(
        training,
        SeminarPage,
        "yearly-osh-refresher",
        title="Yearly OSH refresher",
        summary="Every worker, once a year: exits and the evacuation drill, chemicals and "
        "protective equipment.",
        audience="Every worker",
        duration="Two lessons of 20 minutes",
        self_enrolment=True,
        complete_lessons=True,
    )
    if created:
        _tag(refresher, countries=["vn"], clusters=["osh"], sectors=("garment", "footwear"))
        for number, (title, *lesson) in enumerate(LESSONS, start=1):
            _child(
                refresher,
                LessonPage,
                f"osh-refresher-{number}",
                title=title,
                minutes=20,
                body=_lesson_body(*lesson),
            )
    return refresher
