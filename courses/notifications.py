"""What courses tells people, through the core notification service (lms.notifications):
the kinds it registers, the receivers that turn its events into notifications, and the
scheduled work (run by the tasks in ``courses.tasks``) that looks for sessions about to
start and modules opening today.

Every notification has a key naming its event, so a retried task or a duplicated signal
never tells anyone twice: an enrolment once, a review once per decision, a session reminder
once per session, person and window (24 hours, 1 hour), a module once per person, a waiting
list seat once per session, a due date once per course and date."""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lms.notifications.registry import Message, NotificationKind, register_kind
from lms.notifications.services import notification_send

ENROLMENT = "courses.enrolment"
SESSION_REMINDER = "courses.session_reminder"
MODULE_OPENED = "courses.module_opened"
REVIEW_OUTCOME = "courses.review_outcome"
WAITLIST_SEAT = "courses.waitlist_seat"
TRAINING_DUE_SOON = "courses.training_due_soon"
TRAINING_OVERDUE = "courses.training_overdue"
EVALUATION_WAITING = "courses.evaluation_waiting"

# Reminders go out this long before a session starts; the 24-hour one only while the session
# is more than an hour away, so a session planned at short notice gets the 1-hour one alone.
REMINDER_WINDOWS = {"24h": dt.timedelta(hours=24), "1h": dt.timedelta(hours=1)}


# --- how each kind reads ------------------------------------------------------------------


def _page_in_language(page_id):
    """The page in the active language when translated, else as it is; None when gone."""
    from wagtail.models import Page

    page = Page.objects.filter(pk=page_id).first()
    if page is None:
        return None
    return page.localized.specific


def _page_link(page) -> str:
    return (page.get_url() or "") if page is not None else ""


def _when(value: str) -> str:
    return date_format(timezone.localtime(dt.datetime.fromisoformat(value)), "DATETIME_FORMAT")


def _day(value: str) -> str:
    return date_format(dt.date.fromisoformat(value), "DATE_FORMAT")


def _name(recipient) -> str:
    return recipient.display_name or recipient.get_full_name() or recipient.username


def render_enrolment(*, recipient, params, context):
    course = _page_in_language(params["course_id"])
    title = course.title if course else params.get("course_title", "")
    return Message(
        subject=gettext("You are enrolled in %(course)s") % {"course": title},
        body=gettext(
            "Hello %(name)s,\n\nyou are enrolled in %(course)s. You can start whenever you "
            "are ready."
        )
        % {"name": _name(recipient), "course": title},
        link=_page_link(course),
    )


def render_session_reminder(*, recipient, params, context):
    values = {"session": params["title"], "when": _when(params["starts_at"])}
    if params["window"] == "1h":
        subject = gettext("%(session)s starts soon, at %(when)s") % values
    else:
        subject = gettext("Reminder: %(session)s on %(when)s") % values
    body = gettext("Hello %(name)s,\n\nyour session %(session)s starts at %(when)s.") % {
        "name": _name(recipient),
        **values,
    }
    if params.get("venue"):
        body += "\n" + gettext("Place: %(venue)s") % {"venue": params["venue"]}
    course = _page_in_language(params["course_id"]) if params.get("course_id") else None
    return Message(subject=subject, body=body, link=_page_link(course))


def render_module_opened(*, recipient, params, context):
    module = _page_in_language(params["module_id"])
    course = _page_in_language(params["course_id"])
    values = {
        "module": module.title if module else "",
        "course": course.title if course else "",
    }
    return Message(
        subject=gettext("A new module is open: %(module)s") % values,
        body=gettext("Hello %(name)s,\n\nthe module %(module)s of %(course)s is open for you.")
        % {"name": _name(recipient), **values},
        link=_page_link(module),
    )


