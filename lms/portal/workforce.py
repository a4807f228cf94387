"""The factory manager's view of their workforce (issue 22.4): who is enrolled in what, how
far they are, classes attended, certificates held, required training overdue, and training
days used against the organisation's allocation.

It reads courses and certification, so it lives in the portal (a top room). Who may open it is
``may_view_workforce``: the organisation's own managers and HR, its country's programme staff,
global administrators; nobody else. Every selector here answers in a fixed number of queries
however many people the organisation has (the rows are read one page at a time).
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Count,
    Exists,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from certification.models import Certificate
from courses.models import Attendance, ClassSession, Enrolment, TrainingAssignment
from courses.training import current_assignments
from lms.accounts.models import Organisation, Role, User
from lms.spreadsheets import safe_row

WORKFORCE_ROLES = (Role.Code.MANAGER, Role.Code.HR)


def may_view_workforce(user, organisation: Organisation) -> bool:
    """The organisation's managers and HR, its country's staff, global administrators."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_global_admin:
        return True
    if user.is_country_staff:
        return bool(user.country_id) and user.country_id == organisation.country_id
    return user.organisation_id == organisation.pk and user.has_role(*WORKFORCE_ROLES)


def overdue_q(today: dt.date):
    """People with a required training past its due date and not done."""
    return Exists(
        TrainingAssignment.objects.filter(
            learner_id=OuterRef("pk"), completed_at__isnull=True, due_on__lt=today
        )
    )


def workforce_people(
    *, organisation: Organisation, today: dt.date, overdue_only: bool = False
) -> QuerySet[User]:
    people = User.objects.filter(organisation=organisation, is_active=True)
    if overdue_only:
        people = people.filter(overdue_q(today))
    attended = _attended_this_year(today).filter(learner_id=OuterRef("pk")).values("n")
    return (
        people.annotate(
            sessions_attended=Coalesce(Subquery(attended, output_field=IntegerField()), 0)
        )
        .prefetch_related(Prefetch("roles", queryset=Role.objects.order_by("pk")))
        .order_by("display_name", "username", "pk")
    )


def _attended_this_year(today: dt.date):
    """Classes attended this calendar year, per learner (``learner_id``, ``n``)."""
    return (
        Attendance.objects.filter(present=True, session__starts_at__year=today.year)
        .order_by()
        .values("learner_id")
        .annotate(n=Count("pk"))
    )


@dataclass
class CourseState:
    title: str
    completed: bool


@dataclass
class Required:
    title: str
    due_on: dt.date
    overdue: bool


@dataclass
class PersonRow:
    person: User
    courses: list[CourseState] = field(default_factory=list)
    sessions_attended: int = 0
    certificates: list[str] = field(default_factory=list)
    required: list[Required] = field(default_factory=list)

    @property
    def roles(self) -> list[str]:
        return [str(role) for role in self.person.roles.all()]

    @property
    def completed(self) -> int:
        return sum(1 for course in self.courses if course.completed)

    @property
    def in_progress(self) -> list[str]:
        return [course.title for course in self.courses if not course.completed]

    @property
    def overdue(self) -> list[Required]:
        return [item for item in self.required if item.overdue]


def workforce_rows(*, people: list[User], today: dt.date) -> list[PersonRow]:
    """One row per person read by ``workforce_people`` (in the order given): three queries,
    whatever the number."""
    rows = {
        person.pk: PersonRow(person=person, sessions_attended=person.sessions_attended)
        for person in people
    }
    ids = list(rows)
    for learner_id, title, completed_at in (
        Enrolment.objects.filter(learner_id__in=ids)
        .order_by("course__title")
        .values_list("learner_id", "course__title", "completed_at")
    ):
        rows[learner_id].courses.append(CourseState(title, completed_at is not None))
    for holder_id, programme in (
        Certificate.objects.filter(holder_id__in=ids)
        .active_on(today)
        .order_by("programme__title")
        .values_list("holder_id", "programme__title")
    ):
        rows[holder_id].certificates.append(programme)
    for learner_id, title, due_on, completed_at in (
        current_assignments(learners=ids)
        .order_by("due_on")
        .values_list("learner_id", "course__title", "due_on", "completed_at")
    ):
        if completed_at is None:
            rows[learner_id].required.append(Required(title, due_on, due_on < today))
    return list(rows.values())


