"""H5P offline (issue 23, decision 0205): the results an H5P exercise gives while offline are
queued on the phone as kind "h5p" and sent through /api/learn/offline/sync; the document the
page frames offline brings its own sandbox; where packages have an origin of their own, H5P
stays online only."""

import datetime as dt
import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from courses.models import LessonPage, ModulePage
from lms.records.models import Statement
from media_library.interactive.views import H5P_OFFLINE_POLICY
from tests.accounts.factories import country_staff
from tests.courses import factories
from tests.first_request import forget_what_processes_keep
from tests.media_library.interactive.factories import h5p_content

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("package_storage")]

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
ANSWERED = "http://adlnet.gov/expapi/verbs/answered"


def _with_h5p(lesson, content):
    lesson.body = [
        *[{"type": b.block_type, "value": b.block.get_prep_value(b.value)} for b in lesson.body],
        {"type": "h5p", "value": {"content": content.pk, "title": ""}},
    ]
    lesson.save()
    return lesson


@pytest.fixture
def content():
    return h5p_content()


@pytest.fixture
def lesson(small_programme, content):
    first = LessonPage.objects.descendant_of(small_programme).order_by("path").first()
    return _with_h5p(first, content)


@pytest.fixture
def enrolled(small_programme):
    person = factories.learner()
    factories.enrolled_long_ago(small_programme, person)
    return person


def _item(person, content, lesson, *, verb=COMPLETED, actor=None, **extra):
    statement = {
        "actor": actor
        or {"objectType": "Agent", "account": {"homePage": "http://testserver", "name": person.pk}},
        "verb": {"id": verb},
        "object": {"id": "http://testserver/h5p/quiz"},
        "result": {"score": {"scaled": 0.5, "raw": 1, "max": 2}, "completion": True},
    }
    return {
        "id": str(uuid.uuid4()),
        "kind": "h5p",
        "content": str(content.uuid),
        "page": lesson.pk,
        "statement": statement,
        **extra,
    }


def _sync(client, items):
    return client.post(
        reverse("courses_api:offline_sync"),
        data=json.dumps({"items": items}),
        content_type="application/json",
    )


# --- sync ------------------------------------------------------------------------------------


def test_an_h5p_result_is_stored_as_the_learner_and_a_resent_one_is_a_duplicate(
    client, enrolled, content, lesson
):
    items = [_item(enrolled, content, lesson, verb=ANSWERED), _item(enrolled, content, lesson)]
    client.force_login(enrolled)
    first = _sync(client, items).json()["results"]
    assert [r["status"] for r in first] == ["stored", "stored"]
    stored = Statement.objects.get(id=items[1]["id"])
    assert stored.actor == enrolled
    assert stored.activity == f"urn:betterwork:h5p:{content.uuid}"
    assert stored.parent_activity == f"urn:betterwork:lesson:{lesson.pk}"
    assert stored.score_scaled == 0.5
    again = _sync(client, items).json()["results"]
    assert [r["status"] for r in again] == ["duplicate", "duplicate"]
    assert Statement.objects.filter(actor=enrolled).count() == 2


def test_a_result_for_a_module_not_open_yet_is_refused_with_its_reason(
    client, small_programme, content, lesson
):
    person = factories.learner()
    cohort = factories.cohort(
        small_programme,
        trainers=[factories.trainer()],
        start_date=timezone.localdate() + dt.timedelta(days=20),
    )
    factories.enrol(small_programme, [person], cohort)
    client.force_login(person)
    (result,) = _sync(client, [_item(person, content, lesson)]).json()["results"]
    assert result["status"] == "refused"
    assert result["code"] == "not_open"
    assert "opens for you on" in result["reason"]
    assert not Statement.objects.exists()


def test_a_result_naming_another_person_is_refused(client, enrolled, content, lesson):
    other = factories.learner()
    forged = {"objectType": "Agent", "account": {"homePage": "http://x", "name": other.pk}}
    client.force_login(enrolled)
    (result,) = _sync(client, [_item(enrolled, content, lesson, actor=forged)]).json()["results"]
    assert result["status"] == "refused"
    assert "only record the learning of the person who sends it" in result["reason"]
    assert not Statement.objects.exists()


def test_one_refused_result_does_not_hold_back_the_others(client, enrolled, content, lesson):
    other = factories.learner()
    forged = {"objectType": "Agent", "account": {"homePage": "http://x", "name": other.pk}}
    items = [
        _item(enrolled, content, lesson, verb=ANSWERED),
        _item(enrolled, content, lesson, actor=forged),
        _item(enrolled, content, lesson),
    ]
    client.force_login(enrolled)
    results = _sync(client, items).json()["results"]
    assert [r["status"] for r in results] == ["stored", "refused", "stored"]
    assert Statement.objects.filter(actor=enrolled).count() == 2


def test_a_learner_not_enrolled_is_refused_with_a_reason(client, content, lesson):
    person = factories.learner()
    client.force_login(person)
    (result,) = _sync(client, [_item(person, content, lesson)]).json()["results"]
    assert result["status"] == "refused"
    assert result["reason"] == "Enrol in the course to have your results recorded."
    assert not Statement.objects.exists()


def test_another_countrys_staff_cannot_record_for_a_learner(client, enrolled, content, lesson):
    """Staff may try an exercise as themselves (as online, the bridge lets staff preview);
    they can never record a result as a learner."""
    staff = country_staff("kh")
    client.force_login(staff)
    learner_actor = {"objectType": "Agent", "account": {"homePage": "x", "name": enrolled.pk}}
    forged, own = _sync(
        client,
        [_item(staff, content, lesson, actor=learner_actor), _item(staff, content, lesson)],
    ).json()["results"]
    assert forged["status"] == "refused"
    assert own["status"] == "stored"
    assert not Statement.objects.filter(actor=enrolled).exists()
    assert Statement.objects.filter(actor=staff).count() == 1


