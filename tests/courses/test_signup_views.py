"""Sign-up pages: a learner signs up and cancels on the sessions page, the trainer's roster,
a manager signing up their staff; who may open each page; query budgets at two sizes."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from courses import registration_services as services
from courses.models import ClassSession, SessionRegistration
from tests.accounts.factories import OrganisationFactory, UserFactory, country_staff
from tests.courses import factories
from tests.courses.signup_factories import seminar_world, signup_session, worker
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db
Status = SessionRegistration.Status
LIST = reverse("courses:session_list")


@pytest.fixture
def world(home_page):
    return seminar_world(home_page)


def roster_url(session):
    return reverse("courses:session_signups", args=[session.pk])


def staff_url(session):
    return reverse("courses:staff_signup", args=[session.pk])


# --- learners ---------------------------------------------------------------------------


def test_a_worker_signs_up_then_cancels_from_the_sessions_page(client, world):
    session = signup_session(world["cohort"], capacity=3)
    person = worker(world["organisation"])
    client.force_login(person)
    page = client.get(LIST)
    assert page.status_code == 200
    assert session.title in page.text
    assert "3 of 3" in page.text
    assert reverse("courses:session_register", args=[session.pk]) in page.text
    response = client.post(reverse("courses:session_register", args=[session.pk]), follow=True)
    assert "You have a seat" in response.text
    assert SessionRegistration.objects.get(learner=person).status == Status.REGISTERED
    assert "2 of 3" in response.text
    response = client.post(reverse("courses:session_cancel", args=[session.pk]), follow=True)
    assert "cancelled" in response.text
    assert SessionRegistration.objects.get(learner=person).status == Status.CANCELLED


def test_a_full_session_shows_the_waiting_list_position(client, world):
    session = signup_session(world["cohort"], capacity=1)
    for _ in range(2):
        services.session_registration_create(
            session=session, learner=(p := worker(world["organisation"])), registered_by=p
        )
    person = worker(world["organisation"])
    client.force_login(person)
    assert "Join the waiting list" in client.get(LIST).text
    response = client.post(reverse("courses:session_register", args=[session.pk]), follow=True)
    assert "number 2 on the waiting list" in response.text
    assert "Leave the waiting list" in response.text


def test_a_refused_sign_up_is_explained_and_changes_nothing(client, world):
    session = signup_session(
        world["cohort"], registration_closes_at=timezone.now() + dt.timedelta(seconds=1)
    )
    ClassSession.objects.filter(pk=session.pk).update(
        registration_closes_at=timezone.now() - dt.timedelta(minutes=1)
    )
    client.force_login(worker(world["organisation"]))
    response = client.post(reverse("courses:session_register", args=[session.pk]), follow=True)
    assert "has closed" in response.text
    assert not SessionRegistration.objects.exists()


def test_sessions_of_another_factory_are_neither_listed_nor_open(client, world):
    session = signup_session(world["cohort"])
    stranger = worker(OrganisationFactory(country=country("vn")))
    client.force_login(stranger)
    assert session.title not in client.get(LIST).text
    client.post(reverse("courses:session_register", args=[session.pk]))
    assert not SessionRegistration.objects.exists()


def test_anonymous_visitors_are_asked_to_sign_in(client, world):
    session = signup_session(world["cohort"])
    for url in (
        LIST,
        reverse("courses:calendar"),
        roster_url(session),
        staff_url(session),
        reverse("courses:staff_sessions"),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"], url
    response = client.post(reverse("courses:session_register", args=[session.pk]))
    assert response.status_code == 302
    assert not SessionRegistration.objects.exists()


def test_the_sessions_page_costs_the_same_queries_for_more_sessions(
    client, world, django_assert_max_num_queries
):
    person = worker(world["organisation"])
    client.force_login(person)
    client.get(LIST)  # warm what each process keeps
    counts = []
    made = 0
    for sessions in (1, 8):
        for n in range(made, sessions):
            session = signup_session(world["cohort"], capacity=1, title=f"Seminar {n}")
            if n % 2:
                services.session_registration_create(
                    session=session, learner=(p := worker(world["organisation"])), registered_by=p
                )
            services.session_registration_create(
                session=session, learner=person, registered_by=person
            )
        made = sessions
        # session and user, roles; the sessions with their counts; the person's
        # registrations with their waiting-list ranks; the header's own queries.
        with django_assert_max_num_queries(10) as captured:
            response = client.get(LIST)
        assert response.text.count('class="card session-card"') == sessions
        assert response.text.count("on the waiting list.") == sessions // 2
        counts.append(len(captured))
    assert counts[0] == counts[1]


# --- trainers ---------------------------------------------------------------------------


@pytest.fixture
def roster_world(world, second_factor_for_everyone):
    session = signup_session(world["cohort"], capacity=2)
    people = [worker(world["organisation"], display_name=f"Worker {n}") for n in range(4)]
    for person in people:
        services.session_registration_create(session=session, learner=person, registered_by=person)
    return {**world, "session": session, "people": people}


def test_the_trainer_sees_seats_the_waiting_list_and_no_shows(client, roster_world):
    session, people = roster_world["session"], roster_world["people"]
    client.force_login(roster_world["trainer"])
    page = client.get(roster_url(session))
    assert page.status_code == 200
    seated, waiting = page.text.split("Waiting list</h2>")
    assert "Worker 0" in seated
    assert "Worker 1" in seated
    assert "Worker 2" not in seated
    assert waiting.index("Worker 2") < waiting.index("Worker 3")
    ClassSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=4),
        ends_at=timezone.now() - dt.timedelta(hours=1),
    )
    from courses.services import attendance_mark

    attendance_mark(
        session=session, learner=people[0], present=True, marked_by=roster_world["trainer"]
    )
    session.refresh_from_db()
    services.session_no_shows_record(session=session)
    page = client.get(roster_url(session))
    assert "<dt>No-shows</dt><dd>1</dd>" in page.text
    assert "<strong>Did not come</strong>" in page.text


def test_the_trainer_cancels_a_seat_and_the_first_waiting_gets_it(client, roster_world):
    session, people = roster_world["session"], roster_world["people"]
    client.force_login(roster_world["trainer"])
    seat = SessionRegistration.objects.get(session=session, learner=people[0])
    client.post(roster_url(session), {"action": "cancel", "registration": seat.pk})
    assert SessionRegistration.objects.get(learner=people[2]).status == Status.REGISTERED


def test_the_trainer_signs_a_learner_up_by_username(client, roster_world):
    newcomer = worker(roster_world["organisation"], username="lan.nguyen")
    client.force_login(roster_world["trainer"])
    response = client.post(
        roster_url(roster_world["session"]), {"action": "register", "username": "lan.nguyen"}
    )
    assert response.status_code == 302
    registration = SessionRegistration.objects.get(learner=newcomer)
    assert (registration.status, registration.registered_by) == (
        Status.WAITLISTED,
        roster_world["trainer"],
    )


def test_bad_sign_up_settings_come_back_with_what_was_typed_and_the_reason(client, roster_world):
    client.force_login(roster_world["trainer"])
    response = client.post(
        roster_url(roster_world["session"]),
        {"action": "settings", "capacity": "0", "registration_opens_at": "2030-01-02T09:00"},
    )
    assert response.status_code == 400
    assert "A session has at least one seat." in response.text
    assert 'value="2030-01-02T09:00"' in response.text
    assert ClassSession.objects.get(pk=roster_world["session"].pk).capacity == 2


def test_the_trainer_opens_a_session_for_sign_up(client, world, second_factor_for_everyone):
    session = factories.session(world["cohort"], starts_at=timezone.now() + dt.timedelta(days=3))
    client.force_login(world["trainer"])
    cohort_page = client.get(reverse("courses:cohort_detail", args=[world["cohort"].pk]))
    assert roster_url(session) in cohort_page.text
    assert "Give it a number of seats" in client.get(roster_url(session)).text
    response = client.post(
        roster_url(session),
        {"action": "settings", "capacity": "12", "cancellation_deadline": "2030-01-01T12:00"},
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.capacity == 12
    assert session.cancellation_deadline.year == 2030


@pytest.mark.parametrize("who", ["worker", "other trainer", "other country staff"])
def test_the_roster_is_refused_to_others(client, roster_world, who):
    actor = {
        "worker": lambda: roster_world["people"][0],
        "other trainer": lambda: factories.trainer("vn"),
        "other country staff": lambda: country_staff("kh"),
    }[who]()
    client.force_login(actor)
    assert client.get(roster_url(roster_world["session"])).status_code in (403, 404)
    response = client.post(
        roster_url(roster_world["session"]),
        {"action": "cancel", "registration": SessionRegistration.objects.first().pk},
    )
    assert response.status_code in (403, 404)
    assert not SessionRegistration.objects.filter(status=Status.CANCELLED).exists()


def test_the_roster_needs_a_second_factor(client, world):
    session = signup_session(world["cohort"])
    client.force_login(world["trainer"])
    response = client.get(roster_url(session))
    assert response.status_code == 302
    assert "/accounts/2fa/" in response["Location"]


def test_the_roster_costs_the_same_queries_for_more_people(
    client, world, second_factor_for_everyone, django_assert_max_num_queries
):
    client.force_login(world["trainer"])
    counts = []
    for people in (2, 20):
        session = signup_session(world["cohort"], capacity=people // 2, title=f"For {people}")
        for _ in range(people):
            services.session_registration_create(
                session=session, learner=(p := worker(world["organisation"])), registered_by=p
            )
        client.get(roster_url(session))  # warm what each process keeps
        with django_assert_max_num_queries(10) as captured:
            response = client.get(roster_url(session))
        assert response.text.count('<tr id="r-') == people // 2
        counts.append(len(captured))
    assert counts[0] == counts[1]


# --- managers ---------------------------------------------------------------------------


@pytest.fixture
def manager_world(world, second_factor_for_everyone):
    return {**world, "session": signup_session(world["cohort"], capacity=1)}


def test_a_manager_signs_up_their_staff(client, manager_world):
    session = manager_world["session"]
    staff = [worker(manager_world["organisation"]) for _ in range(2)]
    client.force_login(manager_world["manager"])
    assert session.title in client.get(reverse("courses:staff_sessions")).text
    page = client.get(staff_url(session))
    assert all(person.name in page.text for person in staff)
    for person in staff:
        client.post(staff_url(session), {"person": person.pk, "action": "register"})
    statuses = [SessionRegistration.objects.get(learner=p) for p in staff]
    assert [(r.status, r.registered_by) for r in statuses] == [
        (Status.REGISTERED, manager_world["manager"]),
        (Status.WAITLISTED, manager_world["manager"]),
    ]
    client.post(staff_url(session), {"person": staff[0].pk, "action": "cancel"})
    assert SessionRegistration.objects.get(learner=staff[1]).status == Status.REGISTERED


def test_a_manager_cannot_sign_up_another_factorys_worker(client, manager_world):
    stranger = worker(OrganisationFactory(country=country("vn")))
    client.force_login(manager_world["manager"])
    assert stranger.name not in client.get(staff_url(manager_world["session"])).text
    response = client.post(staff_url(manager_world["session"]), {"person": stranger.pk})
    assert response.status_code == 404
    assert not SessionRegistration.objects.exists()


@pytest.mark.parametrize("who", ["worker", "other factory manager", "other country manager"])
def test_the_staff_pages_are_refused_to_others(client, manager_world, who):
    other_org = OrganisationFactory(country=country("kh" if "country" in who else "vn"))
    actor = {
        "worker": lambda: worker(manager_world["organisation"]),
        "other factory manager": lambda: UserFactory(
            roles=["manager"], country=country("vn"), organisation=other_org
        ),
        "other country manager": lambda: UserFactory(
            roles=["manager"], country=country("kh"), organisation=other_org
        ),
    }[who]()
    client.force_login(actor)
    staff_member = worker(manager_world["organisation"])
    assert client.get(staff_url(manager_world["session"])).status_code in (403, 404)
    response = client.post(staff_url(manager_world["session"]), {"person": staff_member.pk})
    assert response.status_code in (403, 404)
    assert not SessionRegistration.objects.exists()


def test_the_staff_page_costs_the_same_queries_for_more_staff(
    client, manager_world, django_assert_max_num_queries
):
    client.force_login(manager_world["manager"])
    client.get(staff_url(manager_world["session"]))  # warm what each process keeps
    counts = []
    for staff, added in ((3, 3), (30, 27)):
        people = [worker(manager_world["organisation"]) for _ in range(added)]
        for person in people[::2]:
            services.session_registration_create(
                session=manager_world["session"], learner=person, registered_by=person
            )
        with django_assert_max_num_queries(10) as captured:
            response = client.get(staff_url(manager_world["session"]))
        counts.append(len(captured))
        assert response.text.count('<tr id="p-') == staff + 1  # the manager is staff too
    assert counts[0] == counts[1]
