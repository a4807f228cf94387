"""URLs of courses without a language prefix (APIs, public verification links)."""

from django.urls import path

from courses import registration_views

urlpatterns = [
    # A person's secret iCalendar address (calendar applications fetch it, signed in or not).
    path(
        "calendar/<str:token>.ics",
        registration_views.calendar_feed,
        name="courses_calendar_feed",
    ),
]
