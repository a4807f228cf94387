"""The plan, committee, visit and training pages: who may see and do what, bad input shown
back with its reason, CSRF, and queries that do not grow with the plan."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from compliance import plans
from compliance.models import AdvisoryVisit, CommitteeMember, Evidence, PlanAction, TrainingLink
from courses.models import Enrolment
from lms.taxonomy.models import CompliancePoint
from tests.accounts.factories import OrganisationFactory, UserFactory, country_staff
from tests.compliance.factories import (
    AdvisoryVisitFactory,
    CommitteeMemberFactory,
    FactoryFactory,
    ImprovementPlanFactory,
    PlanActionFactory,
    published_assessment,
)
from tests.courses import factories as course_factories
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(totp_for):
    advisor = totp_for(UserFactory(roles=["enterprise_advisor"]))
    factory_ = FactoryFactory(
        organisation=OrganisationFactory(country=country("vn")), advisors=[advisor]
    )
    organisation = factory_.organisation
    committee_user = UserFactory(organisation=organisation, roles=["worker"])
    member = CommitteeMemberFactory(factory=factory_, user=committee_user)
    other = FactoryFactory(organisation=OrganisationFactory(country=country("vn")))
    return {
        "factory": factory_,
        "member": member,
        "advisor": advisor,
        "manager": UserFactory(organisation=organisation, roles=["manager"]),
        "committee": committee_user,
        "worker": UserFactory(organisation=organisation, roles=["worker"]),
        "other_manager": UserFactory(organisation=other.organisation, roles=["manager"]),
        "other_advisor": totp_for(UserFactory(roles=["enterprise_advisor"])),
        "staff": totp_for(country_staff("vn")),
        "other_staff": totp_for(country_staff("jo")),
    }


@pytest.fixture
def plan(people):
    published = published_assessment(people["factory"], non_compliant_codes=("Q.1", "Q.2"))
    return plans.plan_create(assessment=published, user=people["advisor"])


def _url(name, factory_, *args):
    return reverse(f"compliance:{name}", args=[factory_.pk, *args])


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("manager", 200),
        ("committee", 200),
        ("advisor", 200),
        ("staff", 200),
        ("worker", 403),
        ("other_manager", 403),
        ("other_advisor", 403),
        ("other_staff", 403),
    ],
)
def test_who_sees_the_plan(people, plan, who, expected):
    response = _client(people[who]).get(_url("plan", people["factory"]))
    assert response.status_code == expected
    if expected == 200:
        assert plan.title in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(people, plan, client):
    for name in ("plan", "committee", "figures", "visit_create", "action_create"):
        response = client.get(_url(name, people["factory"]))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_an_advisor_without_a_second_factor_is_asked_to_set_one_up(people, plan):
    advisor = UserFactory(roles=["enterprise_advisor"])
    people["factory"].advisors.add(advisor)
    response = _client(advisor).get(_url("plan", people["factory"]))
    assert response.status_code == 302
    assert "/2fa/totp/activate/" in response["Location"]


def test_the_committee_adds_an_action_and_bad_input_comes_back_with_what_was_typed(people, plan):
    finding = plan.assessment.findings.get(question__code="Q.1")
    client = _client(people["committee"])
    url = f"{_url('action_create', people['factory'])}?finding={finding.pk}"
    response = client.post(
        url,
        {
            "finding": finding.pk,
            "description": "Check the ages of all workers against their ID cards.",
            "due_on": "2001-01-01",
            "responsible_name": "",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Check the ages of all workers" in page
    assert "cannot be in the past" in page
    assert "Name the person responsible" in page
    assert not PlanAction.objects.exists()
    due = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()
    response = client.post(
        url,
        {
            "finding": finding.pk,
            "description": "Check the ages of all workers against their ID cards.",
            "due_on": due,
            "responsible": people["member"].pk,
        },
    )
    assert response.status_code == 302
    action = PlanAction.objects.get()
    assert action.finding == finding
    assert action.responsible == people["member"]


def test_the_committee_cannot_verify_its_own_action_but_the_advisor_can(people, plan):
    action = PlanActionFactory(plan=plan, status=PlanAction.Status.DONE)
    url = _url("action_status", people["factory"], action.pk)
    response = _client(people["committee"]).post(url, {"status": "verified"}, follow=True)
    assert "Only the factory&#x27;s advisor" in response.content.decode()
    action.refresh_from_db()
    assert action.status == "done"
    _client(people["advisor"]).post(url, {"status": "verified"})
    action.refresh_from_db()
    assert action.status == "verified"
    assert action.verified_by == people["advisor"]


@pytest.mark.parametrize("who", ["worker", "other_manager", "other_staff"])
def test_others_cannot_change_an_action(people, plan, who):
    action = PlanActionFactory(plan=plan)
    response = _client(people[who]).post(
        _url("action_status", people["factory"], action.pk), {"status": "done"}
    )
    assert response.status_code == 403
    action.refresh_from_db()
    assert action.status == "open"


def test_an_action_of_another_factory_is_not_found_through_this_one(people, plan):
    elsewhere = PlanActionFactory()
    response = _client(people["advisor"]).post(
        _url("action_status", people["factory"], elsewhere.pk), {"status": "done"}
    )
    assert response.status_code == 404


def test_evidence_that_is_not_what_it_claims_is_refused_with_the_reason(people, plan):
    action = PlanActionFactory(plan=plan)
    fake = SimpleUploadedFile("exit.jpg", b"%PDF-1.4 not a picture", content_type="image/jpeg")
    response = _client(people["manager"]).post(
        _url("action_evidence", people["factory"], action.pk), {"file": fake, "caption": "x"}
    )
    assert response.status_code == 400
    assert "exit.jpg" in response.content.decode()
    assert not action.evidence.exists()


def test_writes_need_the_csrf_token(people, plan):
    action = PlanActionFactory(plan=plan)
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["manager"])
    response = client.post(_url("action_status", people["factory"], action.pk), {"status": "done"})
    assert response.status_code == 403
    action.refresh_from_db()
    assert action.status == "open"


def test_only_the_advisor_and_programme_staff_log_visits(people, plan):
    url = _url("visit_create", people["factory"])
    assert _client(people["manager"]).get(url).status_code == 403
    assert _client(people["other_advisor"]).get(url).status_code == 403
    response = _client(people["advisor"]).post(
        url,
        {
            "visited_on": timezone.localdate().isoformat(),
            "attendees": [people["member"].pk],
            "notes": "Reviewed the exits.",
        },
    )
    assert response.status_code == 302
    visit = AdvisoryVisit.objects.get()
    assert visit.advisor == people["advisor"]
    assert list(visit.attendees.all()) == [people["member"]]


def test_a_visit_without_anyone_present_is_refused_and_the_notes_kept(people, plan):
    response = _client(people["advisor"]).post(
        _url("visit_create", people["factory"]),
        {"visited_on": timezone.localdate().isoformat(), "notes": "Walked the floor."},
    )
    assert response.status_code == 400
    assert "Walked the floor." in response.content.decode()
    assert not AdvisoryVisit.objects.exists()


def test_the_committee_page_records_members_by_side_and_gender(people, plan):
    url = _url("committee", people["factory"])
    response = _client(people["manager"]).post(
        url, {"name": "Tran Van Minh", "side": "management", "gender": "man"}
    )
    assert response.status_code == 302
    assert CommitteeMember.objects.filter(name="Tran Van Minh", side="management").exists()
    assert _client(people["other_manager"]).post(url, {"name": "X"}).status_code == 403
    assert _client(people["worker"]).get(url).status_code == 403


def test_the_manager_enrols_managers_in_recommended_training_in_one_step(people, home_page):
    training = course_factories.section(home_page)
    seminar = course_factories.seminar(training, lessons=1)
    seminar.compliance_points.add(CompliancePoint.objects.canonical().get(code="coercion"))
    seminar.save()
    published = published_assessment(people["factory"], non_compliant_codes=("Q.2",))
    plans.plan_create(assessment=published, user=people["advisor"])
    assert TrainingLink.objects.filter(page=seminar).exists()
    url = _url("training_act", people["factory"], seminar.pk, "take")
    assert _client(people["other_manager"]).post(url).status_code == 403
    response = _client(people["manager"]).post(url, follow=True)
    assert response.status_code == 200
    assert Enrolment.objects.filter(course=seminar, learner=people["manager"]).exists()
    assert "Training: 1 taken of 1 recommended." in response.content.decode()


def test_a_visit_shows_who_came_what_it_covered_and_the_actions_it_reviewed(people, plan):
    earlier = PlanActionFactory(
        plan=ImprovementPlanFactory(factory=people["factory"], status="closed"),
        description="Repair the fire exit on floor two",
        due_on=timezone.localdate() + datetime.timedelta(days=40),
    )
    current = PlanActionFactory(
        plan=plan,
        description="Train the first-aid team",
        due_on=timezone.localdate() + datetime.timedelta(days=10),
    )
    gone = CommitteeMemberFactory(factory=people["factory"], name="Tran Thi Lan")
    gone.left_on = timezone.localdate()
    gone.save()
    visit = AdvisoryVisitFactory(factory=people["factory"], advisor=people["advisor"])
    visit.attendees.add(people["member"], gone)
    visit.topics.add(*CompliancePoint.objects.canonical().order_by("code")[:2])
    visit.actions_reviewed.add(current, earlier)
    response = _client(people["advisor"]).get(_url("plan", people["factory"]))
    (shown,) = [v for v in response.context["data"].visits if v.pk == visit.pk]
    assert sorted(shown.attendee_names) == sorted([people["member"].name, "Tran Thi Lan"])
    assert len(shown.topic_names) == 2
    assert [a.description for a in shown.reviewed] == [
        "Train the first-aid team",
        "Repair the fire exit on floor two",
    ]  # by due date
    page = response.content.decode()
    assert "Tran Thi Lan" in page
    assert "Repair the fire exit on floor two" in page
    assert all(name in page for name in shown.topic_names)
    # The member who left is not on the committee's list any more.
    assert "Tran Thi Lan" not in [m.name for m in response.context["data"].committee]


def _grow(people, plan, size):
    for n in range(size):
        action = PlanActionFactory(plan=plan, responsible=people["member"])
        CommitteeMemberFactory(factory=people["factory"])
        visit = AdvisoryVisitFactory(factory=people["factory"], advisor=people["advisor"])
        visit.attendees.add(people["member"])
        visit.actions_reviewed.add(action)
        Evidence.objects.create(
            action=action,
            file="compliance/evidence/x.png",
            original_name=f"exit-photo-{action.pk}.png",
            caption=f"Exit {action.pk} cleared",
            content_type="image/png",
            size=1,
        )
        if n % 2:
            plans.action_status_set(action=action, status="done", user=people["advisor"])


def test_the_plan_page_queries_stay_the_same_as_the_plan_grows(
    people, plan, django_assert_max_num_queries
):
    client = _client(people["advisor"])
    url = _url("plan", people["factory"])
    _grow(people, plan, 2)
    client.get(url)  # warm the per-process caches (locales, taxonomy terms)
    # Issue 14 asks ten at most: session, user, factory, plans, cycles, findings, actions,
    # training, visits, and one query for what the visits covered with the evidence files.
    with django_assert_max_num_queries(10) as small:
        assert client.get(url).status_code == 200
    _grow(people, plan, 12)
    with django_assert_max_num_queries(10) as large:
        response = client.get(url)
    page = response.content.decode()
    for action in plan.actions.all():
        assert f"exit-photo-{action.pk}.png" in page
        assert f"Exit {action.pk} cleared" in page
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_committee_starts_the_plan_from_the_published_assessment(people):
    published = published_assessment(people["factory"], non_compliant_codes=("Q.1",))
    url = _url("plan_start", people["factory"])
    assert _client(people["worker"]).post(url, {"assessment": published.pk}).status_code == 403
    assert _client(people["other_staff"]).post(url, {"assessment": published.pk}).status_code == 403
    response = _client(people["committee"]).post(url, {"assessment": published.pk}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "The improvement plan was started." in page
    assert "Add an action" in page
    assert people["factory"].improvement_plans.get().assessment == published
