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
