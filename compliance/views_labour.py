"""Signed-in pages around public reporting: a factory's responses to its public findings,
the country staff's approval of them, the labour inspectors' pages (their country's
published assessments as its rules allow, and their own inspections) and the social
partners' country aggregates."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from compliance import labour, permissions, publication, responses, selectors, services
from compliance.forms_public import InspectionForm, RefuseForm, ResponseForm
from compliance.models import Assessment, Factory, FactoryResponse, PublicReportingRule
from compliance.trend_chart import trend_chart
from lms.accounts.exposure import others_data, own_data, own_or_others_data
from lms.private_files import private_file_response
from lms.taxonomy.models import Country, Sector
from lms.taxonomy.selectors import term_by_code, terms_in_language

Access = PublicReportingRule.InspectorAccess


def _add_errors(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# --- a factory's responses -------------------------------------------------------------------


@own_or_others_data
@login_required
@require_http_methods(["GET", "POST"])
def public_responses(request, pk):
    """The factory's non-compliant public findings of its latest assessment, each with the
    response it wrote (and whether it is approved); its managers and committee write them."""
    factory = get_object_or_404(
        Factory.objects.select_related("organisation__country", "organisation__sector"), pk=pk
    )
    if not permissions.can_view_factory(request.user, factory):
        raise PermissionDenied
    permissions.require_second_factor_for_outsiders(request, factory)
    can_write = permissions.is_factory_member(request.user, factory)
    findings = list(responses.respondable_findings(factory=factory))
    existing = {
        r.finding_id: r
        for r in FactoryResponse.objects.filter(finding__in=[f.pk for f in findings])
    }
    posted_id, posted_form, status = None, None, 200
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        posted_id = int(request.POST.get("finding", "0") or 0)
        finding = next((f for f in findings if f.pk == posted_id), None)
        if finding is None:
            raise Http404
        posted_form = ResponseForm(request.POST, request.FILES, prefix=f"f{finding.pk}")
        if posted_form.is_valid():
            try:
                responses.factory_response_submit(
                    finding=finding,
                    text=posted_form.cleaned_data["text"],
                    photo=posted_form.cleaned_data["photo"],
                    user=request.user,
                )
            except ValidationError as error:
                _add_errors(posted_form, error)
            else:
                messages.success(
                    request, _("Your response was sent to the country programme for approval.")
                )
                return redirect("compliance:public_responses", pk=factory.pk)
        status = 400
    shown = selectors.localized_questions([f.question for f in findings])
    rows = []
    for finding in findings:
        response = existing.get(finding.pk)
        if finding.pk == posted_id:
            form = posted_form
        else:
            form = ResponseForm(
                prefix=f"f{finding.pk}", initial={"text": response.text if response else ""}
            )
        rows.append(
            {
                "finding": finding,
                "question": shown[finding.question_id],
                "response": response,
                "form": form,
            }
        )
    rule = publication.rule_for(factory.organisation.country)
    return render(
        request,
        "compliance/labour/public_responses.html",
        {"factory": factory, "rows": rows, "can_write": can_write, "rule": rule},
        status=status,
    )


@own_or_others_data
@login_required
@require_GET
def response_photo(request, pk):
    """The photo of a response, for the factory and the staff who decide on it."""
    response = get_object_or_404(
        FactoryResponse.objects.select_related("factory__organisation"), pk=pk
    )
    if not response.photo or not permissions.can_view_factory(request.user, response.factory):
        raise Http404
    permissions.require_second_factor_for_outsiders(request, response.factory)
    answer = private_file_response(
        response.photo,
        filename=response.photo.name.rpartition("/")[2],
        as_attachment=False,
        content_type=response.photo_content_type or None,
    )
    answer["X-Content-Type-Options"] = "nosniff"
    answer["Cache-Control"] = "private, no-store"
    return answer


@others_data
@login_required
@require_GET
def response_queue(request):
    """Responses awaiting approval in the staff member's country (every country: global)."""
    user = request.user
    if not (permissions.is_global(user) or (user.is_country_staff and user.country_id)):
        raise PermissionDenied
    pending = list(responses.responses_to_review(user=user).order_by("written_at"))
    shown = selectors.localized_questions([r.finding.question for r in pending])
    return render(
        request,
        "compliance/labour/response_queue.html",
        {
            "items": [(r, shown[r.finding.question_id]) for r in pending],
            "refuse_form": RefuseForm(),
        },
    )


@others_data
@login_required
@require_POST
def response_decide(request, pk, decision):
    response = get_object_or_404(
        FactoryResponse.objects.select_related("factory__organisation"), pk=pk
    )
    if not permissions.can_manage_factory(request.user, response.factory):
        raise PermissionDenied
    try:
        if decision == "approve":
            responses.factory_response_approve(response=response, user=request.user)
            messages.success(request, _("The response is now shown publicly."))
        elif decision == "refuse":
            form = RefuseForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            responses.factory_response_refuse(response=response, user=request.user, reason=reason)
            messages.success(request, _("The response was refused; the factory is told why."))
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("compliance:response_queue")


