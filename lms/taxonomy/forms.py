"""Choosing taxonomy terms in forms and filters: one entry per term, in the reader's language.

Each term has a row per language; other models point at the default-language row. Offering
every row lists "Egypt", "Ai Cập" and "مصر" as three countries, and choosing a translated row
puts the record outside every report filter (they key on the default row). These fields offer
only the default-language rows and label each with its name in the active language.
"""

import django_filters
from django import forms
from django.conf import settings
from django.utils.translation import get_language
from wagtail.admin.filters import WagtailFilterSet

from lms.request_values import key_or_zero
from lms.taxonomy.selectors import terms_in_language


def default_language_terms(model):
    """The rows other models point at; a lazy query (forms are built at import time)."""
    return model.objects.filter(locale__language_code=settings.LANGUAGE_CODE)


class TermLabelsMixin:
    """Labels a choice by its term's name in the active language (one lookup per language
    and field, however many choices)."""

    term_model = None

    def term_label(self, obj):
        language = get_language()
        cache = self.__dict__.setdefault("_term_names", {})
        if language not in cache:
            cache[language] = {
                code: term.name
                for code, term in terms_in_language(
                    model=self.term_model or type(obj), language_code=language
                ).items()
            }
        return cache[language].get(obj.code, obj.name)


class KeptTermChoiceField(forms.ChoiceField):
    """A term chosen by its code among the default-language rows, labelled in the active
    language, from the terms each process keeps: showing and checking the choice ask the
    database nothing once they are kept. Cleans to the default-language term, or None.
    ``offer()`` sets the choices (they need the database, which forms built at import time
    must not touch)."""

    def __init__(self, *, empty_label, **kwargs):
        super().__init__(required=False, **kwargs)
        self.empty_label = empty_label
        self.terms: dict[str, object] = {}

    def offer(self, model, *, only: int | None = None) -> None:
        """Offer the terms of ``model``; only the one with the id ``only`` when given (and
        then no empty choice)."""
        terms = terms_in_language(model=model, language_code=settings.LANGUAGE_CODE)
        self.terms = {code: term for code, term in terms.items() if only is None or term.pk == only}
        names = terms_in_language(
            model=model, language_code=get_language() or settings.LANGUAGE_CODE
        )
        labelled = sorted(
            (
                (code, names[code].name if code in names else term.name)
                for code, term in self.terms.items()
            ),
            key=lambda choice: choice[1],
        )
        empty = [] if only is not None else [("", self.empty_label)]
        self.choices = [*empty, *labelled]

    def clean(self, value):
        code = super().clean(value)
        return self.terms.get(code) if code else None


class TermChoiceField(TermLabelsMixin, forms.ModelChoiceField):
    def __init__(self, *, model, queryset=None, **kwargs):
        self.term_model = model
        if queryset is None:
            queryset = default_language_terms(model)
        super().__init__(queryset=queryset, **kwargs)

    def label_from_instance(self, obj):
        return self.term_label(obj)


class TermMultipleChoiceField(TermLabelsMixin, forms.ModelMultipleChoiceField):
    def __init__(self, *, model, queryset=None, **kwargs):
        self.term_model = model
        if queryset is None:
            queryset = default_language_terms(model)
        super().__init__(queryset=queryset, **kwargs)

    def label_from_instance(self, obj):
        return self.term_label(obj)


class TermFilterChoiceField(TermLabelsMixin, django_filters.fields.ModelChoiceField):
    """django-filter's field (it knows the "none" choice), labelled like ``TermChoiceField``."""

    def __init__(self, *args, model, **kwargs):
        self.term_model = model
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return self.term_label(obj)


class TermFilterMultipleChoiceField(
    TermLabelsMixin, django_filters.fields.ModelMultipleChoiceField
):
    def __init__(self, *args, model, **kwargs):
        self.term_model = model
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return self.term_label(obj)


