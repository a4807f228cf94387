"""Each learner's training events rolled up as they are written, and participation read
from them (decision 0615).

Participation (``selectors.participation_totals`` and ``participation_by_dimensions``)
counts the distinct people, and the distinct (person, value) pairs per dimension, among the
enrolments made or completed in the period and the presences at sessions held in it, each
under the attributes the person had at the event (the event's ``PersonSnapshot``, else the
person's attributes now). At 100,000 learners that is 350,000 events, each joined to the
person, the snapshot, the country and the roles.

Every event of a learner with the same snapshot, course and cohort counts under the same
values and passes the same filters; only its moment differs. ``LearnerParticipation``
keeps one row per such group (about one per enrolment) with the first and last moment of
its events (an enrolment's two moments: enrolled and completed; a presence's: the session's
start). For a period the row tells, without the events:

- that the group has an event in it when its first or its last moment is in it;
- that it has none when every moment is before it or after it;
- nothing when it starts before the period and ends after it (both bounds set): those
  learners' events are read directly, in the same query.

Counting distinct people and distinct (person, value) pairs over the rows that have an
event, plus the events read directly, gives the direct definition's figures: a pair found
twice counts once. The snapshots and the people are joined when read (as in the direct
definition), so a change of a person's attributes needs no work here.

The rows are recomputed from a learner's events (a delete and an ``INSERT … SELECT``), in
the transaction of the write: an enrolment or presence saved or deleted, a session moved,
a cohort given another course, a completion (an ``update()`` in
``courses.services.completion_evaluate``, which sends ``courses.signals.enrolments_updated``).
Withdrawn consent moves the rows' snapshots with the events' (``lms.privacy.receivers``).
Bulk loads that bypass model signals call :func:`participation_rebuild`
(``manage.py reports_participation_rebuild``).
"""

import datetime as dt

from django.db import connection, transaction
from django.db.models import Q

from lms.reports.filters import ReportFilters, _day_start
from lms.reports.models import LearnerParticipation

# Every event of the learners (all learners without a condition): enrolled, completed,
# present; grouped by what makes two events count alike.
ROLL_UP_SQL = """
INSERT INTO {table} ("learner_id", "profile_id", "course_id", "cohort_id", "first_at", "last_at")
SELECT "learner_id", "profile_id", "course_id", "cohort_id", MIN("at"), MAX("at")
FROM (
    SELECT e."learner_id", e."learner_profile_id" AS "profile_id", e."course_id", e."cohort_id",
           e."enrolled_at" AS "at"
    FROM {enrolment} e {enrolment_where}
    UNION ALL
    SELECT e."learner_id", e."learner_profile_id", e."course_id", e."cohort_id", e."completed_at"
    FROM {enrolment} e
    WHERE e."completed_at" IS NOT NULL {enrolment_and}
    UNION ALL
    SELECT a."learner_id", a."learner_profile_id", c."course_id", s."cohort_id", s."starts_at"
    FROM {attendance} a
    JOIN {session} s ON s."id" = a."session_id"
    JOIN {cohort} c ON c."id" = s."cohort_id"
    WHERE a."present" {attendance_and}
) AS events
GROUP BY "learner_id", "profile_id", "course_id", "cohort_id"
"""


def _roll_up(learner_ids: list[int] | None) -> None:
    from courses.models import Attendance, ClassSession, Cohort, Enrolment

    quote = connection.ops.quote_name
    if learner_ids is None:
        where, params = "", []
    else:
        where = f'"learner_id" IN ({", ".join(["%s"] * len(learner_ids))})'
        params = list(learner_ids)
    sql = ROLL_UP_SQL.format(
        table=quote(LearnerParticipation._meta.db_table),
        enrolment=quote(Enrolment._meta.db_table),
        attendance=quote(Attendance._meta.db_table),
        session=quote(ClassSession._meta.db_table),
        cohort=quote(Cohort._meta.db_table),
        enrolment_where=f"WHERE e.{where}" if where else "",
        enrolment_and=f"AND e.{where}" if where else "",
        attendance_and=f"AND a.{where}" if where else "",
    )
    with connection.cursor() as cursor:
        # The tables' names and one placeholder per learner; the ids are parameters.
        cursor.execute(sql, params * 3)


def participation_refresh(learner_ids) -> None:
    """Compute the rows of these learners again from their enrolments and presences. Two
    queries, in the caller's transaction (or one of their own)."""
    learner_ids = sorted({pk for pk in learner_ids if pk})
    if not learner_ids:
        return
    with transaction.atomic():
        LearnerParticipation.objects.filter(learner_id__in=learner_ids).delete()
        _roll_up(learner_ids)


