"""The demo: factories in Vietnam and Jordan with two published cycles, a plan in
progress, a visit and monthly figures; the instrument big enough to be real. Loaded twice,
it adds nothing the second time."""

import pytest

from compliance import demo
from compliance.models import (
    AdvisoryVisit,
    Assessment,
    Factory,
    InstrumentVersion,
    MonthlyFigures,
    PlanAction,
)
from lms.portal.demo import load_organisations, load_people

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_real_instrument_and_factories_with_two_published_cycles():
    load_organisations()
    load_people()
    demo.load()
    demo.load()

    global_version = InstrumentVersion.objects.canonical().get(country=None, name=demo.GLOBAL_NAME)
    questions = global_version.questions.all()
    assert questions.count() >= 150
    assert questions.values("compliance_point").distinct().count() >= 40
    assert questions.values("compliance_point__cluster").distinct().count() == 8
    references = " ".join(questions.values_list("legal_reference", flat=True))
    for convention in ("C029", "C087", "C098", "C100", "C105", "C111", "C138", "C155", "C182"):
        assert convention in references, convention

    for code in ("vn", "jo"):
        version = InstrumentVersion.objects.canonical().get(country__code=code)
        assert version.based_on == global_version
        assert version.is_frozen
        national = version.questions.filter(legal_source="national")
        assert national.count() > 150
        assert not national.filter(reference_is_example=False).exists()

    factories = Factory.objects.select_related("organisation__country")
    assert {f.organisation.country.code for f in factories} == {"vn", "jo"}
    for factory in factories:
        published = Assessment.objects.filter(factory=factory, state="published")
        assert published.count() == 2, factory
        assert factory.latest_published == published.order_by("-starts_on").first()
        assert MonthlyFigures.objects.filter(factory=factory).count() == 24
    assert PlanAction.objects.filter(status="in_progress").exists()
    assert AdvisoryVisit.objects.exists()
    assert Assessment.objects.filter(state="draft", kind="self").count() == 1
