"""Pages of sharing with buyers (issue 17): the buyer's dashboard, a supplier's shared
information, exports and API keys; the factory's sharing page and access log.

Buyer pages show other people's data (a factory's), so they are ``@others_data``: the
session must be confirmed with a second factor. Every read asks for the live grant first
(compliance.sharing.require_scope) and writes the access log."""

import csv
import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from compliance import permissions, selectors, sharing
from compliance import sharing_selectors as shared
from compliance.forms_sharing import (
    AskForm,
    BuyerAddForm,
    DashboardFilters,
    DecideForm,
    GrantsForm,
    TokenForm,
)
from compliance.models import (
    AccessLogEntry,
    AccessRequest,
    Assessment,
    BuyerToken,
    Factory,
    SharingScope,
)
from compliance.services import OFFICIAL_KINDS
from lms.accounts.exposure import others_data, own_or_others_data
from lms.spreadsheets import safe_row
from lms.taxonomy.models import Cluster
from lms.taxonomy.selectors import terms_in_language

PAGE_SIZE = 50
View = AccessLogEntry.Action.VIEW
Download = AccessLogEntry.Action.DOWNLOAD


def _buyer(request):
    buyer = sharing.buyer_of(request.user)
    if buyer is None:
        raise PermissionDenied
    return buyer


def _supplier(buyer, pk) -> Factory:
    """A factory that lists the buyer or shares with it; others do not exist for it."""
    factory = shared.suppliers_of(buyer=buyer).filter(pk=pk).first()
    if factory is None:
        raise Http404
    return factory


def _log(request, buyer, factory_ids, action, scope=""):
    sharing.access_log_write(
        user=request.user,
        buyer=buyer,
        factory_ids=factory_ids,
        action=action,
        scope=scope,
        what=request.get_full_path(),
    )


def _clusters():
    names = terms_in_language(model=Cluster)
    canonical = sorted(
        terms_in_language(model=Cluster, language_code=settings.LANGUAGE_CODE).values(),
        key=lambda c: (c.sort_order, c.code),
    )
    return [(c.pk, str(names.get(c.code, c))) for c in canonical]


# --- the buyer's side ----------------------------------------------------------------------------


def _dashboard(request, buyer):
    clusters = _clusters()
    suppliers = list(shared.suppliers_of(buyer=buyer))
    countries = [(code, str(name)) for code, name in shared.supplier_countries(suppliers=suppliers)]
    filters = DashboardFilters(request.GET or None, countries=countries, clusters=clusters)
    country, cluster = "", None
    if filters.is_valid():
        country = filters.cleaned_data["country"]
        cluster = filters.cleaned_data["cluster"]
    rows = shared.dashboard_rows(
        buyer=buyer, suppliers=suppliers, country_code=country, cluster_id=cluster
    )
    return filters, rows, dict(clusters).get(cluster)


@others_data
@login_required
@require_GET
def buyer_dashboard(request):
    buyer = _buyer(request)
    filters, rows, cluster_name = _dashboard(request, buyer)
    _log(request, buyer, [row.factory.pk for row in rows if row.scopes], View)
    return render(
        request,
        "compliance/sharing/dashboard.html",
        {
            "buyer": buyer,
            "filters": filters,
            "rows": rows,
            "cluster_name": cluster_name,
            "query": request.GET.urlencode(),
        },
    )


EXPORT_HEADERS = (
    "factory",
    "country",
    "shared",
    "latest assessment",
    "points assessed",
    "points non-compliant",
    "publicly reported issues non-compliant",
    "plan actions",
    "plan actions done",
    "plan actions overdue",
    "people registered",
    "people trained",
    "training days",
)


def _export_rows(rows):
    for row in rows:
        report, plan, training = row.report, row.plan, row.training
        yield safe_row(
            [
                str(row.factory),
                str(row.country_name),
                ", ".join(sorted(row.scopes)),
                report.assessment.starts_on.isoformat() if report else "",
                report.points_assessed if report else "",
                report.non_compliant_points if report else "",
                "; ".join(str(p) for p in report.public_issues) if report else "",
                plan.total if plan else "",
                plan.done if plan else "",
                plan.overdue if plan else "",
                training.people if training else "",
                training.trained if training else "",
                training.training_days if training else "",
            ]
        )


