"""Wagtail's images, documents, snippets and redirects apps without the v3 API the site does
not route (issue 14, a worker's memory; decision 0635).

When those four apps are ready, Wagtail registers them with its v3 API: importing
``wagtail.api.v3`` defines a read, a create and a patch schema for every page model and
unions of them for the page operations, and each app adds a router with schemas of its own.
The site mounts no v3 endpoint (``api_v3_not_routed`` below makes that a rule), yet every
web worker held those pydantic models, their validators and Django Ninja's routers: about
14 MB of a process loading the site (292 modules), most of it in memory pydantic-core
allocates outside Python's.

These configurations are Wagtail's own, with one difference: while Wagtail's ``ready()`` runs,
the modules it imports to register with the v3 API are answered by stand-ins that register
nothing (``without_api_v3_registration``). Everything else the apps do when ready (their
permission policies, signal handlers, form widgets, revision comparisons, reference index,
deferred snippets) runs unchanged. A module already imported for real is left alone, and the
stand-ins are removed as soon as ``ready()`` returns, so a later import gets Wagtail's own
module. Should a Wagtail release import something else of the v3 API from one of these
``ready()``, the real module is imported (the memory comes back, nothing breaks) and
``tests/test_wagtail_apps.py`` fails.

To serve Wagtail's v3 API, list Wagtail's own configurations in ``INSTALLED_APPS`` again
(``wagtail.images`` and so on) and mount it.
"""

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

from django.core import checks
from django.urls import URLResolver, get_resolver
from wagtail.contrib.redirects.apps import WagtailRedirectsAppConfig
from wagtail.documents.apps import WagtailDocsAppConfig
from wagtail.images.apps import WagtailImagesAppConfig
from wagtail.snippets.apps import WagtailSnippetsAppConfig

API_V3_NAMESPACE = "wagtailapi_v3"


def _register_nothing(*args, **kwargs) -> None:
    return None


class _UnroutedAPI:
    """Stands for ``wagtail.api.v3.api.api``: a router added to it goes nowhere."""

    add_router = staticmethod(_register_nothing)


# What each ``ready()`` imports from the v3 API, by module (Wagtail 8): registries of
# content types and the routers added to the API.
STAND_INS: dict[str, dict[str, object]] = {
    "wagtail.api.v3.api": {"api": _UnroutedAPI()},
    "wagtail.images.api.v3.registry": {"register_content_types": _register_nothing},
    "wagtail.images.api.v3.router": {"router": None},
    "wagtail.documents.api.v3.registry": {"register_content_types": _register_nothing},
    "wagtail.documents.api.v3.router": {"router": None},
    "wagtail.snippets.api.v3": {"register_content_types": _register_nothing},
    "wagtail.snippets.api.v3.router": {"router": None},
    "wagtail.contrib.redirects.api.v3": {"router": None},
}


@contextmanager
def without_api_v3_registration() -> Iterator[None]:
    """Within the block, importing one of ``STAND_INS``' modules that is not loaded yet
    gives a stand-in; afterwards the stand-ins it added are gone from ``sys.modules``."""
    added = {}
    for name, attributes in STAND_INS.items():
        if name in sys.modules:
            continue
        stand_in = ModuleType(name, "A stand-in while a Wagtail app is ready (lms.wagtail_apps).")
        stand_in.__dict__.update(attributes)
        sys.modules[name] = stand_in
        added[name] = stand_in
    try:
        yield
    finally:
        for name, stand_in in added.items():
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]


class ImagesConfig(WagtailImagesAppConfig):
    def ready(self):
        with without_api_v3_registration():
            super().ready()


class DocumentsConfig(WagtailDocsAppConfig):
    def ready(self):
        with without_api_v3_registration():
            super().ready()


class SnippetsConfig(WagtailSnippetsAppConfig):
    def ready(self):
        with without_api_v3_registration():
            super().ready()


class RedirectsConfig(WagtailRedirectsAppConfig):
    def ready(self):
        with without_api_v3_registration():
            super().ready()


def _namespaces(resolver: URLResolver) -> Iterator[str]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace:
                yield pattern.namespace
            yield from _namespaces(pattern)


@checks.register(checks.Tags.urls)
def api_v3_not_routed(app_configs=None, **kwargs):
    """Wagtail's v3 API, if mounted, would lack the images, documents, snippets and
    redirects these configurations do not register."""
    if API_V3_NAMESPACE not in set(_namespaces(get_resolver())):
        return []
    return [
        checks.Error(
            "Wagtail's v3 API is mounted, but lms.wagtail_apps keeps Wagtail's images, "
            "documents, snippets and redirects apps from registering with it.",
            hint=(
                "List Wagtail's own app configurations in INSTALLED_APPS (wagtail.images, "
                "wagtail.documents, wagtail.snippets, wagtail.contrib.redirects) instead of "
                "lms.wagtail_apps', or remove the API from the URLconf."
            ),
            id="lms.E001",
        )
    ]