@dataclass
class WorkforceSummary:
    people: int
    people_overdue: int
    year: int
    training_days_used: int
    training_days_allocation: Decimal

    @property
    def training_days_left(self) -> Decimal:
        return self.training_days_allocation - self.training_days_used

    @property
    def used_percent(self) -> int | None:
        if not self.training_days_allocation:
            return None
        return round(100 * self.training_days_used / self.training_days_allocation)


def workforce_summary(*, organisation: Organisation, today: dt.date) -> WorkforceSummary:
    """Head counts and training days (one session of the organisation's classes is one
    training day, as in the reports) this calendar year. One query."""
    members = User.objects.filter(organisation=OuterRef("pk"), is_active=True)

    def counted(queryset):
        # COUNT as a plain function: the subquery's one row, with no GROUP BY.
        rows = queryset.order_by().annotate(n=Func("pk", function="COUNT")).values("n")
        return Coalesce(Subquery(rows, output_field=IntegerField()), 0)

    counts = (
        Organisation.objects.filter(pk=organisation.pk)
        .annotate(
            people_count=counted(members),
            overdue_count=counted(members.filter(overdue_q(today))),
            sessions_count=counted(
                ClassSession.objects.filter(
                    cohort__organisation=OuterRef("pk"), starts_at__year=today.year
                ).order_by()
            ),
        )
        .values("people_count", "overdue_count", "sessions_count")
        .get()
    )
    return WorkforceSummary(
        people=counts["people_count"],
        people_overdue=counts["overdue_count"],
        year=today.year,
        training_days_used=counts["sessions_count"],
        training_days_allocation=organisation.training_days_allocation or Decimal("0"),
    )


# --- export ---------------------------------------------------------------------------------

EXPORT_CHUNK = 500


def export_header() -> list[str]:
    return [
        _("Name"),
        _("Username"),
        _("Roles"),
        _("Courses enrolled"),
        _("Courses completed"),
        _("In progress"),
        _("Classes attended this year"),
        _("Valid certificates"),
        _("Required training overdue"),
        _("Required training due"),
    ]


def _required_text(items: list[Required]) -> str:
    return "; ".join(f"{item.title} ({item.due_on.isoformat()})" for item in items)


def export_rows(*, organisation: Organisation, today: dt.date, overdue_only=False) -> Iterator:
    """The header, then every person's row, read a chunk at a time (cells neutralised for
    spreadsheets)."""
    yield safe_row(export_header())
    people = workforce_people(organisation=organisation, today=today, overdue_only=overdue_only)
    last = None
    while True:
        # Keyset pages by primary key: constant memory, no OFFSET that grows.
        chunk_query = people.order_by("pk")
        if last is not None:
            chunk_query = chunk_query.filter(pk__gt=last)
        chunk = list(chunk_query[:EXPORT_CHUNK])
        if not chunk:
            return
        last = chunk[-1].pk
        for row in workforce_rows(people=chunk, today=today):
            yield safe_row(
                [
                    str(row.person),
                    row.person.username,
                    ", ".join(row.roles),
                    len(row.courses),
                    row.completed,
                    "; ".join(row.in_progress),
                    row.sessions_attended,
                    "; ".join(row.certificates),
                    _required_text(row.overdue),
                    _required_text([item for item in row.required if not item.overdue]),
                ]
            )


def organisations_overview(*, user) -> QuerySet[Organisation]:
    """The organisations whose workforce ``user`` may open (staff pick one)."""
    organisations = Organisation.objects.filter(
        kind__in=[Organisation.Kind.FACTORY, Organisation.Kind.ENTERPRISE]
    )
    if user.is_global_admin:
        return organisations.select_related("country")
    if user.is_country_staff and user.country_id:
        return organisations.filter(country_id=user.country_id).select_related("country")
    if user.organisation_id and user.has_role(*WORKFORCE_ROLES):
        return organisations.filter(pk=user.organisation_id).select_related("country")
    return organisations.none()
