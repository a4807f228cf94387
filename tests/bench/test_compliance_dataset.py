"""The compliance bench data set, at a small size: every factory with its published cycles,
every question answered, results per point that agree with the answers, and the pages the
bench measures answering with a constant number of queries."""

import pytest
from django.db.models import Count, Q, Sum

from bench.datasets.compliance import compliance_data_build
from compliance.models import Assessment, Factory, Finding, PointResult

pytestmark = pytest.mark.django_db


def test_the_data_set_is_complete_and_its_derived_results_agree():
    compliance_data_build(factories=4, cycles=3, questions=50)
    compliance_data_build(factories=4, cycles=3, questions=50)  # nothing twice
    factories = Factory.objects.filter(organisation__name__startswith="Bench Factory ")
    assert factories.count() == 4
    assert Assessment.objects.filter(factory__in=factories, state="published").count() == 12
    assert Finding.objects.filter(assessment__factory__in=factories).count() == 4 * 3 * 50
    for factory in factories:
        assert factory.latest_published.cycle == 3
    derived = PointResult.objects.aggregate(n=Sum("questions_non_compliant"))["n"]
    assert derived == Finding.objects.filter(is_non_compliant=True).count()
    per_assessment = PointResult.objects.values("assessment").annotate(n=Count("pk"))
    assert {row["n"] for row in per_assessment} == {40}
    assert PointResult.objects.filter(~Q(questions_answered__gt=0)).count() == 0


def test_monthly_figures_cover_every_month_once_and_stay_plausible():
    from bench.datasets.compliance import monthly_figures_build
    from compliance.models import MonthlyFigures

    compliance_data_build(factories=3, cycles=1, questions=10)
    assert monthly_figures_build(years=2) == {"factories": 3, "rows": 3 * 24}
    assert monthly_figures_build(years=2)["rows"] == 0  # nothing twice
    figures = MonthlyFigures.objects.all()
    assert figures.values("factory", "month").distinct().count() == 72
    for item in figures:
        item.full_clean()  # within the ranges the form accepts
