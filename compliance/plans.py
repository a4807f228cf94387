"""Write-side rules of improvement plans and advisory services: a plan made from a published
assessment, its actions (one per non-compliance, with a responsible person, a due date, a
status and evidence), the bipartite committee, advisory visits, and the reminders of overdue
actions (each reminder claimed before it is sent, so a retried task never sends it twice)."""

import datetime
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from compliance import notifications, plan_permissions
from compliance.models import (
    AdvisoryVisit,
    Assessment,
    CommitteeMember,
    Factory,
    Finding,
    ImprovementPlan,
    PlanAction,
)
from compliance.recommendations import training_links_refresh
from compliance.services import evidence_add
from lms.accounts.models import Role, User

# An overdue action is reminded again after this many days while it stays overdue.
REMINDER_INTERVAL_DAYS = 7
OPEN_STATES = (PlanAction.Status.OPEN, PlanAction.Status.IN_PROGRESS)


# --- plans -----------------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, assessment: Assessment, user, title: str = "") -> ImprovementPlan:
    """The improvement plan for the findings of a published assessment (once: asking again
    returns the plan already made), and the training recommended for its non-compliances."""
    if assessment.state != Assessment.State.PUBLISHED:
        raise ValidationError(
            _("A plan is made from the findings of a published assessment."), code="state"
        )
    Factory.objects.select_for_update().filter(pk=assessment.factory_id).first()
    plan = ImprovementPlan.objects.filter(assessment=assessment).first()
    if plan is not None:
        return plan
    title = (title or "").strip() or str(
        _("Improvement plan after the assessment of %(date)s")
        % {"date": assessment.starts_on.isoformat()}
    )
    plan = ImprovementPlan(
        factory=assessment.factory, assessment=assessment, title=title[:200], created_by=user
    )
    plan.full_clean()
    plan.save()
    # An earlier plan stays readable, but the committee works on one plan at a time.
    ImprovementPlan.objects.filter(
        factory=assessment.factory, status=ImprovementPlan.Status.ACTIVE
    ).exclude(pk=plan.pk).update(status=ImprovementPlan.Status.CLOSED)
    training_links_refresh(factory=assessment.factory, assessment=assessment)
    return plan


def _refuse_unless_active(plan: ImprovementPlan):
    if plan.status != ImprovementPlan.Status.ACTIVE:
        raise ValidationError(_("This plan is closed: it can no longer change."), code="closed")


@transaction.atomic
def action_create(
    *,
    plan: ImprovementPlan,
    user,
    description: str,
    due_on: datetime.date,
    finding: Finding | None = None,
    compliance_point=None,
    responsible: CommitteeMember | None = None,
    responsible_name: str = "",
) -> PlanAction:
    """An action of the plan, against one non-compliant finding of the plan's assessment
    (or a compliance point, for an action the committee adds itself)."""
    _refuse_unless_active(plan)
    errors = {}
    if finding is not None:
        if finding.assessment_id != plan.assessment_id or not finding.is_non_compliant:
            errors["finding"] = _("Choose a non-compliance of the plan's assessment.")
        else:
            compliance_point = finding.question.compliance_point
    if responsible is not None and (
        responsible.factory_id != plan.factory_id or not responsible.is_active
    ):
        errors["responsible"] = _("Choose a current member of this factory's committee.")
    responsible_name = (responsible_name or "").strip()
    if responsible is None and not responsible_name:
        errors["responsible"] = _("Name the person responsible for this action.")
    if due_on and due_on < timezone.localdate():
        errors["due_on"] = _("The due date cannot be in the past.")
    if errors:
        raise ValidationError(errors)
    action = PlanAction(
        plan=plan,
        finding=finding,
        compliance_point=compliance_point,
        description=(description or "").strip(),
        responsible=responsible,
        responsible_name="" if responsible is not None else responsible_name,
        due_on=due_on,
    )
    action.full_clean()
    action.save()
    return action


# Which status may follow which; "verified" only by the advisor (or programme staff).
NEXT_STATES = {
    PlanAction.Status.OPEN: {PlanAction.Status.IN_PROGRESS, PlanAction.Status.DONE},
    PlanAction.Status.IN_PROGRESS: {PlanAction.Status.OPEN, PlanAction.Status.DONE},
    PlanAction.Status.DONE: {PlanAction.Status.IN_PROGRESS, PlanAction.Status.VERIFIED},
    PlanAction.Status.VERIFIED: {PlanAction.Status.IN_PROGRESS},
}


@transaction.atomic
def action_status_set(*, action: PlanAction, status: str, user) -> PlanAction:
    """Move an action on. Asking for the status it already has changes nothing (a form sent
    twice); verifying, or taking a verification back, is the advisor's."""
    locked = PlanAction.objects.select_for_update().get(pk=action.pk)
    _refuse_unless_active(locked.plan)
    if status not in PlanAction.Status.values:
        raise ValidationError({"status": _("Choose a status from the list.")}, code="status")
    if locked.status == status:
        return locked
    factory = locked.plan.factory
    if PlanAction.Status.VERIFIED in (status, locked.status) and not plan_permissions.can_verify(
        user, factory
    ):
        raise ValidationError(
            {"status": _("Only the factory's advisor confirms that an action is done.")},
            code="verify",
        )
    if status not in NEXT_STATES[locked.status]:
        raise ValidationError(
            {
                "status": _("An action that is “%(current)s” cannot become “%(target)s”.")
                % {
                    "current": locked.get_status_display(),
                    "target": PlanAction.Status(status).label,
                }
            },
            code="transition",
        )
    today = timezone.localdate()
    locked.status = status
    if status == PlanAction.Status.DONE:
        locked.done_on = locked.done_on or today
    elif status == PlanAction.Status.VERIFIED:
        locked.verified_by = user
        locked.verified_at = timezone.now()
    if status in OPEN_STATES:
        locked.done_on = None
    if status != PlanAction.Status.VERIFIED:
        locked.verified_by = None
        locked.verified_at = None
    locked.save(update_fields=["status", "done_on", "verified_by", "verified_at", "updated_at"])
    return locked


