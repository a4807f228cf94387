from django.urls import path

from lms.privacy import views

app_name = "privacy"
urlpatterns = [
    path("", views.privacy_notice, name="notice"),
    path("mine/", views.my_privacy, name="mine"),
    path("mine/consent/withdraw/", views.consent_withdraw_view, name="consent_withdraw"),
    path("mine/download/", views.data_download, name="download"),
    path("mine/erasure/", views.erasure_request, name="erasure_request"),
    path("mine/erasure/cancel/", views.erasure_cancel, name="erasure_cancel"),
]
