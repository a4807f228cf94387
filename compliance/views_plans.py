"""Pages of a factory's improvement plan, committee, advisory visits, recommended training and
monthly figures. Each view checks who may see or do it (compliance.plan_permissions), then
calls one service or selector and renders. Every form works without JavaScript."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from compliance import indicators, plan_permissions, plan_selectors, plans, recommendations
from compliance.evidence import evidence_response
from compliance.forms_plans import (
    ActionForm,
    CommitteeMemberForm,
    EvidenceForm,
    FiguresForm,
    StatusForm,
    VisitForm,
)
from compliance.indicators import FIGURE_FIELDS
from compliance.models import (
    Assessment,
    CommitteeMember,
    Evidence,
    Factory,
    Finding,
    ImprovementPlan,
    PlanAction,
)
from compliance.permissions import require_second_factor_for_outsiders, with_relations_of
from lms.accounts.exposure import own_or_others_data
from lms.request_values import key_or_zero
from lms.taxonomy.models import CompliancePoint


def _second_factor(request, factory):
    """The second factor for outsiders, the same rule as the assessment pages
    (compliance.permissions); raises when it is missing."""
    require_second_factor_for_outsiders(request, factory)
    return


def _factory(request, pk, *, allowed=plan_permissions.can_view_plan) -> Factory:
    factory = get_object_or_404(
        with_relations_of(
            Factory.objects.select_related("organisation__country", "organisation__sector"),
            request.user,
        ),
        pk=pk,
    )
    if not allowed(request.user, factory):
        raise PermissionDenied
    require_second_factor_for_outsiders(request, factory)
    return factory


def _add_errors(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _active_plan(factory) -> ImprovementPlan:
    plan = (
        ImprovementPlan.objects.filter(factory=factory, status=ImprovementPlan.Status.ACTIVE)
        .order_by("-created_at")
        .first()
    )
    if plan is None:
        raise Http404
    return plan


def _action(factory, action_id) -> PlanAction:
    return get_object_or_404(
        PlanAction.objects.select_related("plan__factory"), pk=action_id, plan__factory=factory
    )


# --- the plan --------------------------------------------------------------------------------


@own_or_others_data
@login_required
@require_GET
def plan_detail(request, pk):
    factory = _factory(request, pk)
    if stop := _second_factor(request, factory):
        return stop
    page = plan_selectors.plan_page(factory=factory)
    user = request.user
    return render(
        request,
        "compliance/plans/plan.html",
        {
            "factory": factory,
            "data": page,
            "can_edit": plan_permissions.can_edit_plan(user, factory),
            "can_verify": plan_permissions.can_verify(user, factory),
            "can_log_visit": plan_permissions.can_log_visit(user, factory),
            "statuses": PlanAction.Status.choices,
        },
    )


@own_or_others_data
@login_required
@require_POST
def plan_start(request, pk):
    factory = _factory(request, pk, allowed=plan_permissions.can_edit_plan)
    if stop := _second_factor(request, factory):
        return stop
    assessment = get_object_or_404(
        Assessment, pk=key_or_zero(request.POST.get("assessment")), factory=factory
    )
    try:
        plans.plan_create(assessment=assessment, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The improvement plan was started."))
    return redirect("compliance:plan", pk=factory.pk)


@own_or_others_data
@login_required
@require_http_methods(["GET", "POST"])
def action_create(request, pk):
    factory = _factory(request, pk, allowed=plan_permissions.can_edit_plan)
    if stop := _second_factor(request, factory):
        return stop
    plan = _active_plan(factory)
    finding = None
    finding_id = request.POST.get("finding") or request.GET.get("finding")
    if finding_id:
        finding = get_object_or_404(
            Finding.objects.select_related("question__compliance_point"),
            pk=key_or_zero(finding_id),
            assessment_id=plan.assessment_id,
        )
    committee = CommitteeMember.objects.filter(factory=factory, left_on__isnull=True)
    form = ActionForm(request.POST or None, committee=committee)
    if request.method == "POST" and form.is_valid():
        try:
            plans.action_create(
                plan=plan,
                user=request.user,
                finding=finding,
                description=form.cleaned_data["description"],
                due_on=form.cleaned_data["due_on"],
                responsible=form.cleaned_data["responsible"],
                responsible_name=form.cleaned_data["responsible_name"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The action was added to the plan."))
            return redirect("compliance:plan", pk=factory.pk)
    return render(
        request,
        "compliance/plans/action_form.html",
        {"factory": factory, "plan": plan, "finding": finding, "form": form},
        status=400 if form.errors else 200,
    )


@own_or_others_data
@login_required
@require_POST
def action_status(request, pk, action_id):
    factory = _factory(request, pk, allowed=plan_permissions.can_edit_plan)
    if stop := _second_factor(request, factory):
        return stop
    action = _action(factory, action_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status from the list."))
        return redirect("compliance:plan", pk=factory.pk)
    try:
        plans.action_status_set(
            action=action, status=form.cleaned_data["status"], user=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The action's status was saved."))
    return redirect(f"{reverse('compliance:plan', args=[factory.pk])}#action-{action.pk}")


@own_or_others_data
@login_required
@require_POST
def action_evidence(request, pk, action_id):
    factory = _factory(request, pk, allowed=plan_permissions.can_edit_plan)
    if stop := _second_factor(request, factory):
        return stop
    action = _action(factory, action_id)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            plans.action_evidence_add(
                action=action,
                file=form.cleaned_data["file"],
                user=request.user,
                caption=form.cleaned_data["caption"],
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, _("The evidence was attached."))
            return redirect(f"{reverse('compliance:plan', args=[factory.pk])}#action-{action.pk}")
    return render(
        request,
        "compliance/plans/evidence_form.html",
        {"factory": factory, "action": action, "form": form},
        status=400,
    )


@own_or_others_data
@login_required
@require_GET
def action_evidence_file(request, pk, evidence_id):
    factory = _factory(request, pk)
    if stop := _second_factor(request, factory):
        return stop
    evidence = get_object_or_404(Evidence, pk=evidence_id, action__plan__factory=factory)
    return evidence_response(evidence, viewer=request.user)


# --- the committee ---------------------------------------------------------------------------


@own_or_others_data
@login_required
@require_http_methods(["GET", "POST"])
def committee(request, pk):
    factory = _factory(request, pk)
    if stop := _second_factor(request, factory):
        return stop
    can_edit = plan_permissions.can_edit_plan(request.user, factory)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    form = CommitteeMemberForm(request.POST or None)
    if request.method == "POST":
        leaving = request.POST.get("leave")
        if leaving:
            member = get_object_or_404(
                CommitteeMember, pk=leaving if leaving.isdigit() else 0, factory=factory
            )
            plans.committee_member_leave(member=member)
            messages.success(request, _("%(name)s left the committee.") % {"name": member.name})
            return redirect("compliance:committee", pk=factory.pk)
        if form.is_valid():
            try:
                plans.committee_member_add(factory=factory, **form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The member was added to the committee."))
                return redirect("compliance:committee", pk=factory.pk)
    members = list(
        CommitteeMember.objects.filter(factory=factory, left_on__isnull=True).order_by(
            "side", "name"
        )
    )
    sides = {side: [m for m in members if m.side == side] for side in CommitteeMember.Side.values}
    return render(
        request,
        "compliance/plans/committee.html",
        {
            "factory": factory,
            "members": members,
            "management": sides[CommitteeMember.Side.MANAGEMENT],
            "workers": sides[CommitteeMember.Side.WORKERS],
            "women": sum(1 for m in members if m.gender == CommitteeMember.Gender.WOMAN),
            "form": form if can_edit else None,
        },
        status=400 if form.errors else 200,
    )


# --- advisory visits -------------------------------------------------------------------------


@own_or_others_data
@login_required
@require_http_methods(["GET", "POST"])
def visit_create(request, pk):
    factory = _factory(request, pk, allowed=plan_permissions.can_log_visit)
    if stop := _second_factor(request, factory):
        return stop
    form = VisitForm(
        request.POST or None,
        committee=CommitteeMember.objects.filter(factory=factory, left_on__isnull=True),
        points=CompliancePoint.objects.canonical().order_by("cluster__name", "name"),
        actions=PlanAction.objects.filter(
            plan__factory=factory, plan__status=ImprovementPlan.Status.ACTIVE
        ).select_related("plan"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            plans.visit_log(factory=factory, advisor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The visit was logged."))
            return redirect("compliance:plan", pk=factory.pk)
    return render(
        request,
        "compliance/plans/visit_form.html",
        {"factory": factory, "form": form},
        status=400 if form.errors else 200,
    )


# --- recommended training --------------------------------------------------------------------


@own_or_others_data
@login_required
@require_POST
def training_act(request, pk, page_id, step):
    factory = _factory(request, pk, allowed=plan_permissions.can_edit_plan)
    if stop := _second_factor(request, factory):
        return stop
    try:
        if step == "take":
            enrolled = recommendations.training_take(
                factory=factory, page_id=page_id, user=request.user
            )
            if enrolled:
                messages.success(
                    request,
                    _("%(count)s managers or supervisors were enrolled.") % {"count": enrolled},
                )
            else:
                messages.success(request, _("The training was marked as taken."))
        elif step == "dismiss":
            recommendations.training_dismiss(factory=factory, page_id=page_id, user=request.user)
            messages.success(request, _("The recommendation was set aside."))
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(f"{reverse('compliance:plan', args=[factory.pk])}#training")


# --- monthly figures -------------------------------------------------------------------------


@own_or_others_data
@login_required
@require_http_methods(["GET", "POST"])
def figures(request, pk):
    factory = _factory(request, pk)
    if stop := _second_factor(request, factory):
        return stop
    can_edit = plan_permissions.can_edit_plan(request.user, factory)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    form = FiguresForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data.get(name) for name in FIGURE_FIELDS}
        try:
            indicators.figures_record(
                factory=factory, month=form.cleaned_data["month"], user=request.user, **values
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The month's figures were saved."))
            return redirect("compliance:figures", pk=factory.pk)
    months, cycles = plan_selectors.figures_page(factory=factory)
    chart = indicators.figures_chart(figures=months, assessments=cycles, rtl=get_language_bidi())
    return render(
        request,
        "compliance/plans/figures.html",
        {
            "factory": factory,
            "form": form if can_edit else None,
            "months": list(reversed(months)),
            "chart": chart,
            "cycles": cycles,
        },
        status=400 if form.errors else 200,
    )
