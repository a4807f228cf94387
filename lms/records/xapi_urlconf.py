"""A URL configuration without language prefixes, set on a request whose xAPI answer is 404
(``lms.records.xapi_version.xapi_endpoint``): Django's LocaleMiddleware would otherwise turn
the API's "no such statement" into a redirect to ``/en/...``, which the site's catch-all page
route makes look valid."""

from django.urls import include, path

urlpatterns = [path("", include("lms.records.urls"))]
