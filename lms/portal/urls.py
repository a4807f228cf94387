from django.urls import path, re_path

from lms.portal import views

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
]
