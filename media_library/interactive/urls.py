"""Language-prefixed pages of interactive content (under /<lang>/watch/)."""

from django.urls import path

from media_library.interactive import public_views

app_name = "interactive"
urlpatterns = [
    path("interactive/h5p/<uuid:uuid>/", public_views.h5p_preview, name="h5p_preview"),
    path("interactive/cmi5/<int:au_id>/launch/", public_views.cmi5_launch, name="cmi5_launch"),
]
