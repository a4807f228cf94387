"""Prerequisites: a course that requires others completed first refuses enrolment (by the
learner, a trainer or a class import) and opening its lessons, with the list of what to
complete; programme staff may waive them for one person with a note."""

import pytest
from django.utils import timezone

from courses import services
from courses.models import Enrolment
from courses.progression.models import CoursePrerequisite, PrerequisiteOverride
from tests.accounts.factories import country_staff
from tests.courses import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("second_factor_for_everyone")]


@pytest.fixture
def basics(training):
    return factories.seminar(training, title="OSH basics", lessons=1)


@pytest.fixture
def advanced(training, basics):
    course = factories.seminar(training, title="OSH committees", lessons=1)
    CoursePrerequisite.objects.create(course=course, required=basics)
    return course


def complete(course, learner):
    enrolment = services.enrolment_create(learner=learner, course=course)
    Enrolment.objects.filter(pk=enrolment.pk).update(completed_at=timezone.now())


def test_self_enrolment_is_refused_with_the_courses_to_complete_first(advanced):
    learner = factories.learner()
    with pytest.raises(services.CourseActionError) as refused:
        services.enrolment_create(learner=learner, course=advanced)
    assert refused.value.message == "Complete these courses first: OSH basics."
    assert not Enrolment.objects.filter(learner=learner, course=advanced).exists()


def test_a_prerequisite_added_or_removed_counts_at_once(training, basics, advanced):
    """Each process keeps a course's prerequisites for the content generation; saving or
    deleting one starts a new generation, so the next check sees it."""
    learner = factories.learner()
    other = factories.seminar(training, title="Fire safety", lessons=1)
    with pytest.raises(services.CourseActionError):
        services.enrolment_create(learner=learner, course=advanced)  # now kept
    link = CoursePrerequisite.objects.create(course=advanced, required=other)
    with pytest.raises(services.CourseActionError) as refused:
        services.enrolment_create(learner=learner, course=advanced)
    assert refused.value.message == "Complete these courses first: OSH basics; Fire safety."
    CoursePrerequisite.objects.filter(course=advanced, required=basics).delete()
    link.delete()
    assert services.enrolment_create(learner=learner, course=advanced).course_id == advanced.pk


def test_enrolment_is_allowed_once_the_prerequisite_is_completed(basics, advanced):
    learner = factories.learner()
    complete(basics, learner)
    enrolment = services.enrolment_create(learner=learner, course=advanced)
    assert enrolment.course_id == advanced.pk


def test_an_enrolment_not_completed_is_not_enough(basics, advanced):
    learner = factories.learner()
    services.enrolment_create(learner=learner, course=basics)
    with pytest.raises(services.CourseActionError):
        services.enrolment_create(learner=learner, course=advanced)


def test_a_trainer_cannot_enrol_someone_missing_the_prerequisites(client, advanced):
    trainer = factories.trainer()
    cohort = factories.cohort(advanced, trainers=[trainer])
    learner = factories.learner()
    client.force_login(trainer)
    response = client.post(
        f"/en/learn/cohorts/{cohort.pk}/enrol/", {"username": learner.username}, follow=True
    )
    assert "Complete these courses first: OSH basics." in response.content.decode()
    assert not Enrolment.objects.filter(learner=learner).exists()


def test_a_trainer_cannot_waive_prerequisites_with_a_note(advanced):
    trainer = factories.trainer()
    cohort = factories.cohort(advanced, trainers=[trainer])
    with pytest.raises(services.CourseActionError):
        services.enrolment_create(
            learner=factories.learner(),
            course=advanced,
            cohort=cohort,
            source="trainer",
            enrolled_by=trainer,
            override_note="She did it elsewhere.",
        )
    assert not PrerequisiteOverride.objects.exists()


