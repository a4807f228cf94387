"""Staff of a cohort see a learner's cmi5 units with their state and waive one with a
reason (cmi5 9.3.7: a "waived" statement by the LMS, with the reason extension of 9.5.5.2,
which meets the unit's moveOn criterion); nobody else can."""

import pytest
from django.test import Client
from django.urls import reverse

from courses.models import LessonPage
from lms.records.models import Statement
from media_library.interactive.cmi5_models import Cmi5AuProgress, WaiveReason
from media_library.interactive.cmi5_selectors import UnitState, _state
from media_library.interactive.cmi5_services import REASON_EXT, SATISFIED, WAIVED
from tests.accounts.factories import country_staff
from tests.courses import factories
from tests.first_request import forget_what_processes_keep
from tests.media_library.interactive.cmi5_builder import cmi5_package
from tests.media_library.interactive.test_cmi5 import launch

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("second_factor_for_everyone"),
    pytest.mark.usefixtures("package_storage"),
]


def embed(lesson, package):
    lesson.body = [*factories.lesson_body(checks=0), ("cmi5", {"package": package, "title": ""})]
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    return lesson


@pytest.fixture
def world(small_programme):
    package = cmi5_package()
    lesson = embed(
        LessonPage.objects.descendant_of(small_programme).order_by("path").first(), package
    )
    own_trainer = factories.trainer()
    cohort = factories.cohort(small_programme, trainers=[own_trainer])
    worker = factories.learner()
    factories.enrol(small_programme, [worker], cohort)
    return {
        "course": small_programme,
        "package": package,
        "lesson": lesson,
        "trainer": own_trainer,
        "cohort": cohort,
        "worker": worker,
    }


def url(world):
    return reverse("courses:learner_cmi5", args=[world["cohort"].pk, world["worker"].pk])


def unit_key(world, index=0):
    return f"{world['lesson'].pk}-{world['package'].aus.all()[index].pk}"


def waive(client, world, reason=WaiveReason.TESTED_OUT):
    return client.post(url(world), {"unit": unit_key(world), "reason": reason})


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def state_in(response, world):
    html = response.content.decode()
    row = html.split(f'data-unit="{unit_key(world)}"')[1].split("</tr>")[0]
    return row.split('class="cmi5-state-')[1].split('"')[0]


def test_anonymous_people_are_sent_to_sign_in(client, world):
    response = client.get(url(world))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert waive(client, world).status_code == 302
    assert not Statement.objects.filter(verb=WAIVED).exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("the learner", 403),
        ("another cohort's trainer", 404),
        ("another country's staff", 404),
    ],
)
def test_nobody_outside_the_cohort_staff_sees_or_waives(world, who, status):
    if who == "the learner":
        person = world["worker"]
    elif who == "another cohort's trainer":
        person = factories.trainer()
        factories.cohort(world["course"], trainers=[person])
    else:
        person = country_staff("jo")
    client = signed_in(person)
    assert client.get(url(world)).status_code == status
    assert waive(client, world).status_code == status
    assert not Statement.objects.filter(verb=WAIVED).exists()


def test_the_cohort_page_links_to_cmi5_units_only_when_the_course_has_some(small_programme, world):
    other_course = factories.programme(small_programme.get_parent(), modules=1, lessons=1)
    cohort = factories.cohort(other_course, trainers=[world["trainer"]])
    factories.enrol(other_course, [world["worker"]], cohort)
    client = signed_in(world["trainer"])
    page = client.get(reverse("courses:cohort_detail", args=[cohort.pk]))
    assert page.status_code == 200
    assert "/cmi5/" not in page.content.decode()


def test_the_learner_must_be_in_the_cohort(world):
    stranger = factories.learner()
    client = signed_in(world["trainer"])
    response = client.get(reverse("courses:learner_cmi5", args=[world["cohort"].pk, stranger.pk]))
    assert response.status_code == 404


