"""Needs drive training: what a non-compliance recommends, and the one step that enrols the
factory's managers or supervisors or adopts the policy."""

import pytest
from django.core.exceptions import ValidationError

from compliance import plans, recommendations
from compliance.models import TrainingLink
from courses.models import Enrolment, PolicyAdoption
from lms.taxonomy.models import CompliancePoint
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.compliance.factories import FactoryFactory, published_assessment
from tests.courses import factories as course_factories
from tests.media_library.factories import episode_page, series_page

pytestmark = pytest.mark.django_db


def _point(code):
    return CompliancePoint.objects.canonical().get(code=code)


def _tag(page, *, points=(), clusters=()):
    page.compliance_points.add(*[_point(code) for code in points])
    page.clusters.add(*clusters)
    page.save()
    return page


@pytest.fixture
def content(home_page):
    training = course_factories.section(home_page)
    seminar = _tag(course_factories.seminar(training, lessons=1), points=["coercion"])
    # A lesson of the seminar is tagged too, but a lesson alone is not recommended.
    _tag(seminar.get_children().first().specific, points=["coercion"])
    sst = _tag(course_factories.supervisor_training(training), points=["coercion"])
    policy = _tag(course_factories.policy(training), clusters=[_point("child-labourers").cluster])
    series = series_page(training)
    unrelated = _tag(episode_page(series), points=["regular-hours"])
    draft = _tag(course_factories.workbook(training, steps=1), points=["coercion"])
    draft.unpublish()
    return {
        "seminar": seminar,
        "sst": sst,
        "policy": policy,
        "unrelated": unrelated,
        "draft": draft,
    }


@pytest.fixture
def factory_():
    return FactoryFactory(organisation=OrganisationFactory())


@pytest.fixture
def plan(content, factory_):
    # Q.1 child-labourers, Q.2 coercion non-compliant; Q.3 regular-hours compliant.
    published = published_assessment(factory_, non_compliant_codes=("Q.1", "Q.2"))
    return plans.plan_create(assessment=published, user=None)


def _recommended(factory_):
    return {
        (link.page_id, link.compliance_point.code)
        for link in TrainingLink.objects.filter(factory=factory_).select_related("compliance_point")
    }


def test_each_non_compliant_point_recommends_the_content_tagged_with_it_or_its_cluster(
    plan, content, factory_
):
    assert _recommended(factory_) == {
        (content["seminar"].pk, "coercion"),
        (content["sst"].pk, "coercion"),
        (content["policy"].pk, "child-labourers"),
    }


def test_refreshing_adds_only_what_is_new_and_keeps_what_the_factory_decided(
    plan, content, factory_
):
    recommendations.training_dismiss(factory=factory_, page_id=content["sst"].pk, user=None)
    added = recommendations.training_links_refresh(factory=factory_, assessment=plan.assessment)
    assert added == 0
    assert TrainingLink.objects.get(page=content["sst"]).status == "dismissed"


@pytest.fixture
def staff(factory_):
    organisation = factory_.organisation
    return {
        "manager": UserFactory(organisation=organisation, roles=["manager"]),
        "supervisor": UserFactory(organisation=organisation, roles=["supervisor"]),
        "worker": UserFactory(organisation=organisation, roles=["worker"]),
        "elsewhere": UserFactory(roles=["manager"]),
    }


def test_one_step_enrols_the_factorys_managers_and_supervisors_once(plan, content, factory_, staff):
    advisor = UserFactory(roles=["enterprise_advisor"])
    seminar = content["seminar"]
    assert recommendations.training_take(factory=factory_, page_id=seminar.pk, user=advisor) == 2
    learners = set(Enrolment.objects.filter(course=seminar).values_list("learner", flat=True))
    assert learners == {staff["manager"].pk, staff["supervisor"].pk}
    # Sent again (a double click): nobody is enrolled twice.
    recommendations.training_take(factory=factory_, page_id=seminar.pk, user=advisor)
    assert Enrolment.objects.filter(course=seminar).count() == 2
    link = TrainingLink.objects.get(page=seminar)
    assert link.status == "taken"
    assert link.people_enrolled == 2
    assert link.acted_by == advisor


def test_supervisor_training_enrols_the_supervisors(plan, content, factory_, staff):
    recommendations.training_take(factory=factory_, page_id=content["sst"].pk, user=None)
    assert list(
        Enrolment.objects.filter(course=content["sst"]).values_list("learner", flat=True)
    ) == [staff["supervisor"].pk]


def test_one_step_adopts_the_model_policy(plan, content, factory_):
    policy = content["policy"]
    manager = UserFactory(organisation=factory_.organisation, roles=["manager"])
    assert recommendations.training_take(factory=factory_, page_id=policy.pk, user=manager) == 0
    adoption = PolicyAdoption.objects.get(organisation=factory_.organisation)
    assert adoption.version.page_id == policy.pk
    assert TrainingLink.objects.get(page=policy).status == "taken"


def test_a_factory_without_managers_is_told_to_add_them_first(plan, content, factory_):
    with pytest.raises(ValidationError, match="no managers or supervisors"):
        recommendations.training_take(factory=factory_, page_id=content["seminar"].pk, user=None)
    assert TrainingLink.objects.get(page=content["seminar"]).status == "recommended"


def test_training_not_recommended_to_the_factory_cannot_be_taken(plan, content, factory_):
    with pytest.raises(ValidationError, match="not recommended"):
        recommendations.training_take(factory=factory_, page_id=content["unrelated"].pk, user=None)
