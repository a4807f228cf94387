"""Factories for courses: small page trees, cohorts, sessions and learners."""

import datetime as dt
import uuid

from django.utils import timezone

from courses import services
from courses.models import (
    Enrolment,
    InductionKitPage,
    LessonPage,
    ModulePage,
    PolicyPage,
    PolicyVersion,
    ProgrammePage,
    SeminarPage,
    SupervisorTrainingPage,
    WorkbookPage,
    WorkbookStepPage,
)
from lms.portal.models import SectionPage
from tests.accounts.factories import UserFactory
from tests.taxonomy.factories import country


def question(text="Who pays for protective equipment?", answers=("The employer", "The worker")):
    return {
        "question": text,
        "choices": [{"text": a, "correct": i == 0} for i, a in enumerate(answers)],
        "explanation": "The law says so.",
    }


def lesson_body(checks=1):
    body = [("rich_text", "<p>Exits stay unlocked during working hours.</p>")]
    body += [("knowledge_check", question(f"Question {n}?")) for n in range(checks)]
    body += [("discuss", {"prompt": "What went wrong in the last drill?", "minutes": 10})]
    body += [("try_at_work", {"task": "Walk your section and mark three hazards."})]
    return body


def section(home_page, slug="training"):
    existing = SectionPage.objects.child_of(home_page).filter(slug=slug).first()
    if existing:
        return existing
    page = SectionPage(title=slug.title(), slug=slug)
    home_page.add_child(instance=page)
    return page


def _add(parent, page):
    parent.add_child(instance=page)
    return page


def programme(parent, *, modules=2, lessons=2, checks=1, **fields):
    fields.setdefault("title", "12-month programme")
    fields.setdefault("slug", f"programme-{uuid.uuid4().hex[:6]}")
    fields.setdefault("complete_knowledge_checks", False)
    page = _add(parent, ProgrammePage(**fields))
    for m in range(1, modules + 1):
        module = _add(parent=page, page=ModulePage(title=f"Module {m}", slug=f"m{m}", month=m))
        for n in range(1, lessons + 1):
            _add(
                module,
                LessonPage(title=f"Lesson {m}.{n}", slug=f"l{m}-{n}", body=lesson_body(checks)),
            )
    return page


def seminar(parent, *, lessons=2, questions=3, **fields):
    fields.setdefault("title", "Preventing sexual harassment")
    fields.setdefault("slug", f"seminar-{uuid.uuid4().hex[:6]}")
    fields.setdefault(
        "test_questions", [("question", question(f"Test question {n}?")) for n in range(questions)]
    )
    page = _add(parent, SeminarPage(**fields))
    for n in range(1, lessons + 1):
        _add(page, LessonPage(title=f"Seminar lesson {n}", slug=f"s{n}", body=lesson_body()))
    return page


def supervisor_training(parent, **fields):
    fields.setdefault("title", "Supervisory Skills Training")
    fields.setdefault("slug", f"sst-{uuid.uuid4().hex[:6]}")
    fields.setdefault(
        "structure",
        [
            ("classroom", {"title": "Block 1", "days": 2, "topics": ["Coaching"]}),
            ("practice", {"weeks_min": 4, "weeks_max": 6, "assignment": "<p>Coach two.</p>"}),
            ("classroom", {"title": "Block 2", "days": 2, "topics": ["Discipline"]}),
        ],
    )
    fields.setdefault("complete_lessons", False)
    fields.setdefault("complete_submissions", True)
    return _add(parent, SupervisorTrainingPage(**fields))


def induction_kit(parent, **fields):
    fields.setdefault("title", "Welcome to the factory")
    fields.setdefault("slug", f"kit-{uuid.uuid4().hex[:6]}")
    fields.setdefault(
        "handouts",
        [
            (
                "handout",
                {"title": "Know your exits", "kind": "poster", "text": "<p>Two ways out.</p>"},
            )
        ],
    )
    fields.setdefault("facilitator_guide", "<p>Small groups of 10.</p>")
    page = _add(parent, InductionKitPage(**fields))
    _add(page, LessonPage(title="Your first day", slug="first-day", body=lesson_body()))
    return page


