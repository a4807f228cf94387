"""Pages and the answer API of the compliance room. Each view checks who may see or do it
(compliance.permissions), then calls one service or selector and renders."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from wagtail import hooks

from compliance import permissions, selectors, services, spreadsheets
from compliance.evidence import evidence_response
from compliance.forms import (
    AnswerForm,
    AssessmentCreateForm,
    EvidenceForm,
    FactoryImportForm,
    InstrumentImportForm,
    ReturnForm,
    new_client_id,
)
from compliance.models import Assessment, Factory, Finding, InstrumentVersion, Question
from compliance.sharing import can_read_sharing
from lms import json_input
from lms.accounts.exposure import own_or_others_data
from lms.accounts.models import Role, User
from lms.taxonomy.models import Country, Sector
from lms.taxonomy.selectors import term_by_code, terms_in_language

PAGE_SIZE = 50
# A function ``(request, factory) -> HTML or ""`` registered under this name adds a panel to
# the factory's page (after its compliance over the cycles).
FACTORY_PANELS_HOOK = "compliance_factory_panels"


def _second_factor(request, factory=None):
    """The second factor for outsiders (compliance.permissions); raises when it is missing,
    so callers' ``if stop := ...`` never stops here."""
    permissions.require_second_factor_for_outsiders(request, factory)
    return


def _factory_for(request, pk) -> Factory:
    factory = get_object_or_404(
        permissions.with_relations_of(
            Factory.objects.select_related("organisation__country", "organisation__sector"),
            request.user,
        ),
        pk=pk,
    )
    if not permissions.can_view_factory(request.user, factory):
        raise PermissionDenied
    permissions.require_second_factor_for_outsiders(request, factory)
    return factory


def _assessment_for(request, pk) -> Assessment:
    assessment = get_object_or_404(
        Assessment.objects.select_related(
            "factory__organisation__country", "factory__organisation__sector", "instrument"
        ),
        pk=pk,
    )
    if not permissions.can_view_assessment(request.user, assessment):
        raise PermissionDenied
    permissions.require_second_factor_for_outsiders(request, assessment.factory)
    return assessment


# --- factories ---------------------------------------------------------------------------------


@own_or_others_data
@login_required
@require_GET
def factory_list(request):
    """The factories the person may see; staff also get their country overviews."""
    factories = selectors.factories_visible_to(user=request.user)
    if not (
        permissions.is_global(request.user)
        or request.user.is_country_staff
        or request.user.has_role(Role.Code.ENTERPRISE_ADVISOR)
    ):
        only = list(factories[:2])
        if len(only) == 1:
            return redirect("compliance:factory", pk=only[0].pk)
        if not only:
            raise PermissionDenied
    elif stop := _second_factor(request):
        return stop
    query = request.GET.get("q", "").strip()[:100]
    if query:
        factories = factories.filter(
            Q(legal_name__icontains=query)
            | Q(trading_name__icontains=query)
            | Q(organisation__name__icontains=query)
        )
    page = _page(request, factories.order_by("legal_name"))
    countries = []
    if permissions.is_global(request.user):
        countries = list(
            Country.objects.canonical().filter(organisations__factory__isnull=False).distinct()
        )
    elif request.user.is_country_staff and request.user.country_id:
        countries = [request.user.country]
    return render(
        request,
        "compliance/factory_list.html",
        {
            "factories": page,
            "query": query,
            "country_names": terms_in_language(model=Country),
            "sector_names": terms_in_language(model=Sector),
            "countries": countries,
            "review_count": selectors.assessments_to_review(user=request.user).count(),
            "my_assessments": selectors.my_assessments(user=request.user),
        },
    )


def _page(request, queryset):
    from django.core.paginator import Paginator

    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@own_or_others_data