def action_evidence_add(*, action: PlanAction, file, user, caption: str = ""):
    """A photo or document showing the action done, through the one upload checker."""
    _refuse_unless_active(action.plan)
    return evidence_add(file=file, user=user, action=action, caption=caption)


# --- the committee ---------------------------------------------------------------------------


def committee_member_add(
    *,
    factory: Factory,
    name: str,
    side: str,
    gender: str,
    position: str = "",
    joined_on: datetime.date | None = None,
    user: User | None = None,
) -> CommitteeMember:
    member = CommitteeMember(
        factory=factory,
        name=(name or "").strip(),
        side=side,
        gender=gender,
        position=(position or "").strip(),
        joined_on=joined_on,
        user=user,
    )
    member.full_clean()
    member.save()
    return member


def committee_member_leave(*, member: CommitteeMember, left_on: datetime.date | None = None):
    """The member leaves the committee; the actions they were responsible for keep their name."""
    if member.left_on is None:
        member.left_on = left_on or timezone.localdate()
        member.save(update_fields=["left_on"])
    return member


# --- advisory visits -------------------------------------------------------------------------


@transaction.atomic
def visit_log(
    *,
    factory: Factory,
    advisor,
    visited_on: datetime.date,
    attendees=(),
    other_attendees: str = "",
    topics=(),
    notes: str = "",
    actions_reviewed=(),
) -> AdvisoryVisit:
    """Record an advisory visit: who attended, the topics, notes and the actions reviewed."""
    errors = {}
    if visited_on and visited_on > timezone.localdate():
        errors["visited_on"] = _("A visit is logged after it happened: the date is in the future.")
    attendees, actions_reviewed = list(attendees), list(actions_reviewed)
    if any(member.factory_id != factory.pk for member in attendees):
        errors["attendees"] = _("Choose members of this factory's committee.")
    if any(action.plan.factory_id != factory.pk for action in actions_reviewed):
        errors["actions_reviewed"] = _("Choose actions of this factory's plans.")
    if not attendees and not (other_attendees or "").strip():
        errors["attendees"] = _("Say who attended the visit.")
    if errors:
        raise ValidationError(errors)
    visit = AdvisoryVisit(
        factory=factory,
        advisor=advisor,
        visited_on=visited_on,
        other_attendees=(other_attendees or "").strip(),
        notes=(notes or "").strip(),
    )
    visit.full_clean()
    visit.save()
    visit.attendees.set(attendees)
    visit.topics.set(list(topics))
    visit.actions_reviewed.set(actions_reviewed)
    return visit


# --- reminders of overdue actions ------------------------------------------------------------


def overdue_actions_due(*, today: datetime.date):
    """Actions past their due date, not done, in an active plan, not reminded in the last
    week."""
    return PlanAction.objects.filter(
        Q(last_reminded_on__isnull=True)
        | Q(last_reminded_on__lte=today - datetime.timedelta(days=REMINDER_INTERVAL_DAYS)),
        status__in=OPEN_STATES,
        due_on__lt=today,
        plan__status=ImprovementPlan.Status.ACTIVE,
    )


def _claim(action_id: int, *, today: datetime.date) -> bool:
    """Mark the reminder as sent before sending it: of two runs of the task (a retry, or two
    beat processes), only the one whose update changed the row sends."""
    claimed = overdue_actions_due(today=today).filter(pk=action_id)
    return bool(claimed.update(last_reminded_on=today))


def _recipients(factory: Factory, actions) -> set:
    people = set(factory.advisors.filter(is_active=True))
    people |= set(
        User.objects.filter(
            organisation_id=factory.organisation_id,
            roles__code=Role.Code.MANAGER,
            is_active=True,
        ).distinct()
    )
    people |= {
        action.responsible.user
        for action in actions
        if action.responsible and action.responsible.user and action.responsible.user.is_active
    }
    return {person for person in people if person.email}


def _absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def overdue_reminders_send(*, today: datetime.date | None = None) -> int:
    """Email each factory's advisors, managers and responsible people the actions now
    overdue; returns the number of emails sent."""
    today = today or timezone.localdate()
    claimed = defaultdict(list)
    for action in overdue_actions_due(today=today).select_related(
        "plan__factory__organisation", "responsible__user"
    ):
        if _claim(action.pk, today=today):
            claimed[action.plan.factory].append(action)
    sent = 0
    for factory, actions in claimed.items():
        for person in _recipients(factory, actions):
            language = person.preferred_language or settings.LANGUAGE_CODE
            with translation.override(language):
                link = _absolute(reverse("compliance:plan", args=[factory.pk]))
            notifications.notify(
                recipient=person,
                kind=notifications.OVERDUE_ACTIONS,
                key=f"factory:{factory.pk}:overdue:{today.isoformat()}",
                template="compliance/plans/email/overdue",
                context={"factory": factory, "actions": actions, "today": today, "link": link},
            )
            sent += 1
    return sent
