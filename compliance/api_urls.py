"""The buyers' read API, without a language prefix: ``/api/v1/`` (compliance.api).

Its patterns (``compliance.api_routes``) are imported with Django Ninja by the first call to
the API or the first reverse of one of its names in a process, not when the site's URLconf
loads (``lms.lazy_urls``, decision 0636): most of the site's web workers never serve it."""

from lms.lazy_urls import include_on_first_use

APP_NAME = "ninja"  # what Django Ninja names every API's application
NAMESPACE = "buyer_api_v1"  # compliance.api's urls_namespace

urlpatterns = [
    include_on_first_use(
        "api/v1/", "compliance.api_routes", app_name=APP_NAME, namespace=NAMESPACE
    ),
]