@login_required
@require_GET
def factory_detail(request, pk):
    factory = _factory_for(request, pk)  # asks outsiders for the second factor
    context = selectors.factory_overview(factory=factory, user=request.user)
    context["can_manage"] = permissions.can_manage_factory(request.user, factory)
    context["can_read_sharing"] = can_read_sharing(request.user, factory)
    organisation = factory.organisation
    context["country_name"] = term_by_code(model=Country, code=organisation.country.code)
    context["sector_name"] = (
        term_by_code(model=Sector, code=organisation.sector.code) if organisation.sector else None
    )
    # Panels other rooms add (the reports room: the factory against its country's median);
    # this room defines the hook and imports none of them.
    context["extra_panels"] = [
        panel
        for make_panel in hooks.get_hooks(FACTORY_PANELS_HOOK)
        if (panel := make_panel(request, factory))
    ]
    return render(request, "compliance/factory_detail.html", context)


@own_or_others_data
@login_required
@require_http_methods(["GET", "POST"])
def assessment_create(request, pk):
    factory = _factory_for(request, pk)
    if not permissions.can_manage_factory(request.user, factory):
        raise PermissionDenied
    if stop := _second_factor(request, factory):
        return stop
    assessors = User.objects.filter(
        Q(roles__code__in=[Role.Code.ENTERPRISE_ADVISOR, Role.Code.ASSESSOR])
        | Q(committee_memberships__factory=factory),
        country_id=factory.organisation.country_id,
        is_active=True,
    ).distinct()
    form = AssessmentCreateForm(
        request.POST or None,
        instruments=services.instruments_for(factory=factory),
        assessors=assessors,
    )
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_create(
                factory=factory,
                instrument=form.cleaned_data["instrument"],
                kind=form.cleaned_data["kind"],
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
                assessors=form.cleaned_data["assessors"],
                created_by=request.user,
                questions=(
                    form.cleaned_data["instrument"].questions.filter(publicly_reported=True)
                    if form.cleaned_data["kind"] == Assessment.Kind.VIRTUAL
                    else None
                ),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The assessment was started as a draft."))
            return redirect("compliance:assessment", pk=assessment.pk)
    return render(request, "compliance/assessment_create.html", {"factory": factory, "form": form})


def _add_errors(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@own_or_others_data
@login_required
@require_GET
def country_overview(request, code):
    country = get_object_or_404(Country.objects.canonical(), code=code)
    user = request.user
    if not (
        permissions.is_global(user) or (user.is_country_staff and user.country_id == country.pk)
    ):
        raise PermissionDenied
    if stop := _second_factor(request):
        return stop
    context = selectors.country_overview(country=country)
    context["factories"] = _page(request, context["factories"])
    return render(request, "compliance/country_overview.html", context)


@own_or_others_data
@login_required
@require_GET
def review_queue(request):
    user = request.user
    if not (permissions.is_global(user) or user.is_country_staff):
        raise PermissionDenied
    if stop := _second_factor(request):
        return stop
    return render(
        request,
        "compliance/review_queue.html",
        {"assessments": selectors.assessments_to_review(user=user).order_by("submitted_at")},
    )


# --- the assessment form -------------------------------------------------------------------------


@own_or_others_data
@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def assessment_detail(request, pk):
    """The form assessors fill in (every answer saved as it goes, with JavaScript; the whole
    page at once without), or the assessment read-only for everyone else."""
    assessment = _assessment_for(request, pk)
    if stop := _second_factor(request, assessment.factory):
        return stop
    can_answer = permissions.can_answer(request.user, assessment)
    errors: dict[int, str] = {}
    conflicts: dict[int, Finding] = {}
    if request.method == "POST":
        if not can_answer:
            raise PermissionDenied
        saved, errors, conflicts = _save_posted_answers(request, assessment)
        if not errors and not conflicts:
            messages.success(request, _("%(count)s answers saved.") % {"count": saved})
            return redirect("compliance:assessment", pk=assessment.pk)
    groups, findings = selectors.assessment_sheet(assessment=assessment)
    asked = 0
    option_labels: dict[tuple, list] = {}  # the instrument's few option sets, translated once
    for group in groups:
        for point in group.points.values():
            point.items = [
                _row(question, shown, finding, request, errors, conflicts, option_labels)
                for question, shown, finding in point.items
            ]
            asked += len(point.items)
    return render(
        request,
        "compliance/assessment_form.html",
        {
            "assessment": assessment,
            "groups": groups,
            "can_answer": can_answer,
            "can_review": permissions.can_review(request.user, assessment),
            "answered": len(findings),
            "asked": asked,
            "return_form": ReturnForm(),
            "evidence_form": EvidenceForm(),
        },
        status=400 if errors or conflicts else 200,
    )


def _row(question, shown, finding, request, errors, conflicts, option_labels=None) -> dict:
    """What one question shows: what was typed (after a refused post) or what is stored."""
    posted = request.method == "POST" and question.pk in (errors.keys() | conflicts.keys())
    conflict = conflicts.get(question.pk)
    if posted:
        answer = request.POST.get(f"answer-{question.pk}", "")
        notes = request.POST.get(f"notes-{question.pk}", "")
    else:
        answer = finding.answer if finding else ""
        notes = finding.notes if finding else ""
    version = conflict.version if conflict is not None else finding.version if finding else 0
    return {
        "question": question,
        # Printed a dozen times per question (ids, names): as text once, not localised each time.
        "qid": str(question.pk),
        "shown": shown,
        "finding": finding,
        "answer": answer,
        "notes": notes,
        "version": version,
        "client_id": new_client_id(),
        "error": errors.get(question.pk, ""),
        "conflict": conflict,
        "options": _options(question, {} if option_labels is None else option_labels),
    }


def _options(question, known: dict[tuple, list]) -> list[tuple[str, str]]:
    """The question's answer options with their labels in the reader's language."""
    key = tuple(question.options or ())
    if key not in known:
        known[key] = [(value, str(label)) for value, label in question.option_choices()]
    return known[key]


def _save_posted_answers(request, assessment):
    """The form without JavaScript: every answered question is one write, as the phone
    would send it (with the version shown and a client id made when the page was drawn)."""
    questions = {q.pk: q for q in services.assessment_questions(assessment=assessment)}
    saved, errors, conflicts = 0, {}, {}
    for question_id, question in questions.items():
        answer = request.POST.get(f"answer-{question_id}", "")
        if not answer:
            continue
        form = AnswerForm(
            {
                "question": question_id,
                "answer": answer,
                "notes": request.POST.get(f"notes-{question_id}", ""),
                "client_id": request.POST.get(f"client-{question_id}", ""),
                "base_version": request.POST.get(f"version-{question_id}", "0") or "0",
            }
        )
        if not form.is_valid():
            errors[question_id] = " ".join(e for field in form.errors.values() for e in field)
            continue
        data = form.cleaned_data
        current = Finding.objects.filter(assessment=assessment, question=question).first()
        if (
            current
            and current.version == data["base_version"]
            and (current.answer == data["answer"] and current.notes == data["notes"])
        ):
            continue  # unchanged
        try:
            services.finding_answer(
                assessment=assessment,
                question=question,
                answer=data["answer"],
                notes=data["notes"],
                client_id=data["client_id"],
                base_version=data["base_version"],
                user=request.user,
            )
        except services.StaleAnswer as stale:
            conflicts[question_id] = stale.finding
        except ValidationError as error:
            errors[question_id] = " ".join(error.messages)
        else:
            saved += 1
    return saved, errors, conflicts


def _finding_json(finding: Finding) -> dict:
    return {
        "question": finding.question_id,
        "answer": finding.answer,
        "answer_label": str(finding.get_answer_display()) if finding.answer else "",
        "notes": finding.notes,
        "version": finding.version,
        "non_compliant": finding.is_non_compliant,
        "answered_by": str(finding.answered_by) if finding.answered_by_id else "",
        "answered_at": finding.answered_at.isoformat() if finding.answered_at else None,
    }


@own_or_others_data
@require_POST
def answer_api(request, pk):
    """Store one answer sent by the form (JSON). 200 with the stored finding (also for a
    retried send), 409 with the other answer when the write is stale, 400 with the reason."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("Sign in to answer.")}, status=401)
    assessment = get_object_or_404(Assessment.objects.select_related("instrument"), pk=pk)
    if not permissions.can_answer(request.user, assessment):
        if assessment.assessors.filter(pk=request.user.pk).exists():
            return JsonResponse(
                {"error": _("This assessment is no longer a draft: answers cannot change.")},
                status=409,
            )
        return JsonResponse({"error": _("You may not answer this assessment.")}, status=403)
    try:
        payload = json_input.loads(request.body, default={})
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"error": _("The request is not valid JSON.")}, status=400)
    if not isinstance(payload, dict):
        return JsonResponse({"error": _("The request is not valid JSON.")}, status=400)
    form = AnswerForm(payload)
    if not form.is_valid():
        return JsonResponse(
            {"error": _("The answer is not valid."), "fields": form.errors}, status=400
        )
    data = form.cleaned_data
    question = Question.objects.filter(
        pk=data["question"], instrument=assessment.instrument
    ).first()
    if question is None:
        return JsonResponse(
            {"error": _("This question is not part of this assessment.")}, status=400
        )
    answered_at = data["answered_at"]
    if answered_at and timezone.is_naive(answered_at):
        answered_at = timezone.make_aware(answered_at)
    try:
        result = services.finding_answer(
            assessment=assessment,
            question=question,
            answer=data["answer"],
            notes=data["notes"],
            client_id=data["client_id"],
            base_version=data["base_version"],
            user=request.user,
            answered_at=answered_at,
        )
    except services.StaleAnswer as stale:
        return JsonResponse(
            {
                "error": _("Someone else answered this question meanwhile; their answer is shown."),
                "finding": _finding_json(stale.finding),
            },
            status=409,
        )
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    body = _finding_json(result.finding)
    body["replayed"] = result.replayed
    return JsonResponse(body, status=201 if result.created else 200)


@own_or_others_data
@login_required
@require_POST
def evidence_upload(request, pk, question_id):
    assessment = _assessment_for(request, pk)
    if not permissions.can_answer(request.user, assessment):
        raise PermissionDenied
    finding = get_object_or_404(Finding, assessment=assessment, question_id=question_id)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.evidence_add(
                file=form.cleaned_data["file"],
                finding=finding,
                caption=form.cleaned_data["caption"],
                user=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The file was added."))
    else:
        messages.error(request, " ".join(e for field in form.errors.values() for e in field))
    return redirect(f"{reverse('compliance:assessment', args=[assessment.pk])}#q-{question_id}")


@own_or_others_data
@login_required
@require_GET
def evidence_file(request, pk):
    from compliance.models import Evidence

    evidence = get_object_or_404(
        Evidence.objects.select_related(
            "finding__assessment__factory__organisation", "action__plan__factory"
        ),
        pk=pk,
    )
    if evidence.finding_id:
        factory = evidence.finding.assessment.factory
        if not permissions.can_view_assessment(request.user, evidence.finding.assessment):
            raise PermissionDenied
    else:
        factory = evidence.action.plan.factory
        if not permissions.can_view_factory(request.user, factory):
            raise PermissionDenied
    permissions.require_second_factor_for_outsiders(request, factory)
    return evidence_response(evidence, viewer=request.user)


# --- workflow --------------------------------------------------------------------------------


@own_or_others_data
@login_required
@require_POST
def assessment_step(request, pk, step):
    assessment = _assessment_for(request, pk)
    user = request.user
    try:
        if step == "submit":
            if not assessment.assessors.filter(pk=user.pk).exists():
                raise PermissionDenied
            services.assessment_submit(assessment=assessment, user=user)
            messages.success(request, _("Submitted for quality review."))
        elif step in {"review", "return", "publish"}:
            if not permissions.can_review(user, assessment):
                raise PermissionDenied
            if stop := _second_factor(request):
                return stop
            if step == "review":
                services.assessment_review_start(assessment=assessment, user=user)
                messages.success(request, _("The quality review has started."))
            elif step == "publish":
                services.assessment_publish(assessment=assessment, user=user)
                messages.success(request, _("Published to the factory."))
            else:
                form = ReturnForm(request.POST)
                note = form.cleaned_data["note"] if form.is_valid() else ""
                services.assessment_return(assessment=assessment, user=user, note=note)
                messages.success(request, _("Sent back to the assessors."))
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("compliance:assessment", pk=assessment.pk)


# --- the report ------------------------------------------------------------------------------


def _report_language(request, assessment) -> str:
    supported = {code for code, _name in settings.LANGUAGES}
    asked = request.GET.get("language", "")
    return asked if asked in supported else selectors.factory_language(assessment.factory)


def _report_readable(request, assessment):
    if assessment.state != Assessment.State.PUBLISHED and not (
        permissions.can_review(request.user, assessment)
        or permissions.is_advisor_for(request.user, assessment.factory)
    ):
        raise PermissionDenied


@own_or_others_data
@login_required
@require_GET
def assessment_report(request, pk):
    assessment = _assessment_for(request, pk)
    _report_readable(request, assessment)
    if stop := _second_factor(request, assessment.factory):
        return stop
    context = selectors.assessment_report(assessment=assessment)
    context["languages"] = settings.LANGUAGES
    context["factory_language"] = selectors.factory_language(assessment.factory)
    return render(request, "compliance/report.html", context)


@own_or_others_data
@login_required
@require_GET
def assessment_report_pdf(request, pk):
    from weasyprint import HTML

    assessment = _assessment_for(request, pk)
    _report_readable(request, assessment)
    if stop := _second_factor(request, assessment.factory):
        return stop
    language = _report_language(request, assessment)
    with translation.override(language):
        context = selectors.assessment_report(assessment=assessment, language_code=language)
        context |= {
            "language": language,
            "direction": "rtl" if language in settings.RTL_LANGUAGES else "ltr",
            "generated": timezone.now(),
        }
        html = render_to_string("compliance/report_pdf.html", context)
    pdf = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="assessment-{assessment.pk}-{language}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- staff: instruments and factory imports -------------------------------------------------


def _staff_only(request):
    user = request.user
    if not (permissions.is_global(user) or (user.is_country_staff and user.country_id)):
        raise PermissionDenied
    return _second_factor(request)


def _instrument_scope(user):
    versions = InstrumentVersion.objects.canonical().select_related("country")
    if permissions.is_global(user):
        return versions, Country.objects.canonical()
    return (
        versions.filter(Q(country=None) | Q(country_id=user.country_id)),
        Country.objects.canonical().filter(pk=user.country_id),
    )


@own_or_others_data
@login_required
@require_http_methods(["GET", "POST"])
def instrument_list(request):
    """Instrument versions: export any, import a new version, put a draft in use."""
    if stop := _staff_only(request):
        return stop
    versions, countries = _instrument_scope(request.user)
    form = InstrumentImportForm(
        request.POST or None, request.FILES or None, countries=countries, versions=versions
    )
    errors = []
    if request.method == "POST" and form.is_valid():
        country = form.cleaned_data["country"]
        if country is None and not permissions.is_global(request.user):
            form.add_error("country", _("Only global staff change the global instrument."))
        else:
            try:
                instrument = spreadsheets.instrument_import(
                    file=form.cleaned_data["file"],
                    name=form.cleaned_data["name"],
                    country=country,
                    based_on=form.cleaned_data["based_on"],
                )
            except spreadsheets.ImportRefused as refused:
                errors = [str(e) for e in refused.errors]
            except ValidationError as error:
                form.add_error("file", error)
            else:
                messages.success(
                    request,
                    _("%(name)s was imported as a draft with %(count)s questions.")
                    % {"name": instrument, "count": instrument.questions.count()},
                )
                return redirect("compliance:instruments")
    return render(
        request,
        "compliance/instruments.html",
        {
            "versions": versions.annotate(question_count=Count("questions")).order_by(
                "country__code", "-number"
            ),
            "form": form,
            "errors": errors,
        },
        status=400 if request.method == "POST" else 200,
    )


def _instrument_for(request, pk) -> InstrumentVersion:
    versions, _countries = _instrument_scope(request.user)
    return get_object_or_404(versions, pk=pk)


@own_or_others_data
@login_required
@require_GET
def instrument_export(request, pk):
    if stop := _staff_only(request):
        return stop
    instrument = _instrument_for(request, pk)
    data = spreadsheets.instrument_export(instrument=instrument)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    country = instrument.country.code if instrument.country_id else "global"
    response["Content-Disposition"] = (
        f'attachment; filename="instrument-{country}-v{instrument.number}.xlsx"'
    )
    return response


@own_or_others_data
@login_required
@require_POST
def instrument_activate(request, pk):
    if stop := _staff_only(request):
        return stop
    instrument = _instrument_for(request, pk)
    if instrument.country_id is None and not permissions.is_global(request.user):
        raise PermissionDenied
    try:
        services.instrument_version_activate(instrument=instrument)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s is now in use.") % {"name": instrument})
    return redirect("compliance:instruments")


IMPORT_SESSION_KEY = "compliance-factory-import"


@own_or_others_data
@login_required
@require_http_methods(["GET", "POST"])
def factory_import(request, code):
    """Upload a list of factories, see the likely duplicates, confirm which rows are new."""
    if stop := _staff_only(request):
        return stop
    country = get_object_or_404(Country.objects.canonical(), code=code)
    if not (permissions.is_global(request.user) or request.user.country_id == country.pk):
        raise PermissionDenied
    form = FactoryImportForm(request.POST or None, request.FILES or None)
    rows, errors, status = None, [], 200
    if request.method == "POST" and "confirm" in request.POST:
        stored = request.session.get(IMPORT_SESSION_KEY) or {}
        if stored.get("country") != country.pk:
            messages.error(request, _("Upload the list again: the preview has expired."))
            return redirect("compliance:factory_import", code=code)
        rows = spreadsheets.rows_rematched(data=stored["rows"], country=country)
        confirmed = {int(n) for n in request.POST.getlist("new") if n.isdigit()}
        try:
            created = spreadsheets.factory_import(
                rows=rows, country=country, confirmed_new=confirmed
            )
        except spreadsheets.ImportRefused as refused:
            errors, status = [str(e) for e in refused.errors], 400
        else:
            request.session.pop(IMPORT_SESSION_KEY, None)
            messages.success(
                request, _("%(count)s factories were created.") % {"count": len(created)}
            )
            return redirect("compliance:country", code=code)
    elif request.method == "POST" and form.is_valid():
        try:
            rows = spreadsheets.factory_import_preview(
                file=form.cleaned_data["file"], country=country
            )
        except spreadsheets.ImportRefused as refused:
            errors, status = [str(e) for e in refused.errors], 400
        except ValidationError as error:
            form.add_error("file", error)
            status = 400
        else:
            request.session[IMPORT_SESSION_KEY] = {
                "country": country.pk,
                "rows": [{"row": r.row, "data": r.data} for r in rows],
            }
            errors = [str(e) for r in rows for e in r.errors]
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "compliance/factory_import.html",
        {"country": country, "form": form, "rows": rows, "errors": errors},
        status=status,
    )
