"""The buyers' read API, without a language prefix: ``/api/v1/`` (compliance.api).

The API reads no session: a buyer's key authenticates each call (like the recording keys of
lms.records), so the session's second factor does not apply to it. Its views declare
``own_data`` (the key holder's organisation's own grants) and the OpenAPI document
``public_data``; tests/accounts/test_url_walk.py checks that every view is classified."""

from django.urls import include, path

from compliance.api import api
from lms.accounts.exposure import Exposure

_patterns, _app, _namespace = api.urls
for _pattern in _patterns:
    _name = getattr(_pattern, "name", "") or ""
    _pattern.callback.data_exposure = Exposure.PUBLIC if _name == "openapi-json" else Exposure.OWN

urlpatterns = [path("api/v1/", include((_patterns, _app), namespace=_namespace))]
