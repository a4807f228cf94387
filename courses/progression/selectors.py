"""Read-side of prerequisites and question-bank checks: what a learner must complete first,
which questions a draw may pick, a course's attempt rules and a learner's standing."""

import random
from dataclasses import dataclass

from django.db.models import QuerySet

from courses.progression.models import (
    DEFAULT_RULES,
    BankQuestion,
    CoursePrerequisite,
    PrerequisiteOverride,
    QuizAttempt,
    QuizRules,
)


def prerequisites_missing(*, learner, course) -> list:
    """The courses ``learner`` must still complete before ``course`` (a canonical course
    page); none when staff let them in with an override. The course's prerequisites from
    this process's memory (``required_courses``), then two queries at most, none when it
    has no prerequisites."""
    from courses.models import Enrolment

    required = required_courses(course=course)
    if not required:
        return []
    if not getattr(learner, "is_authenticated", False):
        return required
    done = set(
        Enrolment.objects.filter(
            learner=learner,
            course_id__in=[page.pk for page in required],
            completed_at__isnull=False,
        ).values_list("course_id", flat=True)
    )
    missing = [page for page in required if page.pk not in done]
    if missing and PrerequisiteOverride.objects.filter(course=course, learner=learner).exists():
        return []
    return missing


# The courses each course requires, kept by each process for the current content generation
# (lms.page_cache: saving or deleting a prerequisite starts a new one, as publishing a page
# does, PAGE_CACHE_MODELS), so a lesson or a check does not ask on every request.
_REQUIRED: dict[str, dict[int, list]] = {}


def required_courses(*, course) -> list:
    """The courses to complete before ``course``, in their order: one query the first time
    in a content generation, none after. The pages are shared: read them, never change
    them."""
    from lms.page_cache import kept_for_generation

    kept = kept_for_generation(_REQUIRED)
    if course.pk not in kept:
        kept[course.pk] = [
            link.required
            for link in CoursePrerequisite.objects.filter(course=course)
            .select_related("required")
            .order_by("sort_order", "pk")
        ]
    return kept[course.pk]


def required_courses_kept() -> dict[int, list]:
    """The prerequisites this process keeps for the current content generation, by course
    id: a caller that learnt a course has none may keep ``[]`` for it (no query after)."""
    from lms.page_cache import kept_for_generation

    return kept_for_generation(_REQUIRED)


def forget_required_courses() -> None:
    """Drop the prerequisites this process keeps (tests that measure a first request)."""
    _REQUIRED.clear()


def quiz_rules_for(*, course) -> QuizRules:
    return QuizRules.objects.filter(course=course).first() or DEFAULT_RULES


def bank_question_ids(*, topic) -> list[int]:
    """The active default-language questions of a topic (given in any language)."""
    from lms.taxonomy.locales import default_locale

    return list(
        BankQuestion.objects.filter(
            locale=default_locale(),
            topic__translation_key=topic.translation_key,
            active=True,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def question_draw(*, candidates: list[int], count: int, seed: str) -> list[int]:
    """The same seed and candidates always draw the same questions, in the same order."""
    # Not a secret: a reproducible shuffle from a stored seed (the seed itself is random).
    rng = random.Random(seed)  # noqa: S311
    return rng.sample(sorted(candidates), min(count, len(candidates)))


def questions_in_language(*, question_ids: list[int], locale) -> list[BankQuestion]:
    """The drawn questions in the order drawn, each in ``locale`` where translated."""
    canonical = {q.pk: q for q in BankQuestion.objects.filter(pk__in=question_ids)}
    translated = {}
    # Questions already in ``locale`` (a lesson in the default language) need no lookup.
    if locale is not None and any(q.locale_id != locale.pk for q in canonical.values()):
        keys = [q.translation_key for q in canonical.values()]
        translated = {
            q.translation_key: q
            for q in BankQuestion.objects.filter(translation_key__in=keys, locale=locale)
        }
    shown = []
    for pk in question_ids:
        question = canonical.get(pk)
        if question is not None:
            question = translated.get(question.translation_key, question)
            question.drawn_id = pk  # answers are keyed by the question drawn
            shown.append(question)
    return shown


def attempts_of(*, learner, lesson, block_id: str) -> QuerySet[QuizAttempt]:
    return QuizAttempt.objects.filter(learner=learner, lesson=lesson, block_id=block_id)


@dataclass
class QuizStanding:
    attempts: list[QuizAttempt]
    rules: QuizRules

    @property
    def submitted(self) -> list[QuizAttempt]:
        return [a for a in self.attempts if a.submitted]

    @property
    def open_attempt(self) -> QuizAttempt | None:
        return next((a for a in self.attempts if not a.submitted), None)

    @property
    def counted(self) -> QuizAttempt | None:
        """The attempt whose score counts: the best (the earliest of equal scores) or the
        last submitted one, as the course says."""
        done = self.submitted
        if not done:
            return None
        if self.rules.counts == QuizRules.Counts.LAST:
            return max(done, key=lambda a: a.number)
        return max(done, key=lambda a: (a.score, -a.number))

    @property
    def remaining(self) -> int | None:
        if not self.rules.attempt_limit:
            return None
        return max(0, self.rules.attempt_limit - len(self.attempts))

    @property
    def may_start(self) -> bool:
        return self.open_attempt is None and self.remaining != 0


def quiz_standing(*, learner, lesson, block_id: str, course) -> QuizStanding:
    return QuizStanding(
        attempts=list(attempts_of(learner=learner, lesson=lesson, block_id=block_id)),
        rules=quiz_rules_for(course=course),
    )