def test_a_page_without_the_exercise_or_an_unknown_exercise_is_refused(
    client, small_programme, enrolled, content, lesson
):
    other_lesson = LessonPage.objects.descendant_of(small_programme).order_by("path").last()
    client.force_login(enrolled)
    unknown = {**_item(enrolled, content, lesson), "content": str(uuid.uuid4())}
    elsewhere = _item(enrolled, content, other_lesson)
    no_statement = _item(enrolled, content, lesson, statement="nothing")
    results = _sync(client, [unknown, elsewhere, no_statement]).json()["results"]
    assert [r["status"] for r in results] == ["refused"] * 3
    assert results[0]["reason"] == "This exercise is no longer published."
    assert results[1]["reason"] == "This page does not contain this package."
    assert results[2]["code"] == "invalid"
    assert not Statement.objects.exists()


def test_anonymous_people_and_posts_without_csrf_are_refused(enrolled, content, lesson):
    anonymous = Client()
    assert _sync(anonymous, [_item(enrolled, content, lesson)]).status_code == 401
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(enrolled)
    assert _sync(strict, [_item(enrolled, content, lesson)]).status_code == 403
    assert not Statement.objects.exists()


# A batch of H5P results on a lesson: the session and the person; the lesson with its
# locale; the exercise; whether the lesson embeds it; the courses access check, which reads
# the lesson's course and the learner's enrolment once and keeps the answer for the record
# store and the completion receiver (1); the insert in its savepoint (3). An exercise
# answered moves no progress: the completion receiver reads nothing.
H5P_SYNC_QUERIES = 9


def test_the_sync_query_count_does_not_grow_with_the_h5p_results_sent(
    client, enrolled, content, lesson, django_assert_max_num_queries
):
    """2 results and 10, each on a process's first request (what each process keeps
    forgotten)."""
    client.force_login(enrolled)
    counts = []
    for size in (2, 10):
        items = [_item(enrolled, content, lesson, verb=ANSWERED) for _ in range(size)]
        forget_what_processes_keep()
        with django_assert_max_num_queries(H5P_SYNC_QUERIES) as captured:
            response = _sync(client, items)
        assert [r["status"] for r in response.json()["results"]] == ["stored"] * size
        counts.append(len(captured))
        response = _sync(client, items)  # sent again
        assert [r["status"] for r in response.json()["results"]] == ["duplicate"] * size
    assert Statement.objects.filter(actor=enrolled).count() == 12
    assert counts[0] == counts[1], counts


# --- the offline player and the manifest ---------------------------------------------------


def test_the_offline_player_brings_its_own_sandbox_without_same_origin(client):
    response = client.get(reverse("interactive_api:h5p_offline_player"))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert policy == H5P_OFFLINE_POLICY
    sandbox = next(d for d in policy.split("; ") if d.startswith("sandbox "))
    assert "allow-scripts" in sandbox
    assert "allow-same-origin" not in sandbox
    assert "connect-src blob: data:" in policy
    assert "default-src 'none'" in policy
    assert "frame-ancestors 'self'" in policy
    assert not response.cookies
    assert b"bw:offline-files" in response.content


def test_a_kept_module_with_h5p_keeps_the_offline_player_and_the_page_offers_it(
    client, small_programme, enrolled, content, lesson
):
    module = ModulePage.objects.child_of(small_programme).order_by("path").first()
    client.force_login(enrolled)
    urls = [
        i["url"] for i in client.get(f"/api/learn/offline/{module.pk}/manifest").json()["items"]
    ]
    offline_player = reverse("interactive_api:h5p_offline_player")
    assert offline_player in urls
    assert any(u.startswith(f"/interactive/files/h5p/content/{content.uuid}/") for u in urls)
    assert any("/static/js/interactive/h5p-offline.js" in u for u in urls)
    page = client.get(lesson.url).content.decode()
    assert f'data-offline-src="{offline_player}"' in page
    assert "js/interactive/h5p-offline.js" in page


def test_with_a_package_origin_of_its_own_h5p_stays_online_only(
    client, settings, small_programme, enrolled, content, lesson
):
    settings.INTERACTIVE_PACKAGE_ORIGIN = "http://packages.example:8001"
    module = ModulePage.objects.child_of(small_programme).order_by("path").first()
    client.force_login(enrolled)
    urls = [
        i["url"] for i in client.get(f"/api/learn/offline/{module.pk}/manifest").json()["items"]
    ]
    assert reverse("interactive_api:h5p_offline_player") not in urls
    page = client.get(lesson.url).content.decode()
    assert "data-offline-src" not in page
    assert client.get(reverse("interactive_api:h5p_offline_player")).status_code == 410


def test_a_kept_module_with_an_h5p_activity_stays_within_the_budgets(
    client, small_programme, enrolled, content, lesson
):
    from bench.scenarios.offline import KEPT_MODULE_BUDGET, PAGE_SHELL_BUDGET, kept_weight

    module = ModulePage.objects.child_of(small_programme).order_by("path").first()
    client.force_login(enrolled)
    manifest = client.get(f"/api/learn/offline/{module.pk}/manifest").json()
    weight = kept_weight(client, manifest)
    assert 0 < weight["shell_bytes"] <= PAGE_SHELL_BUDGET
    assert weight["shell_bytes"] < weight["kept_bytes"] <= KEPT_MODULE_BUDGET
    # The H5P player's own files are kept, but they load in its frame, not in the page shell.
    frame_files = [i for i in manifest["items"] if "vendor/h5p-standalone" in i["url"]]
    assert frame_files
    assert all(i["kind"] == "h5p" for i in frame_files)
