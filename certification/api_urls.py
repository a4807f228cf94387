"""URLs of certification without a language prefix: the public verification address the
QR codes point at (it answers in the visitor's language), and the Open Badges documents."""

from django.urls import path

from certification import views

app_name = "certification_api"
urlpatterns = [
    path("verify/<str:code>/", views.verify, name="verify"),
    path("certificates/badges/issuer.json", views.badge_issuer, name="badge_issuer"),
    path("certificates/badges/<slug:slug>.json", views.badge_class, name="badge_class"),
    path("certificates/badges/<slug:slug>.svg", views.badge_image, name="badge_image"),
    path("certificates/assertions/<str:code>.json", views.badge_assertion, name="badge_assertion"),
    path("certificates/assertions/<str:code>.svg", views.badge_baked, name="badge_baked"),
    path("certificates/status/revocation.json", views.status_list, name="status_list"),
]
