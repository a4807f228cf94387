"""A URLconf whose default language has no prefix, for the language switcher's tests."""

from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse
from django.urls import path

urlpatterns = i18n_patterns(
    path("about/", lambda request: HttpResponse(), name="about"), prefix_default_language=False
)
