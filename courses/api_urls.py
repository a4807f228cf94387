"""URLs of courses without a language prefix (APIs, public verification links)."""

from django.urls import path

from courses import offline_views, registration_views

app_name = "courses_api"
urlpatterns = [
    # A person's secret iCalendar address (calendar applications fetch it, signed in or not).
    path(
        "calendar/<str:token>.ics",
        registration_views.calendar_feed,
        name="courses_calendar_feed",
    ),
    path(
        "api/learn/offline/<int:page_id>/manifest",
        offline_views.manifest,
        name="offline_manifest",
    ),
    path("api/learn/offline/<int:page_id>/answers", offline_views.answers, name="offline_answers"),
    path("api/learn/offline/sync", offline_views.sync, name="offline_sync"),
]
