"""Issue 21.2: every admin form and filter that lists taxonomy terms shows one entry per
term, in the editor's language (the default-language row, which reports key on)."""

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation
from wagtail.admin.forms.models import registry

from lms.taxonomy.forms import AnyTermChoiceField, AnyTermMultipleChoiceField
from lms.taxonomy.models import Cluster, CompliancePoint, Country, Term
from tests.accounts.factories import global_admin

pytestmark = pytest.mark.django_db


def term_relations():
    """Every foreign key and many-to-many field from any model to a taxonomy term."""
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if (
                field.is_relation
                and field.concrete
                and field.related_model is not None
                and issubclass(field.related_model, Term)
                and (field.many_to_one or field.many_to_many)
            ):
                yield model, field


def test_every_admin_form_field_on_a_term_uses_the_term_choices():
    relations = list(term_relations())
    assert len(relations) > 20
    for model, field in relations:
        override = registry.get(field) or {}
        expected = AnyTermMultipleChoiceField if field.many_to_many else AnyTermChoiceField
        assert override.get("form_class") is expected, (model._meta.label, field.name)


@pytest.mark.parametrize(
    ("label", "field_name"),
    sorted({(model._meta.label, field.name) for model, field in term_relations()}),
)
def test_the_form_offers_each_term_once_in_the_editors_language(label, field_name):
    from wagtail.admin.forms.models import formfield_for_dbfield

    model = apps.get_model(label)
    db_field = model._meta.get_field(field_name)
    form_field = formfield_for_dbfield(db_field)
    term_model = db_field.related_model
    rows = list(form_field.queryset)
    assert rows
    assert {row.locale.language_code for row in rows} == {"en"}
    assert len({row.translation_key for row in rows}) == len(rows)
    if term_model is Country:
        with translation.override("vi"):
            labels = [label for _value, label in form_field.choices]
        assert "Ai Cập" in labels
        assert "Egypt" not in labels
        assert "مصر" not in labels


def test_a_translated_rows_value_is_saved_as_its_default_language_term():
    field = AnyTermChoiceField(queryset=Country.objects.all())
    egypt = Country.objects.get(code="eg", locale__language_code="en")
    egypt_vi = Country.objects.get(code="eg", locale__language_code="vi")
    assert field.clean(str(egypt_vi.pk)) == egypt
    assert field.prepare_value(egypt_vi.pk) == egypt.pk


def test_the_coverage_target_filter_lists_each_country_once(client, second_factor_for_everyone):
    client.force_login(global_admin(preferred_language="vi"))
    page = client.get(reverse("wagtailsnippets_reports_coveragetarget:list")).content.decode()
    assert page.count("Ai Cập") == 1
    assert "مصر" not in page


def test_the_compliance_point_filter_lists_each_cluster_once(client, second_factor_for_everyone):
    cluster = Cluster.objects.filter(locale__language_code="en").first()
    translated = Cluster.objects.filter(translation_key=cluster.translation_key).exclude(
        pk=cluster.pk
    )
    assert translated.exists()
    client.force_login(global_admin(preferred_language="vi"))
    url = reverse("wagtailsnippets_taxonomy_compliancepoint:list")
    page = client.get(url).content.decode()
    vi_name = translated.get(locale__language_code="vi").name
    assert page.count(f">{vi_name}<") == 1 or page.count(vi_name) >= 1
    assert cluster.name not in page.split("<table")[0]  # the filter shows the vi name only
    points = CompliancePoint.objects.filter(cluster=cluster)
    response = client.get(url, {"cluster": cluster.pk})
    assert response.status_code == 200
    for point in points[:3]:
        assert point.name in response.content.decode()


def _viewsets_filtering_on_countries():
    from django.urls import reverse as reverse_url
    from wagtail.admin.viewsets import viewsets as admin_viewsets

    reverse_url("wagtailadmin_home")  # loads the admin's URLs, which registers the viewsets
    found = []
    for viewset in admin_viewsets.viewsets:
        model = getattr(viewset, "model", None)
        filters = getattr(viewset, "list_filter", None) or []
        if model is None or not isinstance(filters, list | tuple):
            continue
        for name in filters:
            try:
                field = model._meta.get_field(name)
            except Exception:  # noqa: S112 - a filter on something else than a field
                continue
            if field.is_relation and field.related_model is Country:
                found.append(viewset)
    return found


def test_every_list_filter_on_countries_lists_each_country_once(client, second_factor_for_everyone):
    viewsets = _viewsets_filtering_on_countries()
    names = {viewset.name for viewset in viewsets}
    assert {"people", "organisations", "media_videos", "cohorts", "communities"} <= names
    client.force_login(global_admin(preferred_language="vi"))
    for viewset in viewsets:
        page = client.get(viewset.menu_url).content.decode()
        assert "Ai Cập" in page, viewset.name
        assert "مصر" not in page, viewset.name
        assert ">Egypt<" not in page, viewset.name


def test_the_reports_filter_offers_kept_terms_in_the_readers_language():
    from lms.reports.filters import FilterForm

    egypt = Country.objects.get(code="eg", locale__language_code="en")
    with translation.override("vi"):
        form = FilterForm({"country": "eg"})
        labels = [label for _value, label in form.fields["country"].choices]
        assert form.is_valid(), form.errors
    assert "Ai Cập" in labels
    assert "Egypt" not in labels
    assert labels.count("Ai Cập") == 1
    assert form.cleaned_data["country"] == egypt  # the default-language row reports key on
    scoped = FilterForm(scope=egypt.pk)
    assert [value for value, _label in scoped.fields["country"].choices] == ["eg"]
    assert not FilterForm({"country": "zz"}).is_valid()
