"""Routes of the LRS's document, Activities, Agents and About resources (``/xapi/...``)."""

from django.urls import path

from lms.records import xapi_document_views as views

urlpatterns = [
    path("xapi/activities/state", views.state, name="xapi_state"),
    path("xapi/activities/profile", views.activity_profile, name="xapi_activity_profile"),
    path("xapi/agents/profile", views.agent_profile, name="xapi_agent_profile"),
    path("xapi/activities", views.activities, name="xapi_activities"),
    path("xapi/agents", views.agents, name="xapi_agents"),
    path("xapi/about", views.about, name="xapi_about"),
    path("xapi/launch/<str:key>/fetch", views.launch_fetch, name="xapi_launch_fetch"),
]
