"""Statements from outside the site's own activities (an external package, sent by a scoped
xAPI client) are stored and queryable but count toward nothing until staff map the activity
to a course item; then they count as the item, and the course's rules (enrolment, modules
not open yet) apply to the client as to the learner (issue 24)."""

import json

import pytest
from django.test import Client

from courses import selectors
from courses.models import LessonPage
from lms.records.activities import activity_id
from lms.records.models import ActivityMapping, Statement
from tests.courses import factories
from tests.records.xapi_helpers import EXTERNAL, issue, xapi, xstatement
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db


def lessons_of(course):
    return list(LessonPage.objects.descendant_of(course).order_by("path"))


def external(lesson):
    return f"{EXTERNAL}lesson-{lesson.pk}"


def test_external_activities_count_only_once_mapped(
    small_programme, django_capture_on_commit_callbacks
):
    person = factories.learner()
    factories.enrolled_long_ago(small_programme, person)
    lessons = lessons_of(small_programme)
    _client, auth = issue(people="country", country=country("vn"), can_read=True)
    http = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = xapi(http, "POST", [xstatement(person, external(p)) for p in lessons], auth=auth)
    assert response.status_code == 200, response.content
    assert Statement.objects.filter(activity_kind="").count() == len(lessons)
    # Stored and queryable...
    got = xapi(http, "GET", params={"activity": external(lessons[0])}, auth=auth).json()
    assert len(got["statements"]) == 1
    # ... but the derived progress reads recognised activities only.
    progress = selectors.progress_for_course(learner=person, course=small_programme)
    assert progress.percent(small_programme) == 0
    assert selectors.courses_completed_by(learner=person) == set()

    for lesson in lessons:
        ActivityMapping.objects.create(
            iri=external(lesson), activity=activity_id("lesson", lesson.pk)
        )
    with django_capture_on_commit_callbacks(execute=True):
        response = xapi(http, "POST", [xstatement(person, external(p)) for p in lessons], auth=auth)
    assert response.status_code == 200, response.content
    assert selectors.courses_completed_by(learner=person) == {small_programme.pk}
    # A mapped statement is still found by the IRI it was sent with.
    got = xapi(http, "GET", params={"activity": external(lessons[0])}, auth=auth).json()
    assert len(got["statements"]) == 2
    assert {s["object"]["id"] for s in got["statements"]} == {external(lessons[0])}


def test_a_client_is_refused_what_the_learner_is_refused_module_not_open(small_programme):
    person = factories.learner()
    factories.enrolled_long_ago(small_programme, person)
    newcomer = factories.learner()
    from courses import services

    services.enrolment_create(learner=newcomer, course=small_programme)
    stranger = factories.learner()
    last = lessons_of(small_programme)[-1]
    ActivityMapping.objects.create(iri=external(last), activity=activity_id("lesson", last.pk))
    _client, auth = issue(people="country", country=country("vn"))
    http = Client()
    # The last module has not opened for someone who enrolled today.
    refused = xapi(http, "POST", xstatement(newcomer, external(last)), auth=auth)
    assert refused.status_code == 403
    assert refused.json()["error"] == "not_open"
    # Not enrolled at all.
    assert xapi(http, "POST", xstatement(stranger, external(last)), auth=auth).status_code == 403
    assert xapi(http, "POST", xstatement(person, external(last)), auth=auth).status_code == 200
    assert Statement.objects.count() == 1
    assert json.loads(json.dumps(Statement.objects.get().data))["object"]["id"] == external(last)


# --- Staff read by country, course and cohort (scoped, second factor) -------------------

STAFF_URL = "/xapi/staff/statements"


def _record_lessons(person, course):
    from lms.records.services import statements_record

    statements_record(
        actor=person,
        statements=[factories.statement(activity_id("lesson", p.pk)) for p in lessons_of(course)],
    )


def test_staff_query_by_course_and_cohort_within_their_country(
    small_programme, client, django_assert_max_num_queries, second_factor_for_everyone
):
    from tests.accounts.factories import country_staff, global_admin

    trainer = factories.trainer()
    group = factories.cohort(small_programme, trainers=[trainer])
    in_cohort, alone = factories.learner(), factories.learner()
    factories.enrol(small_programme, [in_cohort], cohort=group)
    factories.enrolled_long_ago(small_programme, alone)
    from django.utils import timezone

    from courses.models import Enrolment

    Enrolment.objects.update(enrolled_at=timezone.now() - factories.LONG_AGO)
    from courses.models import Cohort

    Cohort.objects.filter(pk=group.pk).update(start_date=timezone.localdate() - factories.LONG_AGO)
    _record_lessons(in_cohort, small_programme)
    _record_lessons(alone, small_programme)
    lessons = len(lessons_of(small_programme))

    client.force_login(country_staff("vn"))
    with django_assert_max_num_queries(8):
        by_course = client.get(STAFF_URL, {"course": small_programme.pk, "limit": 100})
    assert by_course.status_code == 200, by_course.content
    assert len(by_course.json()["statements"]) == 2 * lessons
    by_cohort = client.get(STAFF_URL, {"cohort": group.pk}).json()["statements"]
    assert {s["actor"]["account"]["name"] for s in by_cohort} == {str(in_cohort.pk)}
    paged = client.get(STAFF_URL, {"course": small_programme.pk, "limit": 1}).json()
    assert paged["more"].startswith(STAFF_URL + "?course=")
    assert len(client.get(paged["more"]).json()["statements"]) == 1
    assert client.get(STAFF_URL, {"course": 999999}).status_code == 400

    client.force_login(country_staff("kh"))
    assert client.get(STAFF_URL, {"country": "vn"}).json()["statements"] == []
    client.force_login(global_admin())
    assert len(client.get(STAFF_URL, {"country": "vn"}).json()["statements"]) == 2 * lessons


def test_staff_query_refuses_learners_and_anonymous(client, second_factor_for_everyone):
    client.force_login(factories.learner())
    assert client.get(STAFF_URL).status_code == 403
    from django.test import Client as Anonymous

    assert Anonymous().get(STAFF_URL).status_code in (302, 401, 403)
