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
