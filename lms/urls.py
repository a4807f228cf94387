"""Top-level URLs (ROOT_URLCONF): Wagtail's admin under /admin/, then the public site
(``lms.urls_public``). Requests under /admin/, and every request from staff, resolve and
reverse with this one; others with the public one (``lms.urlconfs``, decision 0633). Code that
reverses outside a request (Celery tasks, management commands, emails) uses this one."""

from django.urls import include, path
from wagtail.admin import urls as wagtailadmin_urls

from lms.portal import views as portal_views
from lms.urls_public import urlpatterns as public_urlpatterns

urlpatterns = [
    # The admin signs in through allauth, with its rate limits and two-factor step.
    path("admin/login/", portal_views.admin_login_redirect, name="wagtailadmin_login"),
    path("admin/", include(wagtailadmin_urls)),
    *public_urlpatterns,
]

handler404 = "lms.portal.views.page_not_found"
handler500 = "lms.portal.views.server_error"
