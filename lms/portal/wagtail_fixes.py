"""Corrections to Wagtail's own views, applied once at start-up.

The admin's chooser views look an object up by the key in their address and treat only a
missing row as "not found": a key that cannot be a key at all (`abc`, a NUL byte for an integer
primary key) raised ValueError and answered 500 (found by tests/test_fuzz_routes.py). Such a
key names nothing, so it is a 404 like any other unknown one.
"""

from django.core.exceptions import ValidationError


def connect() -> None:
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
