"""Language-prefixed URLs of sharing with buyers (mounted at /<lang>/factories/)."""

from django.urls import path

from compliance import views_sharing as views

urlpatterns = [
    path("buyers/", views.buyer_dashboard, name="buyer_dashboard"),
    path("buyers/export.<str:fmt>", views.buyer_export, name="buyer_export"),
    path("buyers/suppliers/<int:pk>/", views.buyer_supplier, name="buyer_supplier"),
    path("buyers/suppliers/<int:pk>/ask/", views.buyer_ask, name="buyer_ask"),
    path("buyers/suppliers/<int:pk>/plan/", views.buyer_plan, name="buyer_plan"),
    path("buyers/suppliers/<int:pk>/training/", views.buyer_training, name="buyer_training"),
    path("buyers/reports/<int:pk>/", views.buyer_report, name="buyer_report"),
    path("buyers/reports/<int:pk>/report.pdf", views.buyer_report_pdf, name="buyer_report_pdf"),
    path("buyers/keys/", views.buyer_tokens, name="buyer_tokens"),
    path("buyers/keys/<int:pk>/revoke/", views.buyer_token_revoke, name="buyer_token_revoke"),
    path("<int:pk>/sharing/", views.factory_sharing, name="sharing"),
    path(
        "<int:pk>/sharing/requests/<int:request_id>/",
        views.access_request_decide,
        name="access_request_decide",
    ),
    path("<int:pk>/sharing/log/", views.access_log, name="access_log"),
]
