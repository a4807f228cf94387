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
deferred snippets) runs unchanged. If any of those modules is already imported for real
(something loaded the v3 API first), no stand-in is used and the apps register as Wagtail
means them to. The stand-ins are removed as soon as ``ready()`` returns, so a later import
gets Wagtail's own module. Should a Wagtail release import another module of the v3 API
from one of these ``ready()``, the real one is imported (the memory comes back) and
``tests/test_wagtail_apps.py`` fails; should it import another name from one of the
stand-ins, or call another method of the API, the site fails to start with an
``ImportError`` or ``AttributeError`` naming it.

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
    """Within the block, importing one of ``STAND_INS``' modules gives a stand-in, unless one
    of them is already loaded (then the block changes nothing: stand-ins mixed with the real
    API would register ``None`` routers with it). Afterwards the stand-ins are gone from
    ``sys.modules``."""
    added = {}
    if set(STAND_INS) & set(sys.modules):
        yield
        return
    for name, attributes in STAND_INS.items():
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


class _ReadyWithoutAPIv3:
    """Before a Wagtail app configuration in the bases: its ``ready()``, with stand-ins."""

    def ready(self):
        with without_api_v3_registration():
            super().ready()


class ImagesConfig(_ReadyWithoutAPIv3, WagtailImagesAppConfig):
    pass


class DocumentsConfig(_ReadyWithoutAPIv3, WagtailDocsAppConfig):
    pass


class SnippetsConfig(_ReadyWithoutAPIv3, WagtailSnippetsAppConfig):
    pass


class RedirectsConfig(_ReadyWithoutAPIv3, WagtailRedirectsAppConfig):
    pass


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
    from django.apps import apps

    if not any(isinstance(config, _ReadyWithoutAPIv3) for config in apps.get_app_configs()):
        return []
    if API_V3_NAMESPACE not in set(_namespaces(get_resolver())):
        return []
    return [
        checks.Error(
            "Wagtail's v3 API is mounted, but lms.wagtail_apps keeps Wagtail's images, "
            "documents, snippets and redirects apps from registering with it.",
            hint=(
                "List Wagtail's own app configurations in INSTALLED_APPS (wagtail.images, "
                "wagtail.documents, wagtail.snippets, wagtail.contrib.redirects) instead of "
                "the classes of lms.wagtail_apps, or remove the API from the URLconf."
            ),
            id="lms.E001",
        )
    ]