def render_review_outcome(*, recipient, params, context):
    course = _page_in_language(params["course_id"])
    values = {"course": course.title if course else ""}
    if params["status"] == "approved":
        subject = gettext("Your work for %(course)s is approved") % values
        body = gettext("Hello %(name)s,\n\nyour trainer approved your work for %(course)s.")
    else:
        subject = gettext("Changes requested on your work for %(course)s") % values
        body = gettext(
            "Hello %(name)s,\n\nyour trainer asks for changes to your work for %(course)s."
        )
    body = body % {"name": _name(recipient), **values}
    if params.get("comment"):
        body += "\n\n" + gettext("Their comment: %(comment)s") % {"comment": params["comment"]}
    return Message(subject=subject, body=body, link=_page_link(course))


def render_waitlist_seat(*, recipient, params, context):
    values = {"session": params["title"], "when": _when(params["starts_at"])}
    body = gettext("Hello %(name)s,\n\na seat freed up and it is yours: %(session)s, %(when)s.") % {
        "name": _name(recipient),
        **values,
    }
    if params.get("venue"):
        body += "\n" + gettext("Place: %(venue)s") % {"venue": params["venue"]}
    course = _page_in_language(params["course_id"]) if params.get("course_id") else None
    return Message(
        subject=gettext("You have a seat in %(session)s") % values,
        body=body,
        link=_page_link(course),
    )


def render_training_due(*, recipient, params, context):
    course = _page_in_language(params["course_id"])
    values = {"course": course.title if course else "", "day": _day(params["due_on"])}
    if params["state"] == "overdue":
        subject = gettext("Overdue: %(course)s was due on %(day)s") % values
        body = gettext(
            "Hello %(name)s,\n\n%(course)s was due on %(day)s. Please complete it as soon as "
            "you can."
        )
    else:
        subject = gettext("%(course)s is due on %(day)s") % values
        body = gettext("Hello %(name)s,\n\nplease complete %(course)s by %(day)s.")
    return Message(
        subject=subject,
        body=body % {"name": _name(recipient), **values},
        link=_page_link(course),
    )


def render_evaluation_waiting(*, recipient, params, context):
    from django.urls import reverse

    values = {"what": params["title"]}
    return Message(
        subject=gettext("How was %(what)s? Tell us in one minute") % values,
        body=gettext(
            "Hello %(name)s,\n\nplease rate %(what)s and its trainer. Your answer is "
            "anonymous: the trainer never sees who wrote it."
        )
        % {"name": _name(recipient), **values},
        link=reverse("courses:evaluations_waiting"),
    )


def register():
    for kind in (
        NotificationKind(ENROLMENT, _("Enrolment in a course"), render_enrolment),
        NotificationKind(
            SESSION_REMINDER,
            _("Reminders before a classroom session"),
            render_session_reminder,
            help_text=_("A day before and an hour before."),
        ),
        NotificationKind(MODULE_OPENED, _("A new module opens"), render_module_opened),
        NotificationKind(
            REVIEW_OUTCOME, _("Your trainer reviewed your work"), render_review_outcome
        ),
        NotificationKind(
            WAITLIST_SEAT, _("A seat for you from a waiting list"), render_waitlist_seat
        ),
        NotificationKind(TRAINING_DUE_SOON, _("Required training due soon"), render_training_due),
        NotificationKind(TRAINING_OVERDUE, _("Required training overdue"), render_training_due),
        NotificationKind(
            EVALUATION_WAITING,
            _("Rate a session or course you took"),
            render_evaluation_waiting,
            help_text=_("After a classroom session you attended or a course you completed."),
        ),
    ):
        register_kind(kind)


# --- receivers -------------------------------------------------------------------------------


