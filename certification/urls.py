"""Language-prefixed URLs of certification (mounted at /<lang>/certificates/)."""

from django.urls import path

from certification import views

app_name = "certification"
urlpatterns = [
    path("", views.home, name="home"),
    path("programmes/<slug:slug>/", views.programme_detail, name="programme"),
    path("programmes/<slug:slug>/enrol/", views.enrol, name="enrol"),
    path("candidacies/<int:pk>/", views.candidacy_detail, name="candidacy"),
    path("candidacies/<int:pk>/evidence/", views.submission_create, name="submission_create"),
    path("candidacies/<int:pk>/assessment/", views.assessment_record, name="assessment_record"),
    path("candidacies/<int:pk>/approve/", views.approve_issue, name="approve_issue"),
    path("candidacies/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("evidence/<int:pk>/", views.submission_detail, name="submission"),
    path("evidence/<int:pk>/file/", views.submission_file, name="submission_file"),
    path("cpd/", views.cpd_log, name="cpd"),
    path("cpd/<int:pk>/evidence/", views.cpd_evidence, name="cpd_evidence"),
    path("cpd/<int:pk>/edit/", views.cpd_edit, name="cpd_edit"),
    path("cpd/<int:pk>/delete/", views.cpd_delete, name="cpd_delete"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/<int:pk>/", views.review, name="review"),
    path("manage/", views.manage, name="manage"),
    path("held/<str:code>/", views.certificate_detail, name="certificate"),
    path("held/<str:code>/certificate.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("held/<str:code>/credential.json", views.credential_download, name="credential"),
    path("verify/", views.verify_lookup, name="verify_lookup"),
    path("verify/<str:code>/", views.verify, name="verify"),
]
