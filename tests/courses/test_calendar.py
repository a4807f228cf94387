"""The calendar: a person's sessions and module openings on a page and in a secret iCalendar
feed (parsed back with icalendar and checked by a second, independent parser), the registry
other parts add their events to, and the feed's address being revoked or renewed."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar

from courses import registration_services as services
from courses.calendar_feed import calendar_feed_renew, token_hash
from courses.calendar_sources import (
    CalendarEvent,
    calendar_events,
    calendar_sources,
    register_calendar_source,
)
from courses.models import CalendarFeed
from tests.courses import factories
from tests.courses.signup_factories import seminar_world, signup_session, worker

pytestmark = pytest.mark.django_db
PAGE = reverse("courses:calendar")


def feed_url(token):
    return reverse("courses_api:courses_calendar_feed", args=[token])


@pytest.fixture
def person_world(home_page):
    """A worker in a programme's cohort (two modules: the second opens in a month) with a
    cohort session, who signed up for a seminar session and is waiting for another."""
    world = seminar_world(home_page)
    person = worker(world["organisation"])
    programme = factories.programme(factories.section(home_page), modules=2, lessons=1)
    start = timezone.localdate() - dt.timedelta(days=3)
    cohort = factories.cohort(programme, trainers=[world["trainer"]], start_date=start)
    factories.enrol(programme, [person], cohort=cohort)
    class_day = factories.session(
        cohort, starts_at=timezone.now() + dt.timedelta(days=2), title="Module 1 classroom day"
    )
    seat = signup_session(world["cohort"], capacity=1, title="Fire safety seminar")
    services.session_registration_create(session=seat, learner=person, registered_by=person)
    full = signup_session(world["cohort"], capacity=1, title="Full seminar")
    other = worker(world["organisation"])
    services.session_registration_create(session=full, learner=other, registered_by=other)
    services.session_registration_create(session=full, learner=person, registered_by=person)
    cancelled = signup_session(world["cohort"], capacity=3, title="Cancelled seminar")
    registration = services.session_registration_create(
        session=cancelled, learner=person, registered_by=person
    )
    services.session_registration_cancel(registration=registration, cancelled_by=person)
    not_signed_up = signup_session(world["cohort"], capacity=3, title="Seminar not taken")
    return {
        **world,
        "person": person,
        "programme": programme,
        "start": start,
        "sessions": [class_day, seat, full, cancelled, not_signed_up],
    }


def test_the_page_shows_sessions_waiting_places_and_module_openings(client, person_world):
    from courses.selectors import add_months

    client.force_login(person_world["person"])
    page = client.get(PAGE)
    assert page.status_code == 200
    text = page.text
    assert "Module 1 classroom day" in text
    assert "Fire safety seminar" in text
    assert "Full seminar (waiting list)" in text
    assert "Cancelled seminar" not in text
    assert "Seminar not taken" not in text
    assert "Module 2 opens" in text
    opens = add_months(person_world["start"], 1)
    assert text.index("Module 1 classroom day") < text.index("Fire safety seminar")
    assert opens > timezone.localdate()


def test_other_parts_register_their_events(client, person_world):
    due = timezone.localdate() + dt.timedelta(days=10)

    def due_dates(*, person, start, end):
        return [
            CalendarEvent(
                uid=f"due-{person.pk}-osh", kind="due", title="OSH refresher due", starts=due
            )
        ]

    register_calendar_source("tests.due_dates", due_dates)
    try:
        client.force_login(person_world["person"])
        assert "OSH refresher due" in client.get(PAGE).text
        token = calendar_feed_renew(person=person_world["person"])
        feed = Calendar.from_ical(client.get(feed_url(token)).content)
        assert "OSH refresher due" in [str(e["SUMMARY"]) for e in feed.walk("VEVENT")]
    finally:
        from courses import calendar_sources as module

        module._sources.pop("tests.due_dates", None)
    assert "tests.due_dates" not in calendar_sources()


def _rfc5545_required(calendar: Calendar) -> None:
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    for event in calendar.walk("VEVENT"):
        for prop in ("UID", "DTSTAMP", "DTSTART"):
            assert prop in event, prop


def test_the_feed_parses_back_and_passes_an_independent_parser(client, person_world):
    person = person_world["person"]
    client.force_login(person)
    response = client.post(reverse("courses:calendar_feed_manage"), {"action": "renew"})
    assert response.status_code == 302
    page = client.get(PAGE)
    token = page.context["feed_url"].rsplit("/", 1)[1].removesuffix(".ics")
    assert page.context["feed_url"] in page.text
    assert client.get(PAGE).context["feed_url"] is None  # shown once
    client.logout()

    response = client.get(feed_url(token))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    _rfc5545_required(calendar)
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {
        "Module 1 classroom day",
        "Fire safety seminar",
        "Full seminar (waiting list)",
        "Module 1 opens",
        "Module 2 opens",
    }
    seminar = events["Fire safety seminar"]
    assert seminar.decoded("DTSTART").tzinfo is not None
    assert seminar.decoded("DTSTART").utcoffset() == dt.timedelta(0)
    assert seminar.to_ical().decode().count("Z\r\n") >= 2  # UTC times, no TZID needed
    assert isinstance(events["Module 2 opens"].decoded("DTSTART"), dt.date)

    independent = IcsCalendarStream.calendar_from_ics(response.content.decode())
    assert sorted(e.summary for e in independent.events) == sorted(events)
    assert len({e.uid for e in independent.events}) == len(events)

    # UIDs are stable: the same events keep them when the feed is fetched again.
    again = Calendar.from_ical(client.get(feed_url(token)).content)
    assert {str(e["UID"]) for e in again.walk("VEVENT")} == {str(e["UID"]) for e in events.values()}


def test_only_a_hash_of_the_token_is_stored(person_world):
    token = calendar_feed_renew(person=person_world["person"])
    feed = CalendarFeed.objects.get(person=person_world["person"])
    assert feed.token_hash == token_hash(token)
    assert token not in feed.token_hash
    assert len(token) >= 40


def test_a_revoked_or_replaced_address_is_not_found(client, person_world):
    person = person_world["person"]
    old = calendar_feed_renew(person=person)
    assert client.get(feed_url(old)).status_code == 200
    new = calendar_feed_renew(person=person)
    assert client.get(feed_url(old)).status_code == 404
    assert client.get(feed_url(new)).status_code == 200
    client.force_login(person)
    client.post(reverse("courses:calendar_feed_manage"), {"action": "revoke"})
    client.logout()
    assert client.get(feed_url(new)).status_code == 404
    assert client.get(feed_url("x" * 43)).status_code == 404


def test_the_feed_shows_only_its_owners_events(client, person_world):
    other = worker(person_world["organisation"])
    token = calendar_feed_renew(person=other)
    calendar = Calendar.from_ical(client.get(feed_url(token)).content)
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == []


def test_an_unknown_action_is_refused(client, person_world):
    client.force_login(person_world["person"])
    response = client.post(reverse("courses:calendar_feed_manage"), {"action": "steal"})
    assert response.status_code == 400


def test_the_calendar_costs_the_same_queries_for_more_events(
    client, home_page, django_assert_max_num_queries
):
    world = seminar_world(home_page)
    person = worker(world["organisation"])
    token = calendar_feed_renew(person=person)
    section = factories.section(home_page)
    counts, events = [], 0
    for sessions in (1, 10):
        programme = factories.programme(section, modules=sessions, lessons=1)
        cohort = factories.cohort(programme, trainers=[world["trainer"]])
        factories.enrol(programme, [person], cohort=cohort)
        for n in range(sessions):
            factories.session(
                cohort, starts_at=timezone.now() + dt.timedelta(days=n + 1), title=f"Day {n}"
            )
            seat = signup_session(world["cohort"], capacity=2, title=f"Seminar {sessions}.{n}")
            services.session_registration_create(session=seat, learner=person, registered_by=person)
        client.force_login(person)
        client.get(PAGE)  # warm what each process keeps
        with django_assert_max_num_queries(10) as page_queries:
            page = client.get(PAGE)
        events += 2 * sessions
        assert page.text.count('class="calendar-event calendar-session"') == events
        client.logout()
        with django_assert_max_num_queries(10) as feed_queries:
            feed = client.get(feed_url(token))
        assert len(Calendar.from_ical(feed.content).walk("VEVENT")) >= events
        counts.append((len(page_queries), len(feed_queries)))
    assert counts[0] == counts[1]


def test_required_training_due_dates_are_in_the_calendar(client, person_world):
    from courses.models import TrainingAssignment

    person, programme = person_world["person"], person_world["programme"]
    due = timezone.localdate() + dt.timedelta(days=10)
    TrainingAssignment.objects.create(learner=person, course=programme, due_on=due)
    TrainingAssignment.objects.create(
        learner=person,
        course=programme,
        cycle=2,
        due_on=due + dt.timedelta(days=1),
        completed_at=timezone.now(),
    )
    events = [
        event
        for event in calendar_events(
            person=person,
            start=timezone.now(),
            end=timezone.now() + dt.timedelta(days=60),
        )
        if event.kind == "due"
    ]
    assert [(event.starts, event.title) for event in events] == [(due, f"{programme.title} is due")]
    client.force_login(person)
    assert f"{programme.title} is due" in client.get(PAGE).text
