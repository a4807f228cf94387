from django.urls import path

from lms.records import views

app_name = "records"
urlpatterns = [path("api/records/statements", views.statements, name="statements")]
