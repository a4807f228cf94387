"""The demo loads, and loading it again adds nothing."""

import pytest

pytestmark = pytest.mark.django_db


def counts():
    from courses.models import (
        Attendance,
        ClassSession,
        Cohort,
        CoursePage,
        Enrolment,
        SessionRegistration,
    )
    from lms.records.models import Statement

    return [
        m.objects.count()
        for m in (
            CoursePage,
            Cohort,
            ClassSession,
            Enrolment,
            Attendance,
            Statement,
            SessionRegistration,
        )
    ]


def test_the_demo_loads_twice_without_duplicates(home_page):
    from courses import demo as courses_demo
    from courses.models import Cohort, Enrolment, ProgrammePage
    from lms.portal import demo as portal_demo

    portal_demo.load()
    courses_demo.load()
    first = counts()
    courses_demo.load()
    assert counts() == first
    programme = ProgrammePage.objects.get(locale__language_code="en")
    assert programme.get_children().count() == 12
    assert {p.locale.language_code for p in ProgrammePage.objects.all()} == {"en", "vi", "ar"}
    vietnam = Cohort.objects.get(country__code="vn", course=programme)
    assert Enrolment.objects.filter(cohort=vietnam).count() == 20
    assert vietnam.sessions.filter(attendance__present=True).exists()
    # A seminar session open for sign-up, full, with people on its waiting list (issue 22).
    from courses.models import SessionRegistration

    full = SessionRegistration.objects.filter(session__title="Seminar for line supervisors")
    assert full.filter(status="registered").count() == 6
    assert full.filter(status="waitlisted").count() == 2
    from courses.models import LessonPage

    english = LessonPage.objects.get(slug="workplace-cooperation-1", locale__language_code="en")
    arabic = LessonPage.objects.get(slug="workplace-cooperation-1", locale__language_code="ar")
    question = next(b for b in arabic.body if b.block_type == "knowledge_check")
    assert question.value["question"].startswith("كم")
    assert question.value["choices"][0]["correct"] is True
    assert arabic.knowledge_check_ids == english.knowledge_check_ids
    # Loading the demo is slow: the refresher is checked on this load rather than another.
    _required_refresher_with_people_overdue()


def _required_refresher_with_people_overdue():
    """Dong Nai Footwear's manager finds a yearly OSH refresher on the workforce page: some
    workers did it, the others are overdue (issue 22)."""
    import datetime as dt

    from django.utils import timezone

    from courses.models import TrainingAssignment, TrainingRequirement

    requirement = TrainingRequirement.objects.get(organisation__name="Dong Nai Footwear Ltd.")
    assert requirement.recur_every_months == 12
    cycles = TrainingAssignment.objects.filter(requirement=requirement)
    today = timezone.localdate()
    assert cycles.filter(completed_at__isnull=False).count() == 4
    overdue = cycles.filter(completed_at__isnull=True, due_on__lt=today)
    assert overdue.count() >= 6
    assert overdue.filter(overdue_sent_at__isnull=False).count() == overdue.count()
    assert requirement.assignments.first().due_on == today - dt.timedelta(days=12)