class TermFilter(django_filters.ModelChoiceFilter):
    """A list filter on a taxonomy foreign key: one entry per term, in the reader's language."""

    field_class = TermFilterChoiceField

    def __init__(self, *args, model, **kwargs):
        kwargs.setdefault("queryset", default_language_terms(model))
        super().__init__(*args, model=model, **kwargs)


# --- every admin form and filter (issue 21.2) ----------------------------------------------
#
# Wagtail builds admin forms (pages, snippets, viewsets) through its registry of form field
# overrides: ``register_term_form_fields`` (called when the app is ready) makes every foreign
# key and many-to-many field to a term use the fields below, whatever room the model is in.


def canonical_pk(model, value):
    """The default-language row's pk for ``value`` (a pk or a row of any language)."""
    pk = getattr(value, "pk", value)
    if pk in (None, ""):
        return value
    if not hasattr(value, "pk") and not key_or_zero(pk):
        # Not a key any row can have ("abc", a NUL byte, forty digits): the field's own
        # validation refuses it as an invalid choice; the database is never asked.
        return value
    row = model._base_manager.filter(pk=pk).values("translation_key").first()
    if row is None:
        return value
    canonical = default_language_terms(model).filter(translation_key=row["translation_key"])
    return canonical.values_list("pk", flat=True).first() or value


class AnyTermChoiceField(TermLabelsMixin, forms.ModelChoiceField):
    """A foreign key to a term in an admin form: default-language rows, labelled in the
    editor's language. A row that already points at another language's copy (e.g. one
    translated by wagtail-localize) shows, and saves, its default-language term."""

    def __init__(self, *args, queryset, **kwargs):
        self.term_model = queryset.model
        super().__init__(
            *args, queryset=queryset & default_language_terms(queryset.model), **kwargs
        )

    def label_from_instance(self, obj):
        return self.term_label(obj)

    def prepare_value(self, value):
        # The choices are rows already (one call each, no query); the form's initial value
        # is a pk, looked up once.
        if hasattr(value, "_meta") or value in (None, "") or isinstance(value, list | tuple):
            return super().prepare_value(value)
        return canonical_pk(self.term_model, value)

    def to_python(self, value):
        if value not in self.empty_values:
            value = canonical_pk(self.term_model, value)
        return super().to_python(value)


class AnyTermMultipleChoiceField(TermLabelsMixin, forms.ModelMultipleChoiceField):
    def __init__(self, *args, queryset, **kwargs):
        self.term_model = queryset.model
        super().__init__(
            *args, queryset=queryset & default_language_terms(queryset.model), **kwargs
        )

    def label_from_instance(self, obj):
        return self.term_label(obj)


AnyTermFormField = {"form_class": AnyTermChoiceField}


def register_term_form_fields():
    from django.db import models
    from wagtail.admin.forms.models import register_form_field_override

    from lms.taxonomy.models import Term

    def terms_only(field_class):
        def override(db_field):
            if issubclass(db_field.related_model, Term):
                return {"form_class": field_class}
            return {}

        return override

    register_form_field_override(models.ForeignKey, to=Term, override=AnyTermFormField)
    register_form_field_override(
        models.ManyToManyField, override=terms_only(AnyTermMultipleChoiceField)
    )


def term_filters(filters) -> None:
    """Make every filter on a term offer one entry per term, in the reader's language."""
    from lms.taxonomy.models import Term

    for filter_ in filters.values():
        queryset = getattr(filter_, "queryset", None)
        if queryset is None or callable(queryset) or not issubclass(queryset.model, Term):
            continue
        multiple = isinstance(filter_, django_filters.ModelMultipleChoiceFilter)
        filter_.field_class = TermFilterMultipleChoiceField if multiple else TermFilterChoiceField
        filter_.extra["model"] = queryset.model
        filter_.queryset = default_language_terms(queryset.model)


class TermFilterSet(WagtailFilterSet):
    """The base of admin list filters outside the country-scoped sections."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        term_filters(self.filters)
