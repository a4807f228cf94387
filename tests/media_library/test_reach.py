"""Anonymous reach: counted per item, language and country; a retried beacon counts once."""

import json
import uuid
from datetime import date, timedelta

import pytest
from django.test import Client
from wagtail.models import Locale

from media_library.models import ReachEvent
from media_library.selectors import reach_counts, reach_totals
from media_library.services import ReachInvalid, reach_record
from tests.accounts.factories import UserFactory
from tests.media_library.factories import VideoFactory, comic_page
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db
URL = "/api/media/reach"


def _event(target, **kwargs):
    return {
        "id": str(uuid.uuid4()),
        "kind": "video",
        "item": target,
        "language": "vi",
        "action": "view",
        **kwargs,
    }


def _post(client, body, **headers):
    return client.post(URL, json.dumps(body), content_type="application/json", **headers)


def test_a_retried_beacon_is_counted_once(client):
    video = VideoFactory()
    event = _event(video.pk)

    first = _post(client, {"events": [event]})
    again = _post(client, {"events": [event]})

    assert first.status_code == again.status_code == 200
    assert first.json() == {"stored": 1}
    assert again.json() == {"stored": 0}
    assert ReachEvent.objects.count() == 1


def test_a_batch_from_the_offline_queue_stores_only_what_is_new(client):
    video = VideoFactory()
    old = _event(video.pk)
    _post(client, {"events": [old]})
    batch = [old, _event(video.pk, action="complete"), _event(video.pk, language="ar")]

    response = _post(client, {"events": batch})

    assert response.json() == {"stored": 2}
    assert ReachEvent.objects.count() == 3


def test_no_personal_data_is_kept_even_for_a_signed_in_person(client):
    person = UserFactory(country=country("jo"))
    client.force_login(person)
    video = VideoFactory()
    _post(client, {"events": [_event(video.pk)]})
    event = ReachEvent.objects.get()
    assert event.country.code == "jo"
    assert {f.name for f in ReachEvent._meta.get_fields()} == {
        "id",
        "kind",
        "video",
        "comic",
        "language",
        "country",
        "action",
        "day",
    }


def test_an_anonymous_visitor_is_counted_by_the_country_header_of_the_cdn(client, settings):
    settings.MEDIA_REACH_COUNTRY_HEADER = "CF-IPCountry"
    video = VideoFactory()
    _post(client, {"events": [_event(video.pk)]}, HTTP_CF_IPCOUNTRY="KH")
    _post(client, {"events": [_event(video.pk)]})
    codes = sorted(ReachEvent.objects.values_list("country__code", flat=True), key=str)
    assert codes == [None, "kh"]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"id": "not-a-uuid"}, "UUID"),
        ({"kind": "podcast"}, "kind"),
        ({"action": "liked"}, "action"),
        ({"language": "xx"}, "language"),
        ({"item": "7"}, "item"),
        ({"item": 999_999}, "no such video"),
        ({"day": "yesterday"}, "day"),
        ({"day": (date.today() - timedelta(days=400)).isoformat()}, "too far"),
    ],
)
def test_bad_events_are_refused_with_a_reason(client, change, reason):
    video = VideoFactory()
    response = _post(client, {"events": [_event(video.pk, **change)]})
    assert response.status_code == 400
    assert reason in response.json()["detail"]
    assert response.json()["index"] == 0
    assert not ReachEvent.objects.exists()


def test_bad_bodies_are_refused(client):
    assert client.post(URL, "{", content_type="application/json").status_code == 400
    assert _post(client, {"events": []}).status_code == 400
    assert _post(client, {"events": [1] * 51}).status_code == 400
    assert client.get(URL).status_code == 405


def test_the_beacon_needs_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    video = VideoFactory()
    assert _post(client, {"events": [_event(video.pk)]}).status_code == 403
    client.get("/en/watch/saved/")
    client.cookies["csrftoken"] = "a" * 32
    response = _post(client, {"events": [_event(video.pk)]}, HTTP_X_CSRFTOKEN="a" * 32)
    assert response.status_code == 200


def test_every_language_of_a_comic_counts_for_one_comic(home_page):
    comic = comic_page(home_page, panels=1)
    arabic = comic.copy_for_translation(Locale.objects.get(language_code="ar"), copy_parents=True)
    arabic.save_revision().publish()
    reach_record(
        events=[
            _event(comic.pk, kind="comic", language="en"),
            _event(arabic.pk, kind="comic", language="ar"),
        ]
    )
    assert set(ReachEvent.objects.values_list("comic_id", flat=True)) == {comic.pk}


def test_reach_counts_per_item_language_and_country():
    vn, jo = country("vn"), country("jo")
    first, second = VideoFactory(title="A"), VideoFactory(title="B")
    today = date.today()
    events = [
        (_event(first.pk), vn, today),
        (_event(first.pk), vn, today),
        (_event(first.pk, action="complete"), vn, today),
        (_event(first.pk, language="ar"), jo, today),
        (_event(second.pk), jo, today - timedelta(days=10)),
    ]
    for event, where, day in events:
        reach_record(events=[{**event, "day": day.isoformat()}], country=where, today=today)

    rows = {(r["title"], r["language"], r["country_code"]): r for r in reach_counts()}

    assert rows[("A", "vi", "vn")]["views"] == 2
    assert rows[("A", "vi", "vn")]["completions"] == 1
    assert rows[("A", "ar", "jo")]["views"] == 1
    assert rows[("B", "vi", "jo")]["views"] == 1
    assert [r["title"] for r in reach_counts(country="jo")] == ["A", "B"]
    assert [r["title"] for r in reach_counts(country=vn)] == ["A"]
    assert [r["title"] for r in reach_counts(since=today - timedelta(days=1))] == ["A", "A"]
    assert [r["title"] for r in reach_counts(until=today - timedelta(days=5))] == ["B"]
    assert reach_totals() == {"views": 4, "completions": 1}


@pytest.mark.parametrize("events", [1, 40])
def test_recording_takes_a_fixed_number_of_queries(django_assert_max_num_queries, events):
    video = VideoFactory()
    batch = [_event(video.pk) for _ in range(events)]
    with django_assert_max_num_queries(6):
        reach_record(events=batch)
    assert ReachEvent.objects.count() == events


def test_the_same_id_twice_in_one_batch_is_refused():
    video = VideoFactory()
    event = _event(video.pk)
    with pytest.raises(ReachInvalid):
        reach_record(events=[event, event])


def test_a_flood_of_beacons_from_one_address_is_slowed_down(client, settings):
    settings.MEDIA_REACH_RATE = "2/m"
    video = VideoFactory()
    statuses = [_post(client, {"events": [_event(video.pk)]}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert ReachEvent.objects.count() == 2
