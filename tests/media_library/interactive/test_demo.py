"""The demo's interactive content loads, plays (is processed) and loads again without copies."""

import pytest
from django.test import TestCase
from wagtail.models import Locale

from media_library.interactive import demo
from media_library.interactive.models import (
    H5PContent,
    InteractivePage,
    PackageStatus,
    ScormPackage,
)

pytestmark = pytest.mark.django_db


def test_the_demo_makes_three_quizzes_in_three_languages_and_a_scorm_module(home_page):
    for code in ("vi", "ar"):
        Locale.objects.get_or_create(language_code=code)
    with TestCase.captureOnCommitCallbacks(execute=True):
        demo.load()
    with TestCase.captureOnCommitCallbacks(execute=True):
        demo.load()
    assert H5PContent.objects.count() == 9
    assert set(H5PContent.objects.values_list("status", flat=True)) == {PackageStatus.READY}
    assert H5PContent.objects.filter(variant_of__isnull=False).count() == 6
    assert ScormPackage.objects.get().status == PackageStatus.READY
    pages = InteractivePage.objects.all()
    assert sorted(p.locale.language_code for p in pages) == ["ar", "en", "vi"]
    assert set(demo.demo_h5p_contents()) == {"rights", "working-time", "harassment"}
