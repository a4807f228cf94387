from django.urls import path, re_path

from lms.portal import views, workforce_views

app_name = "portal"
urlpatterns = [
    path("browse/", views.browse, name="browse"),
    re_path(
        r"^browse/(?P<facet>language|country|sector|topic)/(?P<code>[-\w]{1,40})/$",
        views.browse,
        name="browse_facet",
    ),
    path("search/", views.search, name="search"),
    path("my/", views.dashboard, name="dashboard"),
    path("workforce/", workforce_views.workforce_home, name="workforce_home"),
    path("workforce/<int:organisation_id>/", workforce_views.workforce_view, name="workforce"),
    path(
        "workforce/<int:organisation_id>/export.<str:fmt>",
        workforce_views.workforce_export,
        name="workforce_export",
    ),
]