def participation_rebuild() -> None:
    """Compute every row again (after a bulk load that bypassed model signals, or to check
    the rows). One transaction: readers see the old rows or the new ones."""
    with transaction.atomic():
        LearnerParticipation.objects.all().delete()
        _roll_up(None)


# --- kept as events are written -----------------------------------------------------------


def on_event_changed(sender, instance, raw=False, **kwargs):
    """An enrolment or presence saved or deleted: its learner's rows again."""
    if not raw:
        participation_refresh([instance.learner_id])


def on_session_saved(sender, instance, created, raw=False, **kwargs):
    """A session moved (another start, another cohort): the rows of those marked at it."""
    if raw or created:
        return
    from courses.models import Attendance

    participation_refresh(
        Attendance.objects.filter(session=instance).values_list("learner_id", flat=True)
    )


def on_cohort_saved(sender, instance, created, raw=False, **kwargs):
    """A cohort's course changed: the rows of those marked at its sessions."""
    if raw or created:
        return
    from courses.models import Attendance

    participation_refresh(
        Attendance.objects.filter(session__cohort=instance).values_list("learner_id", flat=True)
    )


def on_enrolments_updated(sender, learner_ids, **kwargs):
    """Enrolments changed by an ``update()`` (a completion): those learners' rows again."""
    participation_refresh(learner_ids)


def connect_receivers() -> None:
    from django.db.models.signals import post_delete, post_save

    from courses.models import Attendance, ClassSession, Cohort, Enrolment
    from courses.signals import enrolments_updated

    enrolments_updated.connect(on_enrolments_updated, dispatch_uid="reports_participation")

    for model in (Enrolment, Attendance):
        uid = f"reports_participation_{model._meta.model_name}"
        post_save.connect(on_event_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(on_event_changed, sender=model, dispatch_uid=uid)
    post_save.connect(on_session_saved, sender=ClassSession, dispatch_uid="reports_participation")
    post_save.connect(on_cohort_saved, sender=Cohort, dispatch_uid="reports_participation")


# --- read ---------------------------------------------------------------------------------


def _conditions(f: ReportFilters) -> tuple[Q, Q | None]:
    """The rows with an event in ``f``'s period, and those that may have one (``None``
    unless the period has both bounds)."""
    start = _day_start(f.since) if f.since else None
    end = _day_start(f.until + dt.timedelta(days=1)) if f.until else None
    if start is None and end is None:
        return Q(), None
    if end is None:
        return Q(last_at__gte=start), None
    if start is None:
        return Q(first_at__lt=end), None
    inside = Q(first_at__gte=start, first_at__lt=end) | Q(last_at__gte=start, last_at__lt=end)
    return inside, Q(first_at__lt=start, last_at__gte=end)


def participation_events_sql(f: ReportFilters, columns) -> tuple[str, list]:
    """SQL giving ``learner_id`` and the columns ``columns(snapshot, person)`` returns (a
    name: expression mapping, each on the snapshot reached by ``snapshot`` or else the person
    reached by ``person``) for a set of events whose distinct people and distinct (person,
    value) pairs are those of every enrolment and presence in ``f`` (not every event: one
    row per group of events that count alike), and its parameters."""
    from lms.reports.selectors import _course_q, _period_enrolments, _period_presences

    rows = LearnerParticipation.objects.filter(
        f.profile_q("profile__", "learner__"), _course_q(f, "cohort_", "course__")
    )
    inside, unsure = _conditions(f)
    events = (
        rows.filter(inside).values("learner_id", **columns("profile__", "learner__")).order_by()
    )
    if unsure is not None:
        learners = rows.filter(unsure).values("learner_id")
        direct = columns("learner_profile__", "learner__")
        events = events.union(
            _period_enrolments(f)
            .filter(learner_id__in=learners)
            .values("learner_id", **direct)
            .order_by(),
            _period_presences(f)
            .filter(learner_id__in=learners)
            .values("learner_id", **direct)
            .order_by(),
            all=True,
        )
    sql, params = events.query.sql_with_params()
    return sql, list(params)


def participants(f: ReportFilters) -> int:
    """The number of people with an enrolment or presence in ``f``. One query."""
    sql, params = participation_events_sql(f, lambda snapshot, person: {})
    with connection.cursor() as cursor:
        # Django's own compilation of the rows' and events' querysets.
        cursor.execute(f'SELECT COUNT(DISTINCT "learner_id") FROM ({sql}) AS events', params)  # noqa: S608
        return cursor.fetchone()[0]