@others_data
@login_required
@require_GET
def buyer_export(request, fmt):
    """The dashboard as CSV or XLSX (cells neutralised by lms.spreadsheets). A buyer has
    tens to a few hundred suppliers: the file is made in the request, in about ten queries."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    buyer = _buyer(request)
    _filters, rows, _cluster = _dashboard(request, buyer)
    _log(request, buyer, [row.factory.pk for row in rows if row.scopes], Download)
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(EXPORT_HEADERS)
        writer.writerows(_export_rows(rows))
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("suppliers")
        sheet.append(list(EXPORT_HEADERS))
        for line in _export_rows(rows):
            sheet.append(line)
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(
            out.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="suppliers-{stamp}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


@others_data
@login_required
@require_GET
def buyer_supplier(request, pk):
    buyer = _buyer(request)
    factory = _supplier(buyer, pk)
    scopes = sharing.live_scopes(factory_id=factory.pk, buyer_id=buyer.pk)
    context = {
        "buyer": buyer,
        "factory": factory,
        "scopes": scopes,
        "scope_choices": SharingScope.choices,
        "pending": AccessRequest.objects.filter(
            factory=factory, buyer=buyer, state=AccessRequest.State.PENDING
        ).first(),
        "ask_form": AskForm(
            initial={"scopes": [s for s in SharingScope.values if s not in scopes]}
        ),
    }
    if SharingScope.REPORTS in scopes:
        context["reports"] = list(shared.published_reports(factory=factory)[:20])
    if SharingScope.PLAN in scopes:
        context["plan"] = shared.plan_summary(factory=factory)
    if SharingScope.TRAINING in scopes:
        context["training"] = shared.training_summary(factory=factory)
    if scopes:
        _log(request, buyer, [factory.pk], View)
    return render(request, "compliance/sharing/supplier.html", context)


@others_data
@login_required
@require_POST
def buyer_ask(request, pk):
    buyer = _buyer(request)
    factory = _supplier(buyer, pk)
    form = AskForm(request.POST)
    if form.is_valid():
        try:
            sharing.access_request_create(
                factory=factory,
                buyer_user=request.user,
                scopes=form.cleaned_data["scopes"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your request was sent to the factory."))
            return redirect("compliance:buyer_supplier", pk=factory.pk)
    scopes = sharing.live_scopes(factory_id=factory.pk, buyer_id=buyer.pk)
    return render(
        request,
        "compliance/sharing/supplier.html",
        {
            "buyer": buyer,
            "factory": factory,
            "scopes": scopes,
            "scope_choices": SharingScope.choices,
            "ask_form": form,
        },
        status=400,
    )


def _shared_report(request, pk):
    buyer = _buyer(request)
    assessment = get_object_or_404(
        Assessment.objects.select_related(
            "factory__organisation__country", "factory__organisation__sector", "instrument"
        ),
        pk=pk,
        state=Assessment.State.PUBLISHED,
        kind__in=OFFICIAL_KINDS,
    )
    sharing.require_scope(buyer=buyer, factory_id=assessment.factory_id, scope=SharingScope.REPORTS)
    return buyer, assessment


@others_data
@login_required
@require_GET
def buyer_report(request, pk):
    buyer, assessment = _shared_report(request, pk)
    context = selectors.assessment_report(assessment=assessment)
    context["languages"] = settings.LANGUAGES
    _log(request, buyer, [assessment.factory_id], View, SharingScope.REPORTS)
    return render(request, "compliance/sharing/report.html", context)


@others_data
@login_required
@require_GET
def buyer_report_pdf(request, pk):
    from weasyprint import HTML

    buyer, assessment = _shared_report(request, pk)
    supported = {code for code, _name in settings.LANGUAGES}
    language = request.GET.get("language", "")
    if language not in supported:
        language = translation.get_language()
    with translation.override(language):
        context = selectors.assessment_report(assessment=assessment, language_code=language)
        context |= {
            "language": language,
            "direction": "rtl" if language in settings.RTL_LANGUAGES else "ltr",
            "generated": timezone.now(),
        }
        html = render_to_string("compliance/report_pdf.html", context)
    pdf = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    _log(request, buyer, [assessment.factory_id], Download, SharingScope.REPORTS)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="assessment-{assessment.pk}-{language}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


@others_data
@login_required
@require_GET
def buyer_plan(request, pk):
    buyer = _buyer(request)
    factory = _supplier(buyer, pk)
    sharing.require_scope(buyer=buyer, factory_id=factory.pk, scope=SharingScope.PLAN)
    page = Paginator(shared.plan_actions(factory=factory), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    points = selectors.taxonomy_names()[1]
    _log(request, buyer, [factory.pk], View, SharingScope.PLAN)
    return render(
        request,
        "compliance/sharing/plan.html",
        {
            "factory": factory,
            "summary": shared.plan_summary(factory=factory),
            "actions": page,
            "points": points,
            "today": timezone.localdate(),
        },
    )


@others_data
@login_required
@require_GET
def buyer_training(request, pk):
    buyer = _buyer(request)
    factory = _supplier(buyer, pk)
    sharing.require_scope(buyer=buyer, factory_id=factory.pk, scope=SharingScope.TRAINING)
    page = Paginator(shared.training_lines(factory=factory), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    _log(request, buyer, [factory.pk], View, SharingScope.TRAINING)
    return render(
        request,
        "compliance/sharing/training.html",
        {
            "factory": factory,
            "summary": shared.training_summary(factory=factory),
            "lines": page,
            "certificates": sharing.certificates_for(factory.organisation_id),
        },
    )


@others_data
@login_required
@require_http_methods(["GET", "POST"])
def buyer_tokens(request):
    """The buyer's API keys: make one (shown once), see when each was last used."""
    buyer = _buyer(request)
    form = TokenForm(request.POST or None)
    new_key = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            _token, new_key = sharing.buyer_token_create(
                user=request.user, name=form.cleaned_data["name"]
            )
            form = TokenForm()
        else:
            status = 400
    tokens = BuyerToken.objects.filter(buyer=buyer).select_related("user", "revoked_by")
    response = render(
        request,
        "compliance/sharing/tokens.html",
        {"buyer": buyer, "form": form, "tokens": tokens, "new_key": new_key},
        status=status,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@others_data
@login_required
@require_POST
def buyer_token_revoke(request, pk):
    buyer = _buyer(request)
    token = get_object_or_404(BuyerToken, pk=pk, buyer=buyer)
    sharing.buyer_token_revoke(token=token, user=request.user)
    messages.success(request, _("The key was revoked: it no longer opens the API."))
    return redirect("compliance:buyer_tokens")


# --- the factory's side --------------------------------------------------------------------------


def _factory_sharing_for(request, pk) -> Factory:
    factory = get_object_or_404(
        Factory.objects.select_related("organisation__country", "organisation__sector"), pk=pk
    )
    if not sharing.can_read_sharing(request.user, factory):
        raise PermissionDenied
    permissions.require_second_factor_for_outsiders(request, factory)
    return factory


def _sharing_page(request, factory, *, add_form=None, status=200):
    can_manage = sharing.is_factory_manager(request.user, factory)
    return render(
        request,
        "compliance/sharing/factory.html",
        {
            "factory": factory,
            "can_manage": can_manage,
            "buyers": shared.sharing_overview(factory=factory),
            "scope_choices": SharingScope.choices,
            "add_form": add_form or BuyerAddForm(),
            "recent_log": list(shared.access_log_of(factory=factory)[:10]),
        },
        status=status,
    )


@own_or_others_data
@login_required
@require_http_methods(["GET", "POST"])
def factory_sharing(request, pk):
    """What the factory shares with each buyer; its managers add buyers, grant and withdraw
    (``action=add`` or ``action=set``)."""
    factory = _factory_sharing_for(request, pk)
    if request.method == "GET":
        return _sharing_page(request, factory)
    if not sharing.is_factory_manager(request.user, factory):
        raise PermissionDenied
    action = request.POST.get("action")
    if action == "add":
        form = BuyerAddForm(request.POST)
        if not form.is_valid():
            return _sharing_page(request, factory, add_form=form, status=400)
        buyer = form.cleaned_data["buyer"]
        sharing.buyer_link_add(factory=factory, buyer=buyer, user=request.user)
        if form.cleaned_data["scopes"]:
            sharing.grants_set(
                factory=factory,
                buyer=buyer,
                scopes=form.cleaned_data["scopes"],
                user=request.user,
            )
        messages.success(request, _("%(buyer)s is on your list of buyers.") % {"buyer": buyer})
        return redirect("compliance:sharing", pk=factory.pk)
    if action == "set":
        form = GrantsForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose what to share from the list."))
            return redirect("compliance:sharing", pk=factory.pk)
        buyer = form.cleaned_data["buyer"]
        sharing.grants_set(
            factory=factory, buyer=buyer, scopes=form.cleaned_data["scopes"], user=request.user
        )
        messages.success(
            request, _("What %(buyer)s may see has changed, from now on.") % {"buyer": buyer}
        )
        return redirect("compliance:sharing", pk=factory.pk)
    raise Http404


@own_or_others_data
@login_required
@require_POST
def access_request_decide(request, pk, request_id):
    factory = _factory_sharing_for(request, pk)
    access_request = get_object_or_404(AccessRequest, pk=request_id, factory=factory)
    if not sharing.is_factory_manager(request.user, factory):
        raise PermissionDenied
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("compliance:sharing", pk=factory.pk)
    try:
        sharing.access_request_decide(
            access_request=access_request,
            user=request.user,
            accept=form.cleaned_data["decision"] == "accept",
            scopes=form.cleaned_data["scopes"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("compliance:sharing", pk=factory.pk)


@own_or_others_data
@login_required
@require_GET
def access_log(request, pk):
    """Every view and download of the factory's information by a buyer's user, newest
    first."""
    factory = _factory_sharing_for(request, pk)
    page = Paginator(shared.access_log_of(factory=factory), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "compliance/sharing/access_log.html", {"factory": factory, "log": page})
