"""What the course pages served by Wagtail show a visitor: assembled from selectors, so the
page models keep only their schema."""

import uuid

from django.utils import timezone

from courses import selectors
from courses.blocks import uses_interactive
from courses.models import ClassSession, PolicyAdoption, SeminarPage
from courses.progression.selectors import prerequisites_missing
from lms import learner_page_cache
from lms.taxonomy.routing import route_ancestors


def course_context(request, page) -> dict:
    course = selectors.canonical_page(page).specific
    structure = selectors.course_structure(course=course, locale=page.locale)
    enrolment = selectors.enrolment_for(learner=request.user, course=course)
    missing = [] if enrolment else prerequisites_missing(learner=request.user, course=course)
    progress = None
    if enrolment:
        progress = selectors.progress_for_course(
            learner=request.user, course=course, structure=structure, enrolment=enrolment
        )
    start = selectors.enrolment_release_start(enrolment)
    today = timezone.localdate()
    modules = [
        {
            "module": module,
            "opens_on": module.opens_on(start),
            "open": start is not None and module.opens_on(start) <= today,
            "lessons": [
                {
                    "page": lesson,
                    "done": bool(progress)
                    and structure.lesson_key(lesson) in progress.lessons_done,
                }
                for lesson in module.lessons
            ],
        }
        for module in structure.modules
    ]
    lessons = [
        {
            "page": lesson,
            "done": bool(progress) and structure.lesson_key(lesson) in progress.lessons_done,
        }
        for lesson in structure.lessons
    ]
    # A seminar's dates and venues are public; other classes are shown to their own learners.
    upcoming = ClassSession.objects.none()
    if isinstance(course, SeminarPage):
        upcoming = ClassSession.objects.filter(cohort__course=course)
    elif enrolment and enrolment.cohort_id:
        upcoming = ClassSession.objects.filter(cohort_id=enrolment.cohort_id)
    upcoming = list(upcoming.filter(ends_at__gte=timezone.now()).select_related("cohort")[:10])
    # Kept for the learner until the first of these sessions ends (then it leaves the list).
    learner_page_cache.mark_cacheable(
        request, until=min((session.ends_at for session in upcoming), default=None)
    )
    submissions = {}
    if enrolment and structure.submission_items:
        for submission in selectors.team_submissions(learner=request.user, course=course):
            submissions.setdefault(submission.item, submission)
    steps = [
        {
            "page": step,
            "item": str(structure.canonical_ids.get(step.pk, step.pk)),
            "submission": submissions.get(str(structure.canonical_ids.get(step.pk, step.pk))),
        }
        for step in structure.steps
    ]
    practice = [
        {"item": item, "number": number, "submission": submissions.get(item)}
        for item, number in structure.practice_items
    ]
    tests = {}
    if enrolment and course.test_questions:
        results = selectors.test_results(course=course, learner_ids=[request.user.pk])
        tests = {phase: results[phase].get(request.user.pk) for phase in ("pre", "post")}
    return {
        "missing_prerequisites": missing,
        "course": course,
        "structure": structure,
        "enrolment": enrolment,
        "progress": progress,
        "percent": progress.percent(course) if progress else 0,
        "modules": modules,
        "lessons": lessons,
        "steps": steps,
        "practice": practice,
        "upcoming_sessions": upcoming,
        "tests": tests,
        "has_test": bool(page.test_questions),
        "kind": type(page).__name__,
        "interactive_assets": uses_interactive(getattr(page, "materials", None)),
    }


def lesson_context(request, page) -> dict:
    """A lesson costs the same few queries however large its course is."""
    course_here, module_month = selectors.course_and_module_month(
        page, along=route_ancestors(request, page)
    )
    course = selectors.canonical_page(course_here).specific if course_here else None
    enrolment = selectors.enrolment_for(learner=request.user, course=course) if course else None
    canonical_lesson = selectors.canonical_page(page)
    form_token = uuid.uuid4()
    learner_page_cache.mark_cacheable(request, form_token=form_token)
    context = {
        "missing_prerequisites": [],
        "course": course,
        "course_in_language": course_here,
        "enrolment": enrolment,
        "activity_id": selectors.lesson_activity_id(canonical_lesson),
        "form_token": form_token,
        "done": False,
        "passed_checks": set(),
        "open": True,
        "opens_on": None,
        "interactive_assets": uses_interactive(page.body),
    }
    if course is None:
        return context
    context["previous"], context["next"] = selectors.lesson_neighbours(
        course=course_here, lesson=page
    )
    if request.user.is_authenticated:
        # Opening a lesson of a course whose prerequisites are not met is refused (an
        # enrolment made before the prerequisites were set included); staff may waive them.
        context["missing_prerequisites"] = prerequisites_missing(
            learner=request.user, course=course
        )
    if enrolment:
        done, passed = selectors.lesson_state(learner=request.user, lesson_id=canonical_lesson.pk)
        context["done"] = done
        context["passed_checks"] = passed
        if module_month is not None:
            opens_on = selectors.module_opens_on(
                selectors.enrolment_release_start(enrolment), module_month
            )
            context["opens_on"] = opens_on
            context["open"] = opens_on <= timezone.localdate()
    return context


def step_context(request, page) -> dict:
    course = selectors.course_of_page(page)
    enrolment = selectors.enrolment_for(learner=request.user, course=course) if course else None
    item = str(selectors.canonical_page(page).pk)
    submissions = []
    if enrolment:
        submissions = [
            s
            for s in selectors.team_submissions(learner=request.user, course=course)
            if s.item == item
        ]
    return {"course": course, "enrolment": enrolment, "item": item, "submissions": submissions}


def policy_context(request, page) -> dict:
    versions = sorted(page.versions.all(), key=lambda v: v.published_on, reverse=True)
    organisations = selectors.organisations_for_adoption(user=request.user)
    adoptions = []
    if request.user.is_authenticated and request.user.organisation_id:
        adoptions = list(
            PolicyAdoption.objects.filter(
                version__page__translation_key=page.translation_key,
                organisation_id=request.user.organisation_id,
            ).select_related("version")
        )
    return {
        "versions": versions,
        "current": versions[0] if versions else None,
        "adoption_organisations": list(organisations.order_by("name")[:200]),
        "may_adopt": organisations.exists(),
        "adoptions": adoptions,
    }


def my_learning_context(request) -> dict:
    """A learner's start page (courses in progress with the next lesson, next classes,
    completed courses), for ``courses/includes/my_learning.html``; the portal's dashboard
    shows the same."""
    rows = selectors.learning_overview(
        learner=request.user, locale=selectors.locale_for_request(request)
    )
    sessions = selectors.sessions_for_learner(learner=request.user).filter(
        ends_at__gte=timezone.now()
    )[:5]
    return {
        "in_progress": [r for r in rows if not r.enrolment.completed_at],
        "completed": [r for r in rows if r.enrolment.completed_at],
        "sessions": sessions,
        "is_trainer": selectors.is_trainer(request.user),
    }
