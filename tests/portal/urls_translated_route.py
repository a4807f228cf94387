"""A URLconf with a translated route, for the language switcher's tests."""

from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

urlpatterns = i18n_patterns(path(_("about/"), lambda request: HttpResponse(), name="about"))