def on_enrolment_saved(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    enrolment = instance
    transaction.on_commit(
        lambda: notification_send(
            recipient=enrolment.learner,
            kind=ENROLMENT,
            key=f"enrolment:{enrolment.pk}",
            params={"course_id": enrolment.course_id},
        )
    )


def on_submission_saved(sender, instance, raw=False, **kwargs):
    submission = instance
    if raw or submission.reviewed_at is None or submission.status == "submitted":
        return
    params = {
        "course_id": submission.course_id,
        "status": submission.status,
        "comment": submission.review_comment[:500],
    }
    key = f"review:{submission.pk}:{submission.reviewed_at.isoformat()}"
    transaction.on_commit(
        lambda: notification_send(
            recipient=submission.learner, kind=REVIEW_OUTCOME, key=key, params=params
        )
    )


def _session_params(session) -> dict:
    cohort = getattr(session, "cohort", None)
    return {
        "session_id": getattr(session, "pk", None),
        "title": session.title,
        "starts_at": session.starts_at.isoformat(),
        "venue": getattr(session, "venue", "") or "",
        "course_id": getattr(cohort, "course_id", None),
    }


def on_waitlist_seat_given(sender, registration, **kwargs):
    """Reads only ``registration.learner`` and ``registration.session`` (the contract with
    the sign-up work)."""
    session = registration.session
    params = _session_params(session)
    notification_send(
        recipient=registration.learner,
        kind=WAITLIST_SEAT,
        key=f"seat:{params['session_id']}:{params['starts_at']}",
        params=params,
    )


def _on_training_due(kind, state):
    def receiver(sender, learner, course, due_on, **kwargs):
        notification_send(
            recipient=learner,
            kind=kind,
            key=f"due:{course.pk}:{due_on.isoformat()}",
            params={"course_id": course.pk, "due_on": due_on.isoformat(), "state": state},
        )

    return receiver


on_training_due_soon = _on_training_due(TRAINING_DUE_SOON, "soon")
on_training_overdue = _on_training_due(TRAINING_OVERDUE, "overdue")


def on_course_completed(sender, learner, course, completed_at, **kwargs):
    notification_send(
        recipient=learner,
        kind=EVALUATION_WAITING,
        key=f"evaluation:course:{course.pk}:{completed_at.isoformat()}",
        params={"title": course.title, "course_id": course.pk},
    )


def connect():
    from courses.models import Enrolment, Submission
    from courses.signals import (
        course_completed,
        training_due_soon,
        training_overdue,
        waitlist_seat_given,
    )

    course_completed.connect(on_course_completed, dispatch_uid="notify_evaluation_course")

    post_save.connect(on_enrolment_saved, sender=Enrolment, dispatch_uid="notify_enrolment")
    post_save.connect(on_submission_saved, sender=Submission, dispatch_uid="notify_review")
    waitlist_seat_given.connect(on_waitlist_seat_given, dispatch_uid="notify_waitlist_seat")
    training_due_soon.connect(on_training_due_soon, dispatch_uid="notify_due_soon")
    training_overdue.connect(on_training_overdue, dispatch_uid="notify_overdue")


# --- scheduled ----------------------------------------------------------------------------


def _already_told(kind, keys) -> set[tuple[int, str]]:
    from lms.notifications.models import Notification

    return set(
        Notification.objects.filter(kind=kind, key__in=keys).values_list("recipient_id", "key")
    )


def session_reminders_due(*, now: dt.datetime) -> list[tuple]:
    """(session, learner, window) for every learner of a session whose reminder is due now
    and not sent yet: the 24-hour one for sessions between 1 and 24 hours away, the 1-hour
    one for sessions less than an hour away. A session that takes sign-ups reminds those
    holding a seat (not those waiting or who cancelled); any other, its class."""
    from courses.models import ClassSession, Enrolment, SessionRegistration

    bands = {
        "24h": (now + REMINDER_WINDOWS["1h"], now + REMINDER_WINDOWS["24h"]),
        "1h": (now, now + REMINDER_WINDOWS["1h"]),
    }
    due = []
    for window, (after, until) in bands.items():
        sessions = list(
            ClassSession.objects.filter(starts_at__gt=after, starts_at__lte=until).select_related(
                "cohort"
            )
        )
        if not sessions:
            continue
        learners = {}
        for enrolment in Enrolment.objects.filter(
            cohort_id__in={s.cohort_id for s in sessions if not s.takes_registrations},
            learner__is_active=True,
        ).select_related("learner"):
            learners.setdefault(enrolment.cohort_id, []).append(enrolment.learner)
        seated = {}
        for registration in SessionRegistration.objects.filter(
            session_id__in={s.pk for s in sessions if s.takes_registrations},
            status=SessionRegistration.Status.REGISTERED,
            learner__is_active=True,
        ).select_related("learner"):
            seated.setdefault(registration.session_id, []).append(registration.learner)
        keys = {s.pk: _reminder_key(s, window) for s in sessions}
        told = _already_told(SESSION_REMINDER, keys.values())
        for session in sessions:
            if session.takes_registrations:
                people = seated.get(session.pk, [])
            else:
                people = learners.get(session.cohort_id, [])
            for learner in people:
                if (learner.pk, keys[session.pk]) not in told:
                    due.append((session, learner, window))
    return due


def _reminder_key(session, window) -> str:
    # The start is part of the key: a session moved to another day is reminded again.
    return f"session:{session.pk}:{window}:{session.starts_at.isoformat()}"


def session_reminders_send() -> int:
    sent = 0
    for session, learner, window in session_reminders_due(now=timezone.now()):
        params = {**_session_params(session), "window": window}
        if notification_send(
            recipient=learner,
            kind=SESSION_REMINDER,
            key=_reminder_key(session, window),
            params=params,
        ):
            sent += 1
    return sent


def module_openings_due(*, today: dt.date) -> list[tuple]:
    """(enrolment, module) for every module (after the first, which opens with the
    enrolment) that opens today for a learner still taking its course."""
    from courses import selectors
    from courses.models import Enrolment, ModulePage

    modules_by_course = {}
    for module in ModulePage.objects.live().filter(month__gt=1).only("pk", "path", "month"):
        modules_by_course.setdefault(module.path[: -ModulePage.steplen], []).append(module)
    if not modules_by_course:
        return []
    # Only learners whose start is recent enough for one of these modules to open today.
    months = max(m.month for ms in modules_by_course.values() for m in ms)
    oldest = today - dt.timedelta(days=31 * months)
    due = []
    enrolments = (
        Enrolment.objects.filter(completed_at__isnull=True, learner__is_active=True)
        .filter(Q(cohort__start_date__gte=oldest) | Q(enrolled_at__date__gte=oldest))
        .select_related("cohort", "course", "learner")
    )
    for enrolment in enrolments.iterator(chunk_size=500):
        modules = modules_by_course.get(enrolment.course.path, [])
        if not modules:
            continue
        start = selectors.enrolment_release_start(enrolment)
        for module in modules:
            if selectors.module_opens_on(start, module.month) == today:
                due.append((enrolment, module))
    told = _already_told(MODULE_OPENED, {_module_key(module) for _enrolment, module in due})
    return [
        (enrolment, module)
        for enrolment, module in due
        if (enrolment.learner_id, _module_key(module)) not in told
    ]


def _module_key(module) -> str:
    return f"module:{module.pk}"


def module_openings_announce() -> int:
    sent = 0
    for enrolment, module in module_openings_due(today=timezone.localdate()):
        if notification_send(
            recipient=enrolment.learner,
            kind=MODULE_OPENED,
            key=_module_key(module),
            params={"module_id": module.pk, "course_id": enrolment.course_id},
        ):
            sent += 1
    return sent


def evaluation_invitations_due(*, now: dt.datetime) -> list[tuple]:
    """(session, learner) for everyone present at a session that ended in the last day and
    not yet invited to rate it. Three queries."""
    from courses.models import Attendance

    ended = Attendance.objects.filter(
        present=True,
        learner__is_active=True,
        session__ends_at__lte=now,
        session__ends_at__gt=now - dt.timedelta(days=1),
    ).select_related("session", "learner")
    rows = list(ended)
    told = _already_told(EVALUATION_WAITING, {_evaluation_key(a.session) for a in rows})
    return [
        (a.session, a.learner)
        for a in rows
        if (a.learner_id, _evaluation_key(a.session)) not in told
    ]


def _evaluation_key(session) -> str:
    return f"evaluation:session:{session.pk}"


def evaluation_invitations_send() -> int:
    sent = 0
    for session, learner in evaluation_invitations_due(now=timezone.now()):
        if notification_send(
            recipient=learner,
            kind=EVALUATION_WAITING,
            key=_evaluation_key(session),
            params={"title": session.title, "session_id": session.pk},
        ):
            sent += 1
    return sent
