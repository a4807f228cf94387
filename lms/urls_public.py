"""The site's URLs without Wagtail's admin: what a request outside ``/admin/`` from someone
who does not work in the admin resolves and reverses with (``lms.urlconfs``, decision 0633).

``lms.urls`` (ROOT_URLCONF) is this plus the admin. Wagtail's admin URL names are not
namespaced, so a URLconf that includes them gives Django's ``reverse()`` a table with the
admin's 574 patterns in it, built once for every language a worker serves; a learner's
pages never reverse one of them. Public pages carry a language prefix (/en/, /vi/, /ar/ ...)."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog
from django_ratelimit.decorators import ratelimit
from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.documents.views import serve as wagtaildocs_serve

from lms.portal import page_routing
from lms.portal import views as portal_views
from lms.portal.sitemaps import PortalSitemap

# Passwords of private pages and documents are guessed like account passwords: limited per
# address (the visitor's, see lms/client_address.py).
_password_form_limit = ratelimit(key="ip", rate="10/m", method="POST", block=True)

urlpatterns = [
    path(
        "documents/authenticate_with_password/<int:restriction_id>/",
        _password_form_limit(wagtaildocs_serve.authenticate_with_password),
        name="wagtaildocs_authenticate_with_password",
    ),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": PortalSitemap}}, name="sitemap"),
    path("robots.txt", portal_views.robots_txt, name="robots_txt"),
    path("", include("lms.portal.api_urls")),
]

urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("lms.accounts.urls")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("learn/", include("courses.urls")),
    path("watch/", include("media_library.urls")),
    path("certificates/", include("certification.urls")),
    path("community/", include("community.urls")),
    path("factories/", include("compliance.urls")),
    path("survey/", include("lms.reports.studies.urls")),
    path("reports/", include("lms.reports.urls")),
    path("transparency/", include("compliance.urls_public")),
    path("privacy/", include("lms.privacy.urls")),
    path("notifications/", include("lms.notifications.urls")),
    path("", include("lms.portal.urls")),
    # Wagtail's sign-in for private pages signs in with a password alone: allauth's instead.
    path("_util/login/", portal_views.admin_login_redirect, name="wagtailcore_login"),
    path(
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        _password_form_limit(wagtail_views.authenticate_with_password),
        name="wagtailcore_authenticate_with_password",
    ),
    # Wagtail's serve view, routed without its repeated queries (lms/portal/page_routing.py).
    re_path(r"^((?:[\w\-]+/)*)$", page_routing.serve, name="wagtail_serve"),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

handler404 = "lms.portal.views.page_not_found"
handler500 = "lms.portal.views.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns
