"""Public, language-prefixed URLs of courses (mounted under /<lang>/learn/)."""

from django.urls import path

from courses import offline_views, registration_views, views
from courses.evaluations import views as evaluation_views
from courses.progression import views as progression_views

app_name = "courses"
urlpatterns = [
    path("my/", views.my_learning, name="my_learning"),
    path("offline/", offline_views.kept, name="offline_kept"),
    path("check-in/", views.check_in, name="check_in"),
    path("enrol/<int:course_id>/", views.enrol, name="enrol"),
    path("lessons/<int:page_id>/complete/", views.lesson_complete, name="lesson_complete"),
    path(
        "lessons/<int:page_id>/check/<str:block_id>/",
        views.knowledge_check,
        name="knowledge_check",
    ),
    path(
        "lessons/<int:page_id>/bank-check/<str:block_id>/",
        progression_views.bank_quiz,
        name="bank_quiz",
    ),
    path("courses/<int:page_id>/test/<str:phase>/", views.course_test, name="test"),
    path("evaluations/", evaluation_views.waiting, name="evaluations_waiting"),
    path(
        "evaluations/<str:target>/<int:target_id>/",
        evaluation_views.evaluate,
        name="evaluate",
    ),
    path(
        "courses/<int:course_id>/submit/<str:item>/",
        views.submission_create,
        name="submission_create",
    ),
    path(
        "submissions/<int:submission_id>/<str:field>/",
        views.submission_file,
        name="submission_file",
    ),
    path("kits/<int:page_id>/print.pdf", views.induction_kit_pdf, name="induction_kit_pdf"),
    path("policies/<int:version_id>/adopt/", views.policy_adopt, name="policy_adopt"),
    path("cohorts/", views.cohort_list, name="cohort_list"),
    path("cohorts/new/", views.cohort_create, name="cohort_create"),
    path("cohorts/<int:cohort_id>/", views.cohort_detail, name="cohort_detail"),
    path(
        "cohorts/<int:cohort_id>/export.<str:file_format>",
        views.cohort_export,
        name="cohort_export",
    ),
    path("cohorts/<int:cohort_id>/enrol/", views.cohort_enrol, name="cohort_enrol"),
    path("cohorts/<int:cohort_id>/import/", views.cohort_import, name="cohort_import"),
    path(
        "cohorts/<int:cohort_id>/learners/<int:learner_id>/new-slip/",
        views.learner_new_slip,
        name="learner_new_slip",
    ),
    path(
        "cohorts/<int:cohort_id>/learners/<int:learner_id>/cmi5/",
        views.learner_cmi5,
        name="learner_cmi5",
    ),
    path("cohorts/<int:cohort_id>/sessions/new/", views.session_create, name="session_create"),
    path("sessions/<int:session_id>/roster/", views.session_roster, name="session_roster"),
    path("sessions/", registration_views.session_list, name="session_list"),
    path("sessions/staff/", registration_views.staff_sessions, name="staff_sessions"),
    path(
        "sessions/<int:session_id>/register/",
        registration_views.session_register,
        name="session_register",
    ),
    path(
        "sessions/<int:session_id>/cancel/",
        registration_views.session_cancel,
        name="session_cancel",
    ),
    path(
        "sessions/<int:session_id>/signups/",
        registration_views.session_signups,
        name="session_signups",
    ),
    path(
        "sessions/<int:session_id>/staff/",
        registration_views.staff_signup,
        name="staff_signup",
    ),
    path("calendar/", registration_views.calendar, name="calendar"),
    path("calendar/feed/", registration_views.calendar_feed_manage, name="calendar_feed_manage"),
    path("reviews/", views.review_list, name="review_list"),
    path("reviews/<int:submission_id>/", views.review, name="review"),
]
