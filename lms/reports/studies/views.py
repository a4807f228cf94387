"""Staff pages in the Wagtail admin: survey rounds (codes and results) and studies
(assignment, check, lock, balance, estimates, panel exports). Country staff see and manage
their own country's only; a study across countries is for global staff."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.accounts.selectors import country_scope
from lms.private_files import private_file_response
from lms.reports.studies import assignment, surveys
from lms.reports.studies.analysis import balance, build_panel, did_estimates, panel_members
from lms.reports.studies.forms import StudyForm, SurveyRoundForm
from lms.reports.studies.models import Study, StudyArm, StudyExport, SurveyRound


def may_manage(user) -> bool:
    return user.is_authenticated and country_scope(user) is not False


def _require_staff(request):
    if not may_manage(request.user):
        raise PermissionDenied


def _visible(queryset, user):
    scope = country_scope(user)
    if scope is None:
        return queryset
    return queryset.filter(country_id=scope)


# --- survey rounds ----------------------------------------------------------------------------


def round_list(request):
    _require_staff(request)
    rounds = _visible(SurveyRound.objects.select_related("survey", "country"), request.user)
    return render(request, "studies/admin/round_list.html", {"rounds": rounds})


def round_create(request):
    _require_staff(request)
    form = SurveyRoundForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            survey_round = form.save(commit=False)
            survey_round.created_by = request.user
            survey_round.save()
            for factory in form.cleaned_data["factories"]:
                survey_round.factories.create(factory=factory)
        messages.success(request, _("The round is ready: give each factory its code."))
        return redirect("studies_round", pk=survey_round.pk)
    return render(request, "studies/admin/round_form.html", {"form": form})


def round_detail(request, pk: int):
    _require_staff(request)
    survey_round = get_object_or_404(
        _visible(SurveyRound.objects.select_related("survey", "country"), request.user), pk=pk
    )
    by = request.GET.get("by") if request.GET.get("by") in surveys.GROUPINGS else "factory"
    # Each factory with its number of responses: the round's total without a query of its own.
    round_factories = list(
        survey_round.factories.select_related("factory").annotate(response_count=Count("responses"))
    )
    questions = survey_round.survey.questions.order_by("sort_order", "pk")
    known = (
        {rf.factory_id: str(rf.factory) for rf in round_factories}
        if by == "factory"
        else {survey_round.country_id: str(survey_round.country)}
        if survey_round.country_id
        else {}
    )
    tables = surveys.survey_results(questions=questions, by=by, rounds=[survey_round], labels=known)
    responses = sum(rf.response_count for rf in round_factories)
    links = [
        (
            rf,
            request.build_absolute_uri(reverse("studies:survey_answer", kwargs={"code": rf.code})),
        )
        for rf in round_factories
    ]
    return render(
        request,
        "studies/admin/round_detail.html",
        {
            "round": survey_round,
            "links": links,
            "tables": tables,
            "by": by,
            "responses": surveys.shown_count(responses),
        },
    )


# --- studies ----------------------------------------------------------------------------------


def study_list(request):
    _require_staff(request)
    studies = _visible(Study.objects.select_related("country"), request.user)
    return render(request, "studies/admin/study_list.html", {"studies": studies})


def study_create(request):
    _require_staff(request)
    form = StudyForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            study = form.save(commit=False)
            study.strata = form.cleaned_data["strata"]
            study.size_bands = form.cleaned_data["size_bands"]
            study.outcomes = form.cleaned_data["outcomes"]
            study.created_by = request.user
            study.save()
            names = form.cleaned_data["arms"]
            StudyArm.objects.bulk_create(
                StudyArm(study=study, name=name, position=i, is_comparison=i == len(names) - 1)
                for i, name in enumerate(names)
            )
            assignment.study_members_set(study=study, factories=form.cleaned_data["factories"])
        messages.success(request, _("The study is saved. Assign its factories to arms next."))
        return redirect("studies_study", pk=study.pk)
    return render(request, "studies/admin/study_form.html", {"form": form})


def _study(request, pk):
    _require_staff(request)
    studies = Study.objects.select_related("country", "locked_by")
    scope = country_scope(request.user)
    if scope is not None:
        studies = studies.filter(country_id=scope)
    return get_object_or_404(studies, pk=pk)


def _study_with_arms(request, pk) -> tuple[Study, list[StudyArm], bool]:
    """The study (as ``_study`` finds it), its arms in position order, and whether the
    person has asked for panel exports of it, in one query: the arms with their study
    (every study is made with two arms or more; for one without any, ``_study`` reads it
    and the exports are read whatever they are)."""
    _require_staff(request)
    mine = StudyExport.objects.filter(study=OuterRef("study_id"), requested_by=request.user)
    arms = (
        StudyArm.objects.filter(study_id=pk)
        .select_related("study__country", "study__locked_by")
        .annotate(has_exports=Exists(mine))
        .order_by("position")
    )
    scope = country_scope(request.user)
    if scope is not None:
        arms = arms.filter(study__country_id=scope)
    arms = list(arms)
    if not arms:
        study = _study(request, pk)
        return study, list(study.arms.order_by("position")), True  # the exports are read
    study = arms[0].study
    for arm in arms:
        arm.study = study
    return study, arms, arms[0].has_exports


def study_detail(request, pk: int):
    """The study with its balance and estimates: the study, its arms and whether the person
    has exports read together, the members once (with their factories and arms) for the
    panel, the strata, the count and the assignment table, and each outcome for every year
    at once (issue 14: ten queries at most)."""
    study, arms, has_exports = _study_with_arms(request, pk)
    members = list(panel_members(study))
    context = {"study": study, "arms": arms, "eligible": len(members)}
    if study.seed is not None:
        panel = build_panel(study, members=members)
        _balance_arms, balance_rows = balance(study, panel, arms=arms)
        counts = assignment.stratum_counts(study, members=members)
        context.update(
            {
                "balance_rows": balance_rows,
                "strata_rows": [
                    (row["stratum"], [row["arms"].get(arm.pk, 0) for arm in arms]) for row in counts
                ],
                "estimates": did_estimates(study, panel, arms=arms),
                "members": members,
            }
        )
    if has_exports:
        context["exports"] = study.exports.filter(requested_by=request.user)[:5]
    return render(request, "studies/admin/study_detail.html", context)


@require_POST
def study_assign(request, pk: int):
    study = _study(request, pk)
    try:
        assignment.study_assign(study=study)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The factories are assigned at random within their strata."))
    return redirect("studies_study", pk=study.pk)


@require_POST
def study_check(request, pk: int):
    study = _study(request, pk)
    try:
        result = assignment.assignment_check(study=study)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if result.matches:
            messages.success(
                request,
                _("Derived again from the seed: the same assignment (fingerprint %(print)s).")
                % {"print": result.derived_fingerprint[:16]},
            )
        else:
            messages.error(
                request,
                _("The stored assignment differs from the one the seed gives for %(n)s factories.")
                % {"n": len(result.differences)},
            )
    return redirect("studies_study", pk=study.pk)


@require_POST
def study_lock(request, pk: int):
    study = _study(request, pk)
    try:
        assignment.study_lock(study=study, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The assignment is locked: it can no longer change."))
    return redirect("studies_study", pk=study.pk)


@require_POST
def study_export(request, pk: int):
    study = _study(request, pk)
    if study.seed is None:
        messages.error(request, _("Assign the factories before exporting the panel."))
        return redirect("studies_study", pk=study.pk)
    export = StudyExport.objects.create(study=study, requested_by=request.user)
    from lms.reports.studies.tasks import study_export_build

    transaction.on_commit(lambda: study_export_build.delay(export.pk))
    messages.success(request, _("The panel is being built. Its files appear below when ready."))
    return redirect("studies_study", pk=study.pk)


EXPORT_FILES = {"csv": "panel_csv", "parquet": "panel_parquet", "dictionary": "dictionary"}


def study_export_download(request, pk: int, part: str):
    _require_staff(request)
    if part not in EXPORT_FILES:
        raise Http404
    export = get_object_or_404(StudyExport, pk=pk, requested_by=request.user)
    _study(request, export.study_id)  # the study must still be visible to them
    field = getattr(export, EXPORT_FILES[part])
    if export.status != StudyExport.Status.READY or not field:
        raise Http404
    return private_file_response(field, as_attachment=True, filename=field.name.rsplit("/", 1)[-1])
