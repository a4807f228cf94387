"""Corrections to Wagtail's own views, applied once at start-up.

The admin's chooser views look an object up by the key in their address and treat only a
missing row as "not found": a key that cannot be a key at all (`abc`, a NUL byte for an integer
primary key) raised ValueError and answered 500 (found by tests/test_fuzz_routes.py). Such a
key names nothing, so it is a 404 like any other unknown one.

The same holds where a form is shown again with what was sent (found by tests/crawl.py): an
admin chooser widget looked up a value that cannot be a key and answered 500 instead of
showing the form with its error, and a model choice field given a number too large for
SQLite's integers (40 digits) let OverflowError through where any other impossible key is
"not one of the choices". PostgreSQL refuses such numbers inside Django already.

The documents and images lists filter on a usage count through a range of decimals: forty
digits passed the form and overflowed SQLite's integers when the count was compared. A count
is a whole number within the database's integers, so the range's fields say so, and a number
outside them is a form error shown beside the filter (the list stays unfiltered).
"""

from django.core.exceptions import ValidationError


def connect() -> None:
    _chosen_views_answer_not_found()
    _chooser_widgets_show_nothing_for_an_impossible_key()
    _model_choices_refuse_numbers_too_large()
    _usage_count_filters_take_whole_numbers()


def _usage_count_filters_take_whole_numbers() -> None:
    from django import forms
    from django_filters.fields import RangeField
    from wagtail.admin.filters import BaseMediaFilterSet

    from lms.request_values import MAX_KEY

    class WholeNumberRangeField(RangeField):
        def __init__(self, fields=None, *args, **kwargs):
            bounds = {"min_value": -MAX_KEY, "max_value": MAX_KEY}
            fields = fields or (forms.IntegerField(**bounds), forms.IntegerField(**bounds))
            super().__init__(fields, *args, **kwargs)

    # The declared filter is one object shared by the documents' and the images' filter sets
    # (each instance deep-copies it), so setting its field class here reaches both.
    usage_count = BaseMediaFilterSet.declared_filters["usage_count"]
    usage_count.field_class = WholeNumberRangeField


def _chooser_widgets_show_nothing_for_an_impossible_key() -> None:
    from wagtail.admin.widgets.chooser import BaseChooser

    original = BaseChooser.get_instance
    if getattr(original, "ignores_impossible_keys", False):
        return

    def get_instance(self, value):
        try:
            return original(self, value)
        except (ValueError, TypeError, OverflowError, ValidationError):
            return None

    get_instance.ignores_impossible_keys = True
    BaseChooser.get_instance = get_instance


def _model_choices_refuse_numbers_too_large() -> None:
    from django.forms.models import ModelChoiceField, ModelMultipleChoiceField

    single = ModelChoiceField.to_python
    if getattr(single, "refuses_overflow", False):
        return

    def to_python(self, value):
        try:
            return single(self, value)
        except OverflowError:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            ) from None

    def check_values(self, value):
        try:
            return several(self, value)
        except OverflowError:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": "…"},
            ) from None

    several = ModelMultipleChoiceField._check_values
    to_python.refuses_overflow = True
    ModelChoiceField.to_python = to_python
    ModelMultipleChoiceField._check_values = check_values


def _chosen_views_answer_not_found() -> None:
    from wagtail.admin.views.generic.chooser import ChosenViewMixin

    original = ChosenViewMixin.get_object
    if getattr(original, "answers_not_found", False):
        return

    def get_object(self, pk):
        try:
            return original(self, pk)
        except (ValueError, TypeError, ValidationError) as error:
            raise self.model_class.DoesNotExist(str(error)) from error

    get_object.answers_not_found = True
    ChosenViewMixin.get_object = get_object
