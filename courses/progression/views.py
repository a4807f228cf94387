"""The learner's page for a knowledge check drawn from the question bank: the attempt in
progress (the same questions on every reload), the attempts so far and the one that counts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from courses import selectors as course_selectors
from courses.models import LessonPage
from courses.progression import selectors, services
from courses.progression.models import QuizAttempt
from courses.services import CourseActionError, _canonical_block_id
from lms.accounts.exposure import own_data
from lms.records.services import StatementError


@own_data
@login_required
@require_http_methods(["GET", "POST"])
def bank_quiz(request, page_id: int, block_id: str):
    # Only a lesson has bank checks: read as one (one query; any other page is a 404), with
    # its locale (no locales read on a process's first request).
    lesson = get_object_or_404(LessonPage.objects.live().select_related("locale"), pk=page_id)
    try:
        block = services.quiz_block(lesson=lesson, block_id=block_id)
    except CourseActionError as error:
        raise Http404 from error
    # The course's id, translation key and address are all the page needs of it, with
    # whether it has prerequisites (none: nothing more to read for them) and whether the
    # learner is enrolled in it.
    course = course_selectors.course_of_page(
        lesson, specific=False, prerequisites=True, learner=request.user
    )
    if course is None:
        raise Http404
    here = reverse("courses:bank_quiz", args=[lesson.pk, block_id])
    errors, answers = [], {}
    if request.method == "POST":
        try:
            if request.POST.get("action") == "start":
                services.quiz_attempt_open(learner=request.user, lesson=lesson, block_id=block_id)
                return redirect(here)
            attempt = selectors.attempts_of(
                learner=request.user,
                lesson=course_selectors.canonical_page(lesson),
                block_id=_canonical_block_id(lesson=lesson, block_id=block_id),
            ).get(pk=int(request.POST.get("attempt") or 0))
            for key, value in request.POST.items():
                if key.startswith("q-") and value.isdigit():
                    answers[key[2:]] = int(value)
            attempt = services.quiz_attempt_submit(attempt=attempt, answers=answers)
        except (CourseActionError, StatementError) as error:
            errors.append(error.message)
        except (ValueError, QuizAttempt.DoesNotExist) as error:
            raise Http404 from error
        else:
            messages.success(
                request,
                _("You answered %(score)s of %(total)s questions correctly.")
                % {"score": attempt.score, "total": attempt.out_of},
            )
            return redirect(here)
    missing = selectors.prerequisites_missing(learner=request.user, course=course)
    enrolled = course.learner_enrolled
    standing = selectors.quiz_standing(
        learner=request.user,
        lesson=course_selectors.canonical_page(lesson),
        block_id=_canonical_block_id(lesson=lesson, block_id=block_id),
        course=course,
    )
    attempt = standing.open_attempt
    questions = []
    if attempt:
        for question in selectors.questions_in_language(
            question_ids=attempt.question_ids, locale=lesson.locale
        ):
            chosen = answers.get(str(question.drawn_id))
            questions.append(
                {
                    "key": question.drawn_id,
                    "text": question.question,
                    "choices": [
                        {"position": i, "text": text, "checked": i == chosen}
                        for i, text in enumerate(question.answer_texts())
                    ],
                }
            )
    return render(
        request,
        "courses/bank_quiz.html",
        {
            "lesson": lesson,
            "block": block,
            "course": course,
            "enrolled": enrolled,
            "missing_prerequisites": missing,
            "standing": standing,
            "attempt": attempt,
            "questions": questions,
            "answers": answers,
            "errors": errors,
        },
        status=400 if errors else 200,
    )
