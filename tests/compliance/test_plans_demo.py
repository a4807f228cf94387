"""The plans demo: a plan in progress, an advisory visit and figures, loaded once."""

import pytest

from compliance import demo_plans
from compliance.models import AdvisoryVisit, ImprovementPlan, MonthlyFigures, PlanAction
from tests.accounts.factories import OrganisationFactory, UserFactory, country_staff
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db


def test_the_demo_shows_a_plan_in_progress_a_visit_and_figures_and_loads_once():
    OrganisationFactory(name="Dong Nai Footwear Ltd.", country=country("vn"))
    OrganisationFactory(name="Al-Hassan Apparel", country=country("jo"))
    country_staff("vn", username="staff.vn")
    UserFactory(username="advisor", country=country("jo"), roles=["enterprise_advisor"])
    UserFactory(username="admin", roles=["global_admin"])
    demo_plans.load()
    demo_plans.load()
    assert ImprovementPlan.objects.filter(status="active").count() == 2
    statuses = set(PlanAction.objects.values_list("status", flat=True))
    assert {"verified", "in_progress", "open"} <= statuses
    assert AdvisoryVisit.objects.count() == 2
    assert MonthlyFigures.objects.count() == 36
