"""Demo evaluations: most of the Vietnamese programme's learners rated their first
classroom sessions (enough for averages to show); three Jordanian participants rated their
seminar (too few: suppressed). The demo worker and supervisor have theirs waiting."""

from django.utils import timezone

from courses.evaluations import services
from courses.evaluations.models import EvaluationReceipt
from courses.models import Attendance

COMMENTS = [
    "The role play about overtime helped me explain it to my line.",
    "Too much text on the slides; more pictures please.",
    "",
    "The trainer listened to our questions.",
    "",
    "We need this in the afternoon, not after a night shift.",
]

KEEP_WAITING = {"worker", "supervisor"}


def load():
    if EvaluationReceipt.objects.exists():
        return
    presences = (
        Attendance.objects.filter(present=True, session__ends_at__lte=timezone.now())
        .select_related("session__cohort", "learner")
        .order_by("session__starts_at", "learner__username")
    )
    for index, presence in enumerate(presences):
        if presence.learner.username in KEEP_WAITING:
            continue
        cohort = presence.session.cohort
        if cohort.country.code == "jo" and index % 3:
            continue  # only a few answers: the reports show "<5" for them
        services.evaluation_submit(
            person=presence.learner,
            target="session",
            target_id=presence.session_id,
            content_rating=3 + index % 3,
            trainer_rating=4 + index % 2,
            comment=COMMENTS[index % len(COMMENTS)],
        )
