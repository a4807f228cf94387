"""The site's URLs plus uploaded media, for the live server in browser tests (in production
the web server or CDN serves media; Django's dev server only does so with DEBUG on)."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from lms.urls import handler404, handler500  # noqa: F401
from lms.urls import urlpatterns as site_urlpatterns


def _media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [re_path(r"^media/(?P<path>.*)$", _media), *site_urlpatterns]
