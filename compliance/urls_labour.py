"""URLs of a factory's public responses, their approval, the labour inspectors' pages and the
social partners' aggregates (included from compliance/urls.py, at /<lang>/factories/)."""

from django.urls import path

from compliance import views_labour

urlpatterns = [
    path("<int:pk>/public/", views_labour.public_responses, name="public_responses"),
    path("public/responses/", views_labour.response_queue, name="response_queue"),
    path("public/responses/<int:pk>/photo/", views_labour.response_photo, name="response_photo"),
    path(
        "public/responses/<int:pk>/<str:decision>/",
        views_labour.response_decide,
        name="response_decide",
    ),
    path("inspection/", views_labour.inspection_home, name="inspection_home"),
    path(
        "inspection/factories/<int:pk>/",
        views_labour.inspection_factory,
        name="inspection_factory",
    ),
    path(
        "inspection/factories/<int:pk>/new/",
        views_labour.inspection_create,
        name="inspection_create",
    ),
    path(
        "inspection/assessments/<int:pk>/",
        views_labour.inspection_report,
        name="inspection_report",
    ),
    path("partners/", views_labour.partners_overview, name="partners"),
]
