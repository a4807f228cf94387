"""A person's calendar is gathered from sources that parts of the system register here:
courses registers the person's classroom sessions and the days their monthly modules open;
other parts (due dates of required training, for example) register their own with
``register_calendar_source``. The page (``/learn/calendar/``) and the iCalendar feed read the
same list, so they always agree.

A source is a function ``source(*, person, start, end) -> iterable of CalendarEvent`` for the
events that begin in ``[start, end)``; it should cost a fixed number of queries however many
events the person has.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

CalendarSource = Callable[..., Iterable["CalendarEvent"]]


@dataclass(frozen=True)
class CalendarEvent:
    """One event. ``uid`` must be stable (the same event keeps it, so calendar applications
    update rather than duplicate it); ``starts`` is an aware datetime, or a date for an
    all-day event."""

    uid: str
    kind: str
    title: str
    starts: dt.datetime | dt.date
    ends: dt.datetime | dt.date | None = None
    location: str = ""
    description: str = ""
    url: str = ""

    @property
    def all_day(self) -> bool:
        return not isinstance(self.starts, dt.datetime)

    @property
    def sort_key(self) -> dt.datetime:
        if self.all_day:
            return timezone.make_aware(dt.datetime.combine(self.starts, dt.time.min))
        return self.starts


_sources: dict[str, CalendarSource] = {}


def register_calendar_source(name: str, source: CalendarSource) -> None:
    """Register (or replace, under the same name) a source of calendar events."""
    _sources[name] = source


def calendar_sources() -> dict[str, CalendarSource]:
    return dict(_sources)


def calendar_events(*, person, start: dt.datetime, end: dt.datetime) -> list[CalendarEvent]:
    """Every registered source's events for ``person`` beginning in ``[start, end)``, in
    order of time."""
    events = []
    for source in _sources.values():
        events.extend(source(person=person, start=start, end=end))
    return sorted(events, key=lambda event: (event.sort_key, event.title, event.uid))


def _in_window(event: CalendarEvent, start: dt.datetime, end: dt.datetime) -> bool:
    return start <= event.sort_key < end


# --- the sources courses registers ------------------------------------------------------


def session_events(*, person, start: dt.datetime, end: dt.datetime) -> list[CalendarEvent]:
    """Sessions of the person's cohorts that take no sign-up, and the sessions they signed up
    for (a place on the waiting list says so). Two queries."""
    from courses.models import ClassSession, Enrolment, SessionRegistration

    active = (SessionRegistration.Status.REGISTERED, SessionRegistration.Status.WAITLISTED)
    registrations = {
        r.session_id: r.status
        for r in SessionRegistration.objects.filter(
            learner=person,
            status__in=active,
            session__starts_at__gte=start,
            session__starts_at__lt=end,
        )
    }
    cohorts = Enrolment.objects.filter(learner=person, cohort__isnull=False).values("cohort")
    sessions = (
        ClassSession.objects.filter(starts_at__gte=start, starts_at__lt=end)
        .filter(Q(cohort__in=cohorts, capacity__isnull=True) | Q(pk__in=list(registrations)))
        .select_related("cohort__course")
    )
    events = []
    for session in sessions:
        title = session.title
        if registrations.get(session.pk) == SessionRegistration.Status.WAITLISTED:
            title = _("%(title)s (waiting list)") % {"title": session.title}
        events.append(
            CalendarEvent(
                uid=f"session-{session.pk}",
                kind="session",
                title=title,
                starts=session.starts_at,
                ends=session.ends_at,
                location=session.venue,
                description=session.cohort.course.title,
            )
        )
    return events


def module_opening_events(*, person, start: dt.datetime, end: dt.datetime) -> list[CalendarEvent]:
    """The days the person's monthly modules open (per cohort, see ``courses.selectors``),
    titled in the person's language where the module is translated. Three queries."""
    from wagtail.models import Locale

    from courses.models import ModulePage, ProgrammePage
    from courses.selectors import enrolment_release_start, enrolments_of, module_opens_on

    enrolments = [
        e
        for e in enrolments_of(learner=person).filter(completed_at__isnull=True)
        if e.course.specific_class is ProgrammePage
    ]
    if not enrolments:
        return []
    by_path = {e.course.path: e for e in enrolments}
    depth = {e.course.depth + 1 for e in enrolments}
    paths = Q()
    for path in by_path:
        paths |= Q(path__startswith=path)
    modules = list(ModulePage.objects.live().filter(paths, depth__in=depth).order_by("path"))
    locale = Locale.objects.filter(language_code=person.preferred_language).first()
    translated = {}
    if locale is not None:
        translated = dict(
            ModulePage.objects.live()
            .filter(locale=locale, translation_key__in=[m.translation_key for m in modules])
            .values_list("translation_key", "title")
        )
    events = []
    for module in modules:
        enrolment = by_path[module.path[: -ModulePage.steplen]]
        opens = module_opens_on(enrolment_release_start(enrolment), module.month)
        event = CalendarEvent(
            uid=f"module-{module.pk}-opens-{enrolment.pk}",
            kind="module",
            title=_("%(module)s opens")
            % {"module": translated.get(module.translation_key, module.title)},
            starts=opens,
            ends=opens + dt.timedelta(days=1),
            description=enrolment.course.title,
        )
        if _in_window(event, start, end):
            events.append(event)
    return events


def training_due_events(*, person, start: dt.datetime, end: dt.datetime) -> list[CalendarEvent]:
    """The days the person's required training falls due (each open cycle of
    ``courses.training``), titled in the course's language as stored. One query."""
    from courses.models import TrainingAssignment

    open_cycles = TrainingAssignment.objects.filter(
        learner=person,
        completed_at__isnull=True,
        due_on__gte=timezone.localdate(start),
        due_on__lt=timezone.localdate(end) + dt.timedelta(days=1),
    ).select_related("course")
    events = []
    for assignment in open_cycles:
        event = CalendarEvent(
            uid=f"training-{assignment.pk}-due",
            kind="due",
            title=_("%(course)s is due") % {"course": assignment.course.title},
            starts=assignment.due_on,
            ends=assignment.due_on + dt.timedelta(days=1),
        )
        if _in_window(event, start, end):
            events.append(event)
    return events


def register_course_sources() -> None:
    register_calendar_source("courses.sessions", session_events)
    register_calendar_source("courses.module_openings", module_opening_events)
    register_calendar_source("courses.training_due", training_due_events)