def test_the_trainer_waives_with_a_reason_and_the_unit_meets_move_on(world):
    client = signed_in(world["trainer"])
    cohort_page = client.get(reverse("courses:cohort_detail", args=[world["cohort"].pk]))
    assert url(world) in cohort_page.content.decode()
    page = client.get(url(world))
    assert page.status_code == 200
    assert state_in(page, world) == UnitState.NOT_ATTEMPTED
    assert "Tested out" in page.content.decode()
    response = waive(client, world)
    assert response.status_code == 302
    waived = Statement.objects.get(verb=WAIVED)
    assert waived.data["result"]["extensions"] == {REASON_EXT: "Tested Out"}
    assert waived.data["result"]["success"] is True
    assert waived.data["result"]["completion"] is True
    assert Cmi5AuProgress.objects.get().waived
    # The course's only unit is met: the course is satisfied, and so is the lesson.
    assert Statement.objects.filter(verb=SATISFIED).count() == 1
    page = client.get(url(world))
    assert state_in(page, world) == UnitState.WAIVED
    assert 'name="reason"' not in page.content.decode()
    # Waived once per registration (9.3.7): a second post is refused.
    assert waive(client, world).status_code == 400
    assert Statement.objects.filter(verb=WAIVED).count() == 1


def test_country_staff_of_the_cohort_waive_too(world, totp_for):
    client = signed_in(totp_for(country_staff("vn")))
    assert waive(client, world, WaiveReason.ADMINISTRATIVE).status_code == 302
    waived = Statement.objects.get(verb=WAIVED)
    assert waived.data["result"]["extensions"][REASON_EXT] == "Administrative"


def test_an_unknown_reason_or_unit_is_refused_with_a_reason(world):
    client = signed_in(world["trainer"])
    bad_reason = waive(client, world, "Because")
    assert bad_reason.status_code == 400
    assert "This unit cannot be waived." in bad_reason.content.decode()
    bad_unit = client.post(url(world), {"unit": "0-0", "reason": WaiveReason.TESTED_OUT})
    assert bad_unit.status_code == 400
    assert not Statement.objects.filter(verb=WAIVED).exists()


def test_waiving_needs_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["trainer"])
    assert waive(client, world).status_code == 403
    assert not Statement.objects.filter(verb=WAIVED).exists()


def test_the_states_follow_the_learners_sessions(world):
    staff = signed_in(world["trainer"])
    learner = signed_in(world["worker"])
    unit = launch(learner, world["package"], world["lesson"]).start()
    unit.send(unit.statement("initialized"))
    assert state_in(staff.get(url(world)), world) == UnitState.IN_PROGRESS
    # A new launch (here: Browse) abandons the open session.
    au = world["package"].aus.get()
    learner.post(
        f"/en/watch/interactive/cmi5/{au.pk}/launch/?page={world['lesson'].pk}",
        {"mode": "Browse"},
    )
    assert state_in(staff.get(url(world)), world) == UnitState.ABANDONED
    again = launch(learner, world["package"], world["lesson"]).start()
    again.send(again.statement("initialized"))
    again.send(again.statement("completed", {"completion": True}))
    assert state_in(staff.get(url(world)), world) == UnitState.COMPLETED
    again.send(again.statement("passed", {"success": True, "score": {"scaled": 0.9}}))
    assert state_in(staff.get(url(world)), world) == UnitState.SATISFIED


def test_passed_outranks_an_earlier_failed_and_failed_shows_alone():
    row = Cmi5AuProgress(failed=True)
    assert _state(row, {"abandoned": False}) == UnitState.FAILED
    row.passed = True
    assert _state(row, {"abandoned": False}) == UnitState.PASSED
    assert _state(None, None) == UnitState.NOT_ATTEMPTED


def test_the_page_takes_ten_queries_at_most_whatever_the_number_of_units(
    world, django_assert_max_num_queries
):
    """Issue 14: one unit or three, the same queries, ten at most, on a process's first
    request (what each process keeps forgotten)."""
    lessons = list(LessonPage.objects.descendant_of(world["course"]).order_by("path"))
    client = signed_in(world["trainer"])
    counts = {}
    for lessons_with_cmi5 in (1, 3):
        for lesson in lessons[1:lessons_with_cmi5]:
            embed(lesson, cmi5_package())
        forget_what_processes_keep()
        with django_assert_max_num_queries(10) as captured:
            response = client.get(url(world))
        assert response.status_code == 200
        assert response.content.decode().count("data-unit=") == lessons_with_cmi5
        counts[lessons_with_cmi5] = len(captured)
    assert counts[1] == counts[3], counts
