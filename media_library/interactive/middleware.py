"""The package origin serves package files and players, nothing else, and never sees a cookie.

When ``INTERACTIVE_PACKAGE_ORIGIN`` names another host (or port) served by this same
application, a request arriving there may only reach the package routes; cookies are
dropped before any view runs and none are ever set, so package JavaScript can never act in a
learner's session even if the origins share a cookie jar (cookies ignore ports).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseNotFound

PACKAGE_PATHS = ("/interactive/files/", "/interactive/player/")
# The package origin may also load the players' own scripts (public, cookie-free).
PACKAGE_HOST_PATHS = (*PACKAGE_PATHS, "/static/")


class PackageOriginMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        origin = settings.INTERACTIVE_PACKAGE_ORIGIN
        self.package_host = urlsplit(origin).netloc.lower() if origin else ""

    def __call__(self, request):
        on_package_path = request.path_info.startswith(PACKAGE_PATHS)
        on_package_host = (
            bool(self.package_host) and request.get_host().lower() == self.package_host
        )
        if on_package_host and not request.path_info.startswith(PACKAGE_HOST_PATHS):
            return HttpResponseNotFound("Not found")
        if on_package_path or on_package_host:
            request.COOKIES = {}
            request.META.pop("HTTP_COOKIE", None)
            response = self.get_response(request)
            response.cookies.clear()
            return response
        return self.get_response(request)
