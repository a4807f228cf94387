from django.urls import include, path

from lms.records import views

app_name = "records"
urlpatterns = [
    path("api/records/statements", views.statements, name="statements"),
    path("", include("lms.records.xapi_document_urls")),
]