# --- labour inspectors ---------------------------------------------------------------------------


def _inspector(request):
    if not labour.is_inspector(request.user):
        raise PermissionDenied
    return request.user


@others_data
@login_required
@require_GET
def inspection_home(request):
    """The inspector's country's assessed factories (as the rules allow) and their own
    inspections."""
    user = _inspector(request)
    query = request.GET.get("q", "").strip()[:100]
    factories = labour.inspector_factories(user=user)
    if query:
        factories = factories.filter(legal_name__icontains=query)
    page = Paginator(factories, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "compliance/labour/inspection_home.html",
        {
            "factories": page,
            "query": query,
            "access": labour.inspector_access(user, user.country),
            "inspections": labour.my_inspections(user=user)[:50],
            "sector_names": terms_in_language(model=Sector),
            "country_name": term_by_code(model=Country, code=user.country.code),
        },
    )


def _inspector_factory(request, pk) -> Factory:
    user = _inspector(request)
    factory = get_object_or_404(
        Factory.objects.select_related("organisation__country", "organisation__sector"), pk=pk
    )
    if factory.organisation.country_id != user.country_id:
        raise PermissionDenied
    return factory


@others_data
@login_required
@require_GET
def inspection_factory(request, pk):
    """A factory of the inspector's country: its published official assessments (the full
    reports, or the public issues, as the rule allows) and the inspections made there."""
    factory = _inspector_factory(request, pk)
    access = labour.inspector_access(request.user, factory.organisation.country)
    report, published = None, []
    if access != Access.NONE:
        rule = PublicReportingRule.objects.prefetch_related("issue_changes").get(
            country=factory.organisation.country
        )
        report = publication.factory_public_report(factory=factory, rule=rule, require_public=False)
        published = list(
            Assessment.objects.filter(
                factory=factory,
                state=Assessment.State.PUBLISHED,
                kind__in=services.OFFICIAL_KINDS,
            ).order_by("-starts_on", "-pk")
        )
    inspections = list(
        Assessment.objects.filter(factory=factory, kind=Assessment.Kind.INSPECTION)
        .filter(assessors=request.user)
        .order_by("-starts_on", "-pk")
    )
    return render(
        request,
        "compliance/labour/inspection_factory.html",
        {
            "factory": factory,
            "access": access,
            "report": report,
            "published": published,
            "inspections": inspections,
            "full": access == Access.FULL_REPORTS,
        },
    )


@others_data
@login_required
@require_GET
def inspection_report(request, pk):
    """A published official assessment's full report, when the country's rule lets its
    inspectors read them."""
    _inspector(request)
    assessment = get_object_or_404(
        Assessment.objects.select_related("factory__organisation__country", "instrument"), pk=pk
    )
    if labour.inspector_can_read(request.user, assessment) != Access.FULL_REPORTS:
        raise PermissionDenied
    context = selectors.assessment_report(assessment=assessment)
    return render(request, "compliance/labour/inspection_report.html", context)


@others_data
@login_required
@require_http_methods(["GET", "POST"])
def inspection_create(request, pk):
    """Start an inspection of a factory with the same instrument as the programme; it is
    filled in on the assessment form and published only by the country's staff."""
    factory = _inspector_factory(request, pk)
    form = InspectionForm(
        request.POST or None,
        instruments=services.instruments_for(factory=factory),
        inspectors=labour.fellow_inspectors(user=request.user),
        initial={"starts_on": timezone.localdate()},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                inspection = labour.inspection_create(
                    factory=factory,
                    user=request.user,
                    instrument=form.cleaned_data["instrument"],
                    starts_on=form.cleaned_data["starts_on"],
                    co_inspectors=form.cleaned_data["co_inspectors"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The inspection was started as a draft."))
                return redirect("compliance:assessment", pk=inspection.pk)
    return render(
        request,
        "compliance/labour/inspection_create.html",
        {"factory": factory, "form": form},
        status=status,
    )


# --- social partners ---------------------------------------------------------------------------


# Aggregates only (rates, counts, and the names the public pages show anyway): no person's
# data and no unnamed factory's, so no second factor beyond the partner's own sign-in.
@own_data
@login_required
@require_GET
def partners_overview(request):
    """A union's or an employers' organisation's view of its country: non-compliance rates
    and their trend on the publicly reported issues, factories assessed, training reach."""
    user = request.user
    if not (labour.is_social_partner(user) or labour.is_inspector(user)):
        raise PermissionDenied
    country = user.country
    data = labour.country_aggregates(country=country)
    data["chart"] = trend_chart(
        data["rates"]["any_by_year"], rtl=get_language() in settings.RTL_LANGUAGES
    )
    data["country_name"] = term_by_code(model=Country, code=country.code)
    data["sector_names"] = terms_in_language(model=Sector)
    return render(request, "compliance/labour/partners.html", data)
