"""A root URLconf with an eager pattern and a section included on first use."""

from django.http import HttpResponse
from django.urls import path

from lms.lazy_urls import include_on_first_use


def here(request):
    return HttpResponse("here")


urlpatterns = [
    path("here/", here, name="here"),
    include_on_first_use("lazy/", "tests.lazy_urls.target", app_name="lazy", namespace="lazy"),
]
