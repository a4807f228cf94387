"""Wagtail's images, documents, snippets and redirects apps are ready without registering
with its v3 API (``lms.wagtail_apps``, decision 0635): everything else they do when ready
still happens, the stand-ins leave no trace, and mounting the API is refused by a check."""

import sys
import weakref

import pytest
from django.apps import apps
from django.core import checks
from django.db.models import ForeignKey
from django.db.models.signals import post_migrate, post_save
from django.test import override_settings
from django.urls import include, path
from wagtail.admin.compare import comparison_class_registry
from wagtail.admin.forms.models import registry as form_field_overrides
from wagtail.admin.ui.fields import display_class_registry
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models.reference_index import ReferenceIndex
from wagtail.permissions import policy_registry
from wagtail.signals import page_slug_changed, post_page_move
from wagtail.snippets.models import get_snippet_models

from lms import wagtail_apps
from lms.wagtail_apps import STAND_INS, without_api_v3_registration

from .test_worker_imports import _fresh_worker_prints


def _receiver_names(signal, sender=None) -> set[str]:
    """The names of ``signal``'s live receivers (for ``sender`` only, if given)."""
    names = set()
    for (_receiver_key, sender_key), receiver, *_is_async in signal.receivers:
        if sender is not None and sender_key != id(sender):
            continue
        if isinstance(receiver, weakref.ReferenceType):
            receiver = receiver()
        names.add(getattr(receiver, "__name__", ""))
    return names


def _foreign_keys_to(target) -> list:
    return [
        field
        for model in apps.get_models()
        for field in model._meta.fields
        if isinstance(field, ForeignKey) and field.related_model is target
    ]


def test_the_four_apps_are_wagtails_own_configurations():
    for label, wagtail_config in [
        ("wagtailimages", "wagtail.images.apps.WagtailImagesAppConfig"),
        ("wagtaildocs", "wagtail.documents.apps.WagtailDocsAppConfig"),
        ("wagtailsnippets", "wagtail.snippets.apps.WagtailSnippetsAppConfig"),
        ("wagtailredirects", "wagtail.contrib.redirects.apps.WagtailRedirectsAppConfig"),
    ]:
        config = apps.get_app_config(label)
        bases = {f"{base.__module__}.{base.__qualname__}" for base in type(config).__mro__}
        assert wagtail_config in bases
        assert type(config).__module__ == "lms.wagtail_apps"
        assert apps.is_installed(config.name)


def test_what_the_apps_do_when_ready_still_happens():
    image_model = get_image_model()
    document_model = get_document_model()
    for model in (image_model, document_model, Redirect):
        assert type(policy_registry.get_by_type(model, fallback=False)).__module__.startswith(
            "wagtail."
        )
    assert ReferenceIndex.is_indexed(image_model)
    assert ReferenceIndex.is_indexed(document_model)

    image_fields = _foreign_keys_to(image_model)
    assert image_fields, "the site's pages and snippets have images"
    field = image_fields[0]
    assert form_field_overrides.get(field)["widget"].__name__ == "AdminImageChooser"
    assert comparison_class_registry.get(field).__name__ == "ImageFieldComparison"
    assert display_class_registry.get(field).__name__ == "ImageDisplay"
    document_fields = _foreign_keys_to(document_model)
    assert document_fields, "the site's course pages have documents"
    assert display_class_registry.get(document_fields[0]).__name__ == "DocumentDisplay"

    # Images' and redirects' signal handlers, deferred snippets, snippets' permissions.
    assert "post_save_image_feature_detection" in _receiver_names(post_save, image_model)
    assert "autocreate_redirects_on_page_move" in _receiver_names(post_page_move)
    assert "autocreate_redirects_on_slug_change" in _receiver_names(page_slug_changed)
    snippets = apps.get_app_config("wagtailsnippets")
    assert "create_extra_permissions" in _receiver_names(post_migrate, snippets)
    labels = {model._meta.label for model in get_snippet_models()}
    assert {"records.ActivityMapping", "reports.CoverageTarget"} <= labels


