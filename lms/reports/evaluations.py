"""Training evaluation results (issue 22, part 5): mean ratings of content and trainer per
country, course and trainer, with the small-count suppression of shared exports applied
always (``lms.reports.disclosure.shared_table``), because these answers are anonymous by
promise: a group of fewer than five answers shows "<5" and no mean, and hidden cells of a
table hide at least five answers together, so a total never gives a small group back.

Each table is one grouped query whatever the number of answers. Comments are shown to
programme staff only, for courses with at least five answers in their scope.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from courses.evaluations.models import EvaluationAnswer
from lms.reports.disclosure import SMALLEST_SHARED_COUNT, shared_table
from lms.reports.selectors import Column, Table

COMMENTS_SHOWN = 50


def answers_in_scope(*, country_id: int | None) -> QuerySet[EvaluationAnswer]:
    answers = EvaluationAnswer.objects.all()
    if country_id is not None:
        answers = answers.filter(country_id=country_id)
    return answers


def _mean(value):
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _columns(label):
    return [
        Column("label", label),
        Column("answers", _("Answers"), count=True),
        Column("content", _("Content (mean of 1-5)"), derived_from=("answers",)),
        Column("trainer_answers", _("Trainer ratings"), count=True),
        Column("trainer", _("Trainer (mean of 1-5)"), derived_from=("trainer_answers",)),
    ]


def _grouped(answers, *, key: str, names: tuple[str, ...], label_of) -> list[dict]:
    """One row per ``key``, labelled by ``label_of`` from the ``names`` columns read in the
    same grouped query (the group's name depends on its key alone)."""
    rows = (
        answers.values(key, *names)
        .annotate(
            answers=Count("pk", distinct=True),
            trainer_answers=Count("pk", filter=Q(trainer_rating__isnull=False), distinct=True),
            content=Avg("content_rating"),
            trainer=Avg("trainer_rating"),
        )
        .order_by(key)
    )
    return [
        {
            "label": label_of(row) if row[key] is not None else "–",
            "answers": row["answers"],
            "trainer_answers": row["trainer_answers"],
            "content": _mean(row["content"]),
            "trainer": _mean(row["trainer"]),
        }
        for row in rows
    ]


def _table(key, title, label, rows, note="") -> Table:
    table = Table(key=key, title=title, columns=_columns(label), rows=rows, note=note)
    return shared_table(table)


TRAINER_NAMES = (
    "cohort__trainers__display_name",
    "cohort__trainers__first_name",
    "cohort__trainers__last_name",
)


def _trainer_label(row):
    """``User.public_name`` from the grouped row's columns."""
    display, first, last = (row[name] for name in TRAINER_NAMES)
    return display or f"{first} {last}".strip() or _("Community member")


def _course_label(row):
    return row["course__title"] or "–"


def evaluation_tables(*, country_id: int | None) -> list[Table]:
    """Results per country, course and trainer for staff (``country_id`` None: all)."""
    answers = answers_in_scope(country_id=country_id)
    by_country = _grouped(
        answers,
        key="country_id",
        names=("country__name",),
        label_of=lambda row: row["country__name"] or "–",
    )
    by_course = _grouped(answers, key="course_id", names=("course__title",), label_of=_course_label)
    by_trainer = _grouped(
        answers.filter(cohort__trainers__isnull=False),
        key="cohort__trainers",
        names=TRAINER_NAMES,
        label_of=_trainer_label,
    )
    return [
        _table("country", _("Evaluations per country"), _("Country"), by_country),
        _table("course", _("Evaluations per course"), _("Course"), by_course),
        _table(
            "trainer",
            _("Evaluations per trainer"),
            _("Trainer"),
            by_trainer,
            note=_("An answer about a class with two trainers counts for each of them."),
        ),
    ]


def trainer_tables(*, trainer) -> list[Table]:
    """A trainer's own averages: over all their classes, and per course."""
    answers = answers_in_scope(country_id=None).filter(cohort__trainers=trainer)
    summary = answers.aggregate(
        answers=Count("pk", distinct=True),
        trainer_answers=Count("pk", filter=Q(trainer_rating__isnull=False), distinct=True),
        content=Avg("content_rating"),
        trainer=Avg("trainer_rating"),
    )
    total = {
        "label": _("All my classes"),
        "answers": summary["answers"],
        "trainer_answers": summary["trainer_answers"],
        "content": _mean(summary["content"]),
        "trainer": _mean(summary["trainer"]),
    }
    by_course = _grouped(answers, key="course_id", names=("course__title",), label_of=_course_label)
    return [
        _table("mine", _("My evaluations"), _("Classes"), [total]),
        _table("mine-course", _("My evaluations per course"), _("Course"), by_course),
    ]


def evaluation_comments(*, country_id: int | None, limit: int = COMMENTS_SHOWN):
    """Recent comments (plain text, already cleaned when saved) of courses with at least
    five answers in the scope, newest month first; never with a person."""
    answers = answers_in_scope(country_id=country_id)
    courses = (
        answers.values("course_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=SMALLEST_SHARED_COUNT)
        .values("course_id")
    )
    return (
        answers.filter(course_id__in=courses)
        .exclude(comment="")
        .select_related("course")
        .only("comment", "month", "course__title")
        .order_by("-month", "course_id", "id")[:limit]
    )
