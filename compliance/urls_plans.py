"""URLs of improvement plans, the committee, advisory visits, recommended training and monthly
figures, under a factory (included from compliance/urls.py, mounted at /<lang>/factories/)."""

from django.urls import path

from compliance import views_plans

urlpatterns = [
    path("<int:pk>/plan/", views_plans.plan_detail, name="plan"),
    path("<int:pk>/plan/start/", views_plans.plan_start, name="plan_start"),
    path("<int:pk>/plan/actions/new/", views_plans.action_create, name="action_create"),
    path(
        "<int:pk>/plan/actions/<int:action_id>/status/",
        views_plans.action_status,
        name="action_status",
    ),
    path(
        "<int:pk>/plan/actions/<int:action_id>/evidence/",
        views_plans.action_evidence,
        name="action_evidence",
    ),
    path(
        "<int:pk>/plan/evidence/<int:evidence_id>/",
        views_plans.action_evidence_file,
        name="action_evidence_file",
    ),
    path(
        "<int:pk>/plan/training/<int:page_id>/<str:step>/",
        views_plans.training_act,
        name="training_act",
    ),
    path("<int:pk>/committee/", views_plans.committee, name="committee"),
    path("<int:pk>/visits/new/", views_plans.visit_create, name="visit_create"),
    path("<int:pk>/figures/", views_plans.figures, name="figures"),
]
