"""The personal iCalendar feed: a secret address per person (only a hash of its token is
stored; the person can make a new one, which ends the old, or revoke it), and the feed itself,
written with the ``icalendar`` library (decision 0110). Times are written in UTC; all-day
events (a module opening) as dates."""

import datetime as dt
import hashlib
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from courses.calendar_sources import calendar_events
from courses.models import CalendarFeed

FEED_PAST = dt.timedelta(days=30)
FEED_FUTURE = dt.timedelta(days=400)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_renew(*, person) -> str:
    """Make a new secret token for the person's feed (the old address stops working) and
    return it: it is never stored, so this is the only time it can be shown."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(person=person, defaults={"token_hash": token_hash(token)})
    return token


def calendar_feed_revoke(*, person) -> None:
    CalendarFeed.objects.filter(person=person).delete()


def calendar_feed_owner(*, token: str):
    """The person whose feed this token opens, or None."""
    if not token or len(token) > 100:
        return None
    feed = (
        CalendarFeed.objects.select_related("person")
        .filter(token_hash=token_hash(token), person__is_active=True)
        .first()
    )
    return feed.person if feed else None


def _uid_domain() -> str:
    return urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "betterwork.local"


def calendar_ical(*, person, now: dt.datetime | None = None) -> bytes:
    """The person's events from a month ago to a year ahead, as an iCalendar document."""
    from icalendar import Calendar, Event  # ~5 MB, for the feed's own requests only

    now = now or timezone.now()
    calendar = Calendar()
    calendar.add("prodid", "-//Better Work//Learning calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Better Work")
    domain = _uid_domain()
    stamp = now.astimezone(dt.UTC).replace(microsecond=0)
    for item in calendar_events(person=person, start=now - FEED_PAST, end=now + FEED_FUTURE):
        event = Event()
        event.add("uid", f"{item.uid}@{domain}")
        event.add("dtstamp", stamp)
        event.add("summary", item.title)
        if item.all_day:
            event.add("dtstart", item.starts)
            if item.ends:
                event.add("dtend", item.ends)
        else:
            event.add("dtstart", item.starts.astimezone(dt.UTC))
            if item.ends:
                event.add("dtend", item.ends.astimezone(dt.UTC))
        if item.location:
            event.add("location", item.location)
        if item.description:
            event.add("description", item.description)
        if item.url:
            event.add("url", item.url)
        event.add("categories", [item.kind])
        calendar.add_component(event)
    return calendar.to_ical()
