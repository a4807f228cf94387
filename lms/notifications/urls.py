from django.urls import path

from lms.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notices, name="list"),
    path("<int:pk>/open/", views.notice_open, name="open"),
    path("preferences/", views.preferences, name="preferences"),
]
