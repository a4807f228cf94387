"""A small, known data set for the impact indicators (values worked out by hand in the
tests)."""

import datetime as dt
import hashlib
import uuid
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from certification.services import certificate_issue
from courses import services as course_services
from courses.models import Enrolment
from lms.records import verbs
from lms.records.models import Statement
from lms.reports.models import CoverageTarget
from lms.reports.participation import participation_refresh
from media_library.models import ReachEvent
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.certification.factories import CandidacyFactory, CPDActivityFactory
from tests.community.factories import PostFactory, ThreadFactory
from tests.courses import factories as courses
from tests.media_library.factories import VideoFactory
from tests.taxonomy.factories import country


def person(code, role, *, gender="", migrant_status="", organisation=None):
    return UserFactory(
        country=country(code),
        roles=[role],
        gender=gender,
        migrant_status=migrant_status,
        organisation=organisation,
    )


def record_test(learner, course, phase, raw, maximum=10, answers=None):
    activity = f"urn:betterwork:test:{course.pk}.{phase}"
    data = {"actor": {}, "verb": {"id": verbs.COMPLETED}, "object": {"id": activity}}
    data["result"] = {"extensions": {"urn:betterwork:ext:answers": answers or {}}}
    return Statement.objects.create(
        id=uuid.uuid4(),
        actor=learner,
        verb=verbs.COMPLETED,
        activity=activity,
        activity_kind="test",
        score_raw=raw,
        score_max=maximum,
        timestamp=timezone.now(),
        content_hash=hashlib.sha256(str(uuid.uuid4()).encode()).hexdigest(),
        data=data,
    )


def add_learners(course, cohort, code, count, organisation=None):
    """More trained workers (for the query-budget tests)."""
    people = [
        person(code, "worker", gender="woman", organisation=organisation) for _ in range(count)
    ]
    courses.enrol(course, people, cohort)
    return people


@pytest.fixture
def data(home_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    vn, jo = country("vn"), country("jo")
    org_a = OrganisationFactory(name="Saigon Garments", country=vn, training_days_allocation=10)
    org_b = OrganisationFactory(name="Irbid Apparel", country=jo, training_days_allocation=4)
    w1 = person("vn", "worker", gender="woman", migrant_status="migrant", organisation=org_a)
    w2 = person("vn", "worker", gender="man", migrant_status="local", organisation=org_a)
    s1 = person("vn", "supervisor", gender="woman", organisation=org_a)
    m1 = person("vn", "manager", gender="man", organisation=org_a)
    untrained = [person("vn", "worker") for _ in range(3)]
    w6 = person("jo", "worker", gender="woman", organisation=org_b)
    m2 = person("jo", "manager", gender="man", organisation=org_b)
    CoverageTarget.objects.create(country=jo, role="worker", percent=30)

    course = courses.programme(courses.section(home_page), modules=1, lessons=1, checks=0)
    trainer = courses.trainer("vn")
    cohort_x = courses.cohort(course, trainers=[trainer], code="vn", organisation=org_a)
    cohort_y = courses.cohort(course, trainers=[trainer], code="jo", organisation=org_b)
    courses.enrol(course, [w1, w2, s1, m1], cohort_x)
    courses.enrol(course, [w6], cohort_y)
    now = timezone.now()
    sessions = [
        courses.session(cohort_x, starts_at=now - dt.timedelta(days=d), title=f"S{d}")
        for d in (3, 2, 1)
    ]
    session_y = courses.session(cohort_y, starts_at=now - dt.timedelta(days=1))
    for session, people in zip(sessions, [[w1, w2, s1], [w1, w2], [w1]], strict=True):
        for learner in people:
            course_services.attendance_mark(
                session=session, learner=learner, present=True, marked_by=trainer
            )
    course_services.attendance_mark(
        session=sessions[0], learner=m1, present=False, marked_by=trainer
    )
    course_services.attendance_mark(session=session_y, learner=w6, present=True, marked_by=trainer)
    Enrolment.objects.filter(learner__in=[w1, s1, w6]).update(completed_at=now)
    participation_refresh([w1.pk, s1.pk, w6.pk])  # update() sends no signal (decision 0615)

    course.test_questions = [
        ("question", courses.question("Who pays for protective equipment?")),
        ("question", courses.question("May exits be locked during shifts?")),
    ]
    course.save()
    q1, q2 = (block.id for block in course.test_questions)
    answers = {
        (w1, "pre"): {q1: False, q2: True},
        (w1, "post"): {q1: True, q2: True},
        (w2, "pre"): {q1: True, q2: False},
        (w2, "post"): {q1: True, q2: False},
    }
    for learner, pre, post in ((w1, 4, 8), (w2, 6, 9)):
        record_test(learner, course, "pre", pre, answers=answers[(learner, "pre")])
        record_test(learner, course, "post", post, answers=answers[(learner, "post")])

    holder_vn, holder_vn2, holder_jo = (
        courses.trainer("vn"),
        courses.trainer("vn"),
        courses.trainer("jo"),
    )
    for holder in (holder_vn, holder_vn2, holder_jo):
        certificate_issue(candidacy=CandidacyFactory(candidate=holder), approved=True)
    holder_vn2.certificates.update(revoked_at=now)
    CPDActivityFactory(person=holder_vn, hours=Decimal("6"), date=timezone.localdate())
    CPDActivityFactory(person=holder_vn2, hours=Decimal("6"), date=timezone.localdate())
    CPDActivityFactory(person=holder_jo, hours=Decimal("3"), date=timezone.localdate())

    video = VideoFactory(title="Fire exits", country=vn)
    today = timezone.localdate()
    events = [("vi", vn, "view")] * 3 + [("vi", vn, "complete")] + [("ar", jo, "view")] * 2
    for language, where, action in events:
        ReachEvent.objects.create(
            id=uuid.uuid4(),
            kind="video",
            video=video,
            language=language,
            country=where,
            action=action,
            day=today,
        )

    thread = ThreadFactory(author=w1, is_question=True, created_at=now - dt.timedelta(hours=3))
    PostFactory(thread=thread, author=w1)
    PostFactory(thread=thread, author=s1)
    type(thread).objects.filter(pk=thread.pk).update(first_answer_at=now - dt.timedelta(hours=1))
    return SimpleNamespace(**locals())