def test_a_process_loading_the_site_imports_nothing_of_the_v3_api():
    """In a new process: no module of Wagtail's v3 API or of an app's v3 router is loaded
    once the site and its URLconf are, no stand-in is left behind, and importing the API
    afterwards gives Wagtail's own module."""
    probe = (
        "import json, sys\n"
        "from lms.wsgi import application\n"
        "from django.urls import resolve\n"
        "resolve('/en/')\n"
        "loaded = sorted(name for name in sys.modules\n"
        "    if name.startswith('wagtail.api.v3') or '.api.v3' in name)\n"
        "from wagtail.api.v3.api import api\n"
        "print(json.dumps({'loaded': loaded, 'api': type(api).__name__,\n"
        "    'ninja': type(api).__module__.split('.')[0]}))\n"
    )
    found = _fresh_worker_prints(probe)
    assert found == {"loaded": [], "api": "NinjaAPI", "ninja": "ninja"}


@pytest.fixture
def no_api_v3_loaded(monkeypatch):
    """Whatever another test imported, none of the API's modules is loaded here."""
    for name in STAND_INS:
        monkeypatch.delitem(sys.modules, name, raising=False)


def test_stand_ins_answer_the_imports_only_within_the_block(no_api_v3_loaded):
    with without_api_v3_registration():
        from wagtail.images.api.v3.registry import register_content_types

        assert register_content_types() is None
        from wagtail.api.v3.api import api

        assert api.add_router("/images/", None) is None
    assert not set(STAND_INS) & set(sys.modules)


def test_stand_ins_are_removed_when_ready_fails(no_api_v3_loaded):
    def failing_ready():
        with without_api_v3_registration():
            assert "wagtail.contrib.redirects.api.v3" in sys.modules
            raise RuntimeError("ready() failed")

    with pytest.raises(RuntimeError):
        failing_ready()
    assert not set(STAND_INS) & set(sys.modules)


def test_with_the_api_already_loaded_no_stand_in_is_used(no_api_v3_loaded, monkeypatch):
    """Stand-ins beside the real API would add ``None`` routers to it: all or nothing."""
    real = type(sys)("wagtail.api.v3.api")
    real.api = "Wagtail's API"
    monkeypatch.setitem(sys.modules, "wagtail.api.v3.api", real)
    with without_api_v3_registration():
        from wagtail.api.v3.api import api

        assert api == "Wagtail's API"
        assert set(sys.modules) & set(STAND_INS) == {"wagtail.api.v3.api"}
    assert sys.modules["wagtail.api.v3.api"] is real


urlpatterns_with_api = [
    path("api/v3/", include(([], "wagtailapi_v3"), namespace="wagtailapi_v3")),
]
urlpatterns_nested_api = [
    path("<lang>/", include(([path("api/", include(([], "wagtailapi_v3")))], "site"))),
]


@pytest.mark.parametrize("urlconf", ["urlpatterns_with_api", "urlpatterns_nested_api"])
def test_mounting_the_v3_api_is_refused_with_a_way_out(urlconf):
    module = type(sys)(f"tests.urlconf_{urlconf}")
    module.urlpatterns = globals()[urlconf]
    sys.modules[module.__name__] = module
    try:
        with override_settings(ROOT_URLCONF=module.__name__):
            errors = wagtail_apps.api_v3_not_routed()
    finally:
        del sys.modules[module.__name__]
    assert [error.id for error in errors] == ["lms.E001"]
    assert "INSTALLED_APPS" in errors[0].hint


def test_the_check_holds_only_where_these_configurations_are_installed(monkeypatch):
    module = type(sys)("tests.urlconf_with_api_elsewhere")
    module.urlpatterns = urlpatterns_with_api
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setattr(wagtail_apps, "_ReadyWithoutAPIv3", type("Elsewhere", (), {}))
    with override_settings(ROOT_URLCONF=module.__name__):
        assert wagtail_apps.api_v3_not_routed() == []


def test_the_site_passes_the_check():
    assert wagtail_apps.api_v3_not_routed() == []
    assert "lms.E001" not in {message.id for message in checks.run_checks(tags=["urls"])}
