from django.urls import include, path

from lms.records import views, xapi_staff, xapi_views

app_name = "records"
urlpatterns = [
    path("api/records/statements", views.statements, name="statements"),
    path("", include("lms.records.xapi_document_urls")),
    path("api/records/mine.json", xapi_views.my_statements, name="my_statements"),
    path("xapi/statements", xapi_views.statements, name="xapi_statements"),
    path("xapi/staff/statements", xapi_staff.staff_statements, name="xapi_staff_statements"),
]
