"""A URLconf ``tests/test_lazy_urls.py`` includes on first use."""

from django.http import HttpResponse
from django.urls import path


def thing(request, number=None):
    return HttpResponse(f"thing {number}")


urlpatterns = [
    path("thing/", thing, name="thing"),
    path("thing/<int:number>/", thing, name="numbered"),
]