def test_a_class_import_with_someone_missing_them_imports_nobody(client, advanced):
    trainer = factories.trainer()
    cohort = factories.cohort(advanced, trainers=[trainer])
    client.force_login(trainer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("class.csv", b"name\nLan Nguyen\nMai Tran\n", "text/csv")
    response = client.post(f"/en/learn/cohorts/{cohort.pk}/import/", {"file": upload})
    assert response.status_code == 400
    assert "Complete these courses first: OSH basics." in response.content.decode()
    assert not Enrolment.objects.filter(course=advanced).exists()


def test_country_staff_waive_them_with_a_note_and_it_is_kept(advanced):
    learner = factories.learner("vn")
    staff = country_staff("vn")
    cohort = factories.cohort(advanced, trainers=[staff])
    services.enrolment_create(
        learner=learner,
        course=advanced,
        cohort=cohort,
        source="trainer",
        enrolled_by=staff,
        override_note="Completed the same course with the ILO in 2024.",
    )
    override = PrerequisiteOverride.objects.get(learner=learner, course=advanced)
    assert override.granted_by == staff
    assert override.note.startswith("Completed the same course")


def test_staff_of_another_country_cannot_waive_them(advanced):
    with pytest.raises(services.CourseActionError):
        services.enrolment_create(
            learner=factories.learner("vn"),
            course=advanced,
            source="trainer",
            enrolled_by=country_staff("kh"),
            override_note="Why not.",
        )


def test_a_waiver_without_a_note_is_refused(advanced):
    with pytest.raises(services.CourseActionError):
        services.enrolment_create(
            learner=factories.learner("vn"),
            course=advanced,
            source="trainer",
            enrolled_by=country_staff("vn"),
            override_note="   ",
        )


def test_the_course_page_lists_what_to_complete_first_instead_of_enrolling(client, advanced):
    client.force_login(factories.learner())
    html = client.get(advanced.url).content.decode()
    assert "Complete these courses first:" in html
    assert "OSH basics" in html
    assert "Enrol in this course" not in html


def test_a_lesson_is_refused_to_an_enrolled_learner_missing_them(client, basics, advanced):
    learner = factories.learner()
    # Enrolled before the prerequisite was added.
    CoursePrerequisite.objects.filter(course=advanced).delete()
    factories.enrol(advanced, [learner])
    CoursePrerequisite.objects.create(course=advanced, required=basics)
    lesson = advanced.get_children().first()
    client.force_login(learner)
    html = client.get(lesson.url).content.decode()
    assert "Complete these courses first:" in html
    assert "Exits stay unlocked" not in html  # the lesson's text is not shown
    complete(basics, learner)
    html = client.get(lesson.url).content.decode()
    assert "Exits stay unlocked" in html


def test_a_lesson_and_its_course_first_read_together_still_tell_prerequisites(
    client, training, basics, advanced
):
    """Issue 14: a lesson's first request in a process reads its course with the course's
    parts and whether it has prerequisites (a course without any is kept as having none).
    A process's first request refuses the lesson as before; a prerequisite added or
    removed shows on the next request, first requests included."""
    from tests.first_request import forget_what_processes_keep

    learner = factories.learner()
    CoursePrerequisite.objects.filter(course=advanced).delete()
    factories.enrol(advanced, [learner])
    lesson = advanced.get_children().first()
    client.force_login(learner)
    url = lesson.url
    forget_what_processes_keep()
    assert "Exits stay unlocked" in client.get(url).content.decode()  # kept: none
    link = CoursePrerequisite.objects.create(course=advanced, required=basics)
    assert "Complete these courses first:" in client.get(url).content.decode()
    forget_what_processes_keep()
    assert "Complete these courses first:" in client.get(url).content.decode()
    link.delete()
    assert "Exits stay unlocked" in client.get(url).content.decode()
    forget_what_processes_keep()
    assert "Exits stay unlocked" in client.get(url).content.decode()


def test_the_course_read_with_its_parts_is_the_course_as_its_own_type(training):
    """``course_structure_of_route`` reads the course's row through its own tables with its
    parts: every field as the ORM reads the specific page, and the same parts."""
    from wagtail.models import Page

    from courses import selectors
    from tests.first_request import forget_what_processes_keep

    for course in (
        factories.programme(training, modules=2, lessons=2),
        factories.seminar(training, title="Seminar", lessons=2),
    ):
        forget_what_processes_keep()
        structure = selectors.course_structure_of_route(course=Page.objects.get(pk=course.pk))
        expected = type(course).objects.get(pk=course.pk)
        assert type(structure.course) is type(expected)
        for field in type(expected)._meta.concrete_fields:
            assert getattr(structure.course, field.attname) == getattr(expected, field.attname), (
                field.name
            )
        forget_what_processes_keep()
        plain = selectors.course_structure(course=expected)
        assert [p.pk for p in structure.lessons] == [p.pk for p in plain.lessons]
        assert [m.page.pk for m in structure.modules] == [m.page.pk for m in plain.modules]
        assert structure.canonical_ids == plain.canonical_ids
