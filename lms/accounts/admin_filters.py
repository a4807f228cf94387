"""The list filters of country-scoped admin listings: choices limited to the viewer's country,
taxonomy terms offered once each in the viewer's language."""

import django_filters
from wagtail.admin.filters import WagtailFilterSet

from lms.accounts.admin_forms import queryset_in_scope
from lms.accounts.selectors import country_scope
from lms.taxonomy.forms import (
    TermFilterChoiceField,
    TermFilterMultipleChoiceField,
    default_language_terms,
)
from lms.taxonomy.models import Term


def scope_filters(filters, user) -> None:
    scope = country_scope(user) if user is not None else False
    for filter_ in filters.values():
        queryset = getattr(filter_, "queryset", None)
        if queryset is None or callable(queryset):
            continue
        model = queryset.model
        if issubclass(model, Term):
            queryset = default_language_terms(model)
            multiple = isinstance(filter_, django_filters.ModelMultipleChoiceFilter)
            filter_.field_class = (
                TermFilterMultipleChoiceField if multiple else TermFilterChoiceField
            )
            filter_.extra["model"] = model
        if scope is not None:
            queryset = queryset_in_scope(queryset, scope)
        filter_.queryset = queryset


class CountryScopedFilterSet(WagtailFilterSet):
    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        scope_filters(self.filters, getattr(request, "user", None))