def workbook(parent, *, steps=2, **fields):
    fields.setdefault("title", "Set up a committee")
    fields.setdefault("slug", f"workbook-{uuid.uuid4().hex[:6]}")
    fields.setdefault("complete_lessons", False)
    fields.setdefault("complete_submissions", True)
    page = _add(parent, WorkbookPage(**fields))
    for n in range(1, steps + 1):
        _add(page, WorkbookStepPage(title=f"Step {n}", slug=f"step-{n}", guidance="<p>Do it.</p>"))
    return page


def policy(parent, **fields):
    fields.setdefault("title", "Model anti-harassment policy")
    fields.setdefault("slug", f"policy-{uuid.uuid4().hex[:6]}")
    page = PolicyPage(**fields)
    page.versions.add(
        PolicyVersion(label="1.0", published_on=dt.date(2025, 1, 1), text="<p>Policy.</p>")
    )
    return _add(parent, page)


def learner(code="vn", **kwargs):
    return UserFactory(roles=["worker"], country=country(code), **kwargs)


def trainer(code="vn", **kwargs):
    return UserFactory(roles=["trainer"], country=country(code), **kwargs)


def cohort(course, *, trainers, code="vn", start_date=None, organisation=None, language="vi"):
    return services.cohort_create(
        name=f"Cohort {uuid.uuid4().hex[:4]}",
        course=course,
        country=country(code),
        organisation=organisation,
        language=language,
        start_date=start_date or timezone.localdate(),
        trainers=trainers,
    )


def session(cohort, *, starts_at=None, title="Session 1"):
    starts_at = starts_at or timezone.now() - dt.timedelta(minutes=10)
    return services.class_session_create(
        cohort=cohort, title=title, starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=3)
    )


def enrol(course, people, cohort=None):
    for person in people:
        services.enrolment_create(learner=person, course=course, cohort=cohort, source="trainer")


def enrolled_long_ago(course, person):
    """A learner who enrolled alone long enough ago that every module has opened."""
    enrolment = services.enrolment_create(learner=person, course=course)
    Enrolment.objects.filter(pk=enrolment.pk).update(enrolled_at=timezone.now() - LONG_AGO)
    from lms.reports.participation import participation_refresh

    participation_refresh([person.pk])  # update() sends no signal (decision 0615)
    return enrolment


LONG_AGO = dt.timedelta(days=3 * 366)


def statement(activity, verb="completed", parent=None, **extra):
    raw = {
        "id": str(uuid.uuid4()),
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
        "object": {"id": activity},
    }
    if parent:
        raw["context"] = {"contextActivities": {"parent": [{"id": parent}]}}
    raw.update(extra)
    return raw


def bank_question(topic, text="Who pays for protective equipment?", correct=0, answers=3):
    from courses.progression.models import BankQuestion

    question = BankQuestion(
        topic=topic,
        question=text,
        choices=[
            ("answer", {"text": f"Answer {n}", "correct": n == correct}) for n in range(answers)
        ],
    )
    question.full_clean()
    question.save()
    return question


def bank_quiz_seminar(parent, *, topic, count=3, pass_percent=60, **fields):
    """A seminar whose one lesson has a knowledge check drawn from the bank of ``topic``."""
    fields.setdefault("title", "Working time")
    fields.setdefault("slug", f"seminar-{uuid.uuid4().hex[:6]}")
    fields.setdefault("test_questions", [])
    page = _add(parent, SeminarPage(**fields))
    _add(
        page,
        LessonPage(
            title="Overtime rules",
            slug="overtime",
            body=[
                ("rich_text", "<p>Overtime is voluntary.</p>"),
                ("bank_quiz", {"topic": topic, "count": count, "pass_percent": pass_percent}),
            ],
        ),
    )
    return page


def quiz_lesson(course):
    lesson = LessonPage.objects.child_of(course).get()
    block_id = next(b.id for b in lesson.body if b.block_type == "bank_quiz")
    return lesson, block_id
