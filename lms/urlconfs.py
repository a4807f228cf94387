"""Which URLconf a request resolves and reverses with (decision 0633).

``lms.urls`` (ROOT_URLCONF) includes Wagtail's admin: 574 of the site's URL patterns, none of
them namespaced, so Django's ``reverse()`` table holds them all, one table per language a
worker serves, and importing the admin's URLconf runs every app's ``register_admin_urls``
hook. A request that cannot show an admin link does without it: outside ``/admin/``, from
someone who is not staff, it uses ``lms.urls_public`` (the same patterns without the admin,
so it resolves every such path as the full one does). Django's handler reads
``request.urlconf`` and sets it for ``reverse()`` for the rest of the request.

- Under ``/admin/`` every request keeps the full URLconf: the admin's own sign-in redirect
  and its "you cannot use the admin" answers stay Wagtail's, whoever asks.
- Staff (``is_staff`` or ``is_superuser``, fields of the user row: no query) keep it on every
  page: the site's "Administration" link (``base.html``) and Wagtail's userbar reverse admin
  names. A person given ``wagtailadmin.access_admin`` without being staff still gets the
  userbar: ``page_userbar`` switches that request to the full URLconf when Wagtail would
  show it (``use_full_urlconf``).
- Code outside a request (Celery tasks, management commands, emails sent from them, tests)
  reverses with ROOT_URLCONF, the full one.

Two middlewares, because the choice is needed before ``LocaleMiddleware`` (which reads
``request.urlconf`` to learn whether the patterns carry a language prefix; the full
URLconf's module would import the admin's) and the person is known only after
``AuthenticationMiddleware``. The second reads ``request.user`` where
``PreferredLanguageMiddleware`` has already read it for every request, so it costs no query.
Only the site's own URLconf is split: with another ROOT_URLCONF (a test's) both do nothing.
"""

from django.conf import settings
from django.urls import set_urlconf

FULL_URLCONF = "lms.urls"
PUBLIC_URLCONF = "lms.urls_public"
ADMIN_PREFIX = "/admin/"


def is_staff(user) -> bool:
    """Whether ``user``'s pages may link to the admin; what ``base.html`` tests."""
    return bool(
        user is not None
        and user.is_authenticated
        and (getattr(user, "is_staff", False) or getattr(user, "is_superuser", False))
    )


def uses_public_urlconf() -> bool:
    from django.urls import get_urlconf

    return get_urlconf() == PUBLIC_URLCONF


def use_full_urlconf(request) -> None:
    """The rest of this request resolves and reverses with the full URLconf."""
    if getattr(request, "urlconf", None) == PUBLIC_URLCONF:
        request.urlconf = settings.ROOT_URLCONF
    set_urlconf(settings.ROOT_URLCONF)


class PublicURLconfMiddleware:
    """Before ``LocaleMiddleware``: a request outside ``/admin/`` takes the public URLconf."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # "/admin" too: the full URLconf's "/admin/" is where CommonMiddleware sends it.
        under_admin = f"{request.path_info}/".startswith(ADMIN_PREFIX)
        if settings.ROOT_URLCONF == FULL_URLCONF and not under_admin:
            request.urlconf = PUBLIC_URLCONF
            # For reverse() in the middlewares below too, and for an exception one of them
            # raises (Django answers it through the URLconf set for the thread).
            set_urlconf(PUBLIC_URLCONF)
        return self.get_response(request)


class StaffURLconfMiddleware:
    """After ``PreferredLanguageMiddleware``: staff take the full URLconf back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if getattr(request, "urlconf", None) == PUBLIC_URLCONF and is_staff(
            getattr(request, "user", None)
        ):
            request.urlconf = settings.ROOT_URLCONF
            set_urlconf(settings.ROOT_URLCONF)
        return self.get_response(request)
