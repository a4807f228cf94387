"""The buyers' read API's patterns, under ``/api/v1/`` (``compliance.api_urls`` includes them
on first use, decision 0636).

The API reads no session: a buyer's key authenticates each call (like the recording keys of
lms.records), so the session's second factor does not apply to it. Its views declare
``own_data`` (the key holder's organisation's own grants) and the OpenAPI document
``public_data``; tests/accounts/test_url_walk.py checks that every view is classified."""

from django.core.exceptions import ImproperlyConfigured

from compliance import api_urls
from compliance.api import api
from lms.accounts.exposure import Exposure

urlpatterns, _app_name, _namespace = api.urls
if (_app_name, _namespace) != (api_urls.APP_NAME, api_urls.NAMESPACE):
    raise ImproperlyConfigured(
        f"compliance.api_urls includes the buyers' API as {api_urls.APP_NAME}:"
        f"{api_urls.NAMESPACE}, but Django Ninja names it {_app_name}:{_namespace}."
    )
for _pattern in urlpatterns:
    _name = getattr(_pattern, "name", "") or ""
    _pattern.callback.data_exposure = Exposure.PUBLIC if _name == "openapi-json" else Exposure.OWN
