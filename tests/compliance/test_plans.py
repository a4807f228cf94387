"""Improvement plans and advisory services: the plan made from a published assessment, its
actions and their status, evidence, the committee, visits and the overdue reminders."""

import datetime
import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from compliance import plans
from compliance.models import ImprovementPlan, PlanAction
from compliance.tasks import overdue_actions_remind
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.compliance.factories import (
    CommitteeMemberFactory,
    FactoryFactory,
    PlanActionFactory,
    assessment,
    published_assessment,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def advisor():
    return UserFactory(roles=["enterprise_advisor"])


@pytest.fixture
def factory_(advisor):
    return FactoryFactory(advisors=[advisor])


@pytest.fixture
def published(factory_):
    return published_assessment(factory_, non_compliant_codes=("Q.1", "Q.2", "Q.4"))


@pytest.fixture
def member(factory_):
    return CommitteeMemberFactory(factory=factory_, user=UserFactory())


@pytest.fixture
def plan(published, advisor):
    return plans.plan_create(assessment=published, user=advisor)


def _finding(assessment_, code):
    return assessment_.findings.get(question__code=code)


def _png(name="photo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_a_plan_is_made_only_from_a_published_assessment(factory_, advisor):
    draft = assessment(factory_)
    with pytest.raises(ValidationError, match="published"):
        plans.plan_create(assessment=draft, user=advisor)
    assert not ImprovementPlan.objects.exists()


def test_asking_twice_for_a_plan_returns_the_same_plan(published, advisor):
    first = plans.plan_create(assessment=published, user=advisor)
    again = plans.plan_create(assessment=published, user=advisor)
    assert first.pk == again.pk
    assert ImprovementPlan.objects.count() == 1
    assert first.title
    assert first.status == ImprovementPlan.Status.ACTIVE


def test_a_new_plan_closes_the_one_before(factory_, published, advisor):
    older = plans.plan_create(assessment=published, user=advisor)
    later = published_assessment(factory_, starts_on=datetime.date(2027, 3, 1))
    newer = plans.plan_create(assessment=later, user=advisor)
    older.refresh_from_db()
    assert older.status == ImprovementPlan.Status.CLOSED
    assert newer.status == ImprovementPlan.Status.ACTIVE


def test_an_action_against_a_non_compliance_takes_its_compliance_point(plan, published, member):
    finding = _finding(published, "Q.2")
    action = plans.action_create(
        plan=plan,
        user=None,
        finding=finding,
        description="Remove the locks on the dormitory doors.",
        due_on=timezone.localdate() + datetime.timedelta(days=14),
        responsible=member,
    )
    assert action.compliance_point_id == finding.question.compliance_point_id
    assert action.status == PlanAction.Status.OPEN


def test_an_action_is_refused_for_a_compliant_answer_a_past_date_or_no_one_responsible(
    plan, published
):
    with pytest.raises(ValidationError) as error:
        plans.action_create(
            plan=plan,
            user=None,
            finding=_finding(published, "Q.3"),
            description="Nothing to do.",
            due_on=timezone.localdate() - datetime.timedelta(days=1),
        )
    assert set(error.value.message_dict) == {"finding", "due_on", "responsible"}
    assert not PlanAction.objects.exists()


def test_the_responsible_person_must_sit_on_this_factorys_committee(plan, published):
    stranger = CommitteeMemberFactory()  # another factory's committee
    with pytest.raises(ValidationError) as error:
        plans.action_create(
            plan=plan,
            user=None,
            finding=_finding(published, "Q.1"),
            description="Check the ages of every worker.",
            due_on=timezone.localdate(),
            responsible=stranger,
        )
    assert "responsible" in error.value.message_dict


def test_a_finding_of_another_assessment_is_refused(plan, factory_):
    other = published_assessment(non_compliant_codes=("Q.1",))
    with pytest.raises(ValidationError, match="non-compliance of the plan"):
        plans.action_create(
            plan=plan,
            user=None,
            finding=_finding(other, "Q.1"),
            description="x",
            due_on=timezone.localdate(),
            responsible_name="HR manager",
        )


def test_the_committee_moves_an_action_to_done_and_only_the_advisor_verifies(plan, member, advisor):
    action = PlanActionFactory(plan=plan, responsible=member)
    manager = member.user
    action = plans.action_status_set(action=action, status="in_progress", user=manager)
    action = plans.action_status_set(action=action, status="done", user=manager)
    assert action.done_on == timezone.localdate()
    with pytest.raises(ValidationError, match="advisor"):
        plans.action_status_set(action=action, status="verified", user=manager)
    action = plans.action_status_set(action=action, status="verified", user=advisor)
    assert action.verified_by == advisor
    assert action.verified_at is not None
    with pytest.raises(ValidationError, match="advisor"):
        plans.action_status_set(action=action, status="in_progress", user=manager)


def test_an_action_cannot_jump_from_open_to_verified(plan, advisor):
    action = PlanActionFactory(plan=plan)
    with pytest.raises(ValidationError, match="cannot become"):
        plans.action_status_set(action=action, status="verified", user=advisor)


def test_the_same_status_sent_twice_changes_nothing(plan, advisor):
    action = PlanActionFactory(plan=plan)
    done = plans.action_status_set(action=action, status="done", user=advisor)
    again = plans.action_status_set(action=action, status="done", user=advisor)
    assert again.done_on == done.done_on
    assert again.status == "done"


def test_reopening_an_action_clears_its_done_date(plan, advisor):
    action = PlanActionFactory(plan=plan)
    plans.action_status_set(action=action, status="done", user=advisor)
    reopened = plans.action_status_set(action=action, status="in_progress", user=advisor)
    assert reopened.done_on is None


def test_a_closed_plan_cannot_change(plan, advisor):
    action = PlanActionFactory(plan=plan)
    ImprovementPlan.objects.filter(pk=plan.pk).update(status=ImprovementPlan.Status.CLOSED)
    action.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        plans.action_status_set(action=action, status="done", user=advisor)


def test_evidence_is_checked_by_the_upload_checker(plan, advisor):
    action = PlanActionFactory(plan=plan)
    evidence = plans.action_evidence_add(action=action, file=_png(), user=advisor, caption="Exit")
    assert evidence.content_type == "image/png"
    assert evidence.action == action
    fake = SimpleUploadedFile("exit.png", b"not a picture at all", content_type="image/png")
    with pytest.raises(ValidationError):
        plans.action_evidence_add(action=action, file=fake, user=advisor)
    assert action.evidence.count() == 1


def test_committee_members_are_recorded_with_side_and_gender(factory_):
    member = plans.committee_member_add(
        factory=factory_, name="Nguyen Thi Lan", side="workers", gender="woman"
    )
    assert member.is_active
    with pytest.raises(ValidationError):
        plans.committee_member_add(factory=factory_, name="X", side="owners", gender="woman")
    plans.committee_member_leave(member=member)
    assert not member.is_active


def test_a_visit_records_attendees_topics_and_the_actions_reviewed(factory_, plan, member, advisor):
    action = PlanActionFactory(plan=plan)
    point = action.plan.assessment.findings.first().question.compliance_point
    visit = plans.visit_log(
        factory=factory_,
        advisor=advisor,
        visited_on=timezone.localdate(),
        attendees=[member],
        topics=[point],
        notes="Walked the exits with the committee.",
        actions_reviewed=[action],
    )
    assert list(visit.attendees.all()) == [member]
    assert list(visit.actions_reviewed.all()) == [action]
    assert list(visit.topics.all()) == [point]


def test_a_visit_in_the_future_or_with_another_factorys_people_is_refused(factory_, advisor):
    stranger = CommitteeMemberFactory()
    elsewhere = PlanActionFactory()
    with pytest.raises(ValidationError) as error:
        plans.visit_log(
            factory=factory_,
            advisor=advisor,
            visited_on=timezone.localdate() + datetime.timedelta(days=2),
            attendees=[stranger],
            actions_reviewed=[elsewhere],
        )
    assert set(error.value.message_dict) == {"visited_on", "attendees", "actions_reviewed"}


# --- reminders ---------------------------------------------------------------------------------


@pytest.fixture
def overdue(plan, member):
    manager = UserFactory(
        organisation=plan.factory.organisation, roles=["manager"], preferred_language="en"
    )
    action = PlanActionFactory(plan=plan, responsible=member)
    PlanAction.objects.filter(pk=action.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=3)
    )
    return action, manager


def test_overdue_actions_are_reminded_to_the_advisor_managers_and_the_responsible(
    overdue, advisor, member
):
    action, manager = overdue
    not_due = PlanActionFactory(plan=action.plan, description="Train the fire wardens.")
    sent = plans.overdue_reminders_send()
    assert sent == 3
    assert {m.to[0] for m in mail.outbox} == {advisor.email, manager.email, member.user.email}
    assert action.description[:40] in mail.outbox[0].body
    assert not_due.description not in mail.outbox[0].body
    assert "overdue" in mail.outbox[0].subject


def test_a_retried_reminder_run_never_sends_twice(overdue):
    assert overdue_actions_remind() == 3
    assert overdue_actions_remind() == 0
    assert len(mail.outbox) == 3


def test_an_action_still_overdue_is_reminded_again_after_a_week(overdue):
    today = timezone.localdate()
    plans.overdue_reminders_send(today=today)
    assert plans.overdue_reminders_send(today=today + datetime.timedelta(days=6)) == 0
    assert plans.overdue_reminders_send(today=today + datetime.timedelta(days=7)) == 3


def test_done_actions_and_closed_plans_are_not_reminded(overdue):
    action, _manager = overdue
    PlanAction.objects.filter(pk=action.pk).update(status=PlanAction.Status.DONE)
    assert plans.overdue_reminders_send() == 0
    PlanAction.objects.filter(pk=action.pk).update(status=PlanAction.Status.OPEN)
    ImprovementPlan.objects.update(status=ImprovementPlan.Status.CLOSED)
    assert plans.overdue_reminders_send() == 0
    assert mail.outbox == []


def test_a_factory_without_anyone_to_email_claims_nothing_twice():
    plan = plans.plan_create(
        assessment=published_assessment(
            FactoryFactory(organisation=OrganisationFactory()), non_compliant_codes=("Q.1",)
        ),
        user=None,
    )
    action = PlanActionFactory(plan=plan, responsible_name="Maintenance")
    PlanAction.objects.filter(pk=action.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert plans.overdue_reminders_send() == 0
    action.refresh_from_db()
    assert action.last_reminded_on == timezone.localdate()


def test_each_reminder_speaks_its_recipients_language(plan):
    manager = UserFactory(
        organisation=plan.factory.organisation, roles=["manager"], preferred_language="vi"
    )
    action = PlanActionFactory(plan=plan, responsible_name="Bảo trì")
    PlanAction.objects.filter(pk=action.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=2)
    )
    plans.overdue_reminders_send()
    to_manager = next(m for m in mail.outbox if m.to == [manager.email])
    assert "hành động cải thiện đã quá hạn" in to_manager.subject
    assert "/vi/factories/" in to_manager.body
