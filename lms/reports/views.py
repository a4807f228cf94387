"""The dashboards in the Wagtail admin (training indicators; compliance, productivity and
economic indicators), and their exports."""

from dataclasses import replace

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lms.accounts.exposure import others_data, own_data
from lms.accounts.selectors import country_scope
from lms.private_files import private_file_response
from lms.reports.charts import bar_chart, line_chart
from lms.reports.filters import parse_filters, scope_country_code
from lms.reports.impact import level_of
from lms.reports.impact_prepared import prepared_impact_tables
from lms.reports.models import ReportExport
from lms.reports.training_prepared import prepared_indicator_tables
from lms.taxonomy.models import Country
from lms.taxonomy.selectors import terms_in_language


def may_see_reports(user) -> bool:
    return user.is_authenticated and country_scope(user) is not False


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label=gettext_lazy("Format"), choices=ReportExport.Format.choices, initial="xlsx"
    )
    for_sharing = forms.BooleanField(
        label=gettext_lazy("For sharing outside the country team"),
        help_text=gettext_lazy(
            "Counts under 5 are suppressed and no individual records are included."
        ),
        required=False,
    )


def dashboard(request):
    if not may_see_reports(request.user):
        raise PermissionDenied
    filters, form = parse_filters(request.GET, user=request.user)
    prepared = prepared_indicator_tables(filters)
    rtl = translation.get_language_bidi()
    panels = [(table, bar_chart(table, rtl=rtl)) for table in prepared.tables]
    scope = country_scope(request.user)
    return render(
        request,
        "reports/admin/dashboard.html",
        {
            "form": form,
            "filters": filters,
            "panels": panels,
            "computed_at": prepared.computed_at,
            "refresh_minutes": max(1, settings.REPORTS_TABLES_REFRESH_SECONDS // 60),
            "global_view": scope is None and filters.country is None,
            "query": urlencode(filters.as_query()),
            "export_form": ExportForm(),
            "exports": ReportExport.objects.filter(requested_by=request.user).select_related(
                "shares"
            )[:10],
        },
    )


@require_POST
def export_create(request):
    if not may_see_reports(request.user):
        raise PermissionDenied
    filters, _form = parse_filters(request.GET, user=request.user)
    form = ExportForm(request.POST)
    subject = request.POST.get("subject", ReportExport.Subject.TRAINING)
    if subject not in ReportExport.Subject.values:
        subject = ReportExport.Subject.TRAINING
    back = "reports_impact" if subject == ReportExport.Subject.IMPACT else "reports_dashboard"
    if not form.is_valid():
        messages.error(request, _("Choose a format for the export."))
        return redirect(f"{reverse(back)}?{urlencode(filters.as_query())}")
    from lms.reports.export_requests import export_request
    from lms.reports.tasks import export_build

    export, build = export_request(
        requested_by=request.user,
        filters=filters,
        format=form.cleaned_data["format"],
        subject=subject,
        for_sharing=form.cleaned_data["for_sharing"],
    )
    if build:
        transaction.on_commit(lambda: export_build.delay(export.pk))
    if export.view_key:  # a file with records: its own page, or the file when it is ready
        return redirect("reports_export_status", export.pk)
    messages.success(
        request, _("The export is being built. Its download link appears below when ready.")
    )
    return redirect(f"{reverse(back)}?{urlencode(filters.as_query())}")


def _export_of(request, pk: int) -> ReportExport:
    """The person's own export, while it is still within what they may see: someone moved
    to another country, or no longer programme-wide, keeps no file of the old scope."""
    if not may_see_reports(request.user):
        raise PermissionDenied
    export = get_object_or_404(
        ReportExport.objects.select_related("shares"), pk=pk, requested_by=request.user
    )
    scope = country_scope(request.user)
    if scope is not None and export.filters.get("country") != scope_country_code(scope):
        raise PermissionDenied
    return export


def export_status(request, pk: int):
    """A requested export: the file once it is built, else a page saying it is being
    prepared, with a link to check again (and a script that does it by itself)."""
    export = _export_of(request, pk)
    ready = export.build.status == ReportExport.Status.READY and bool(export.build.file)
    if request.GET.get("poll"):
        # The page's script asks here; the file itself comes from the page's own address.
        waiting = export.build.status in (ReportExport.Status.PENDING, ReportExport.Status.RUNNING)
        response = JsonResponse({"ready": ready, "finished": not waiting})
        response["Cache-Control"] = "no-store"
        return response
    if ready:
        return redirect("reports_export_download", export.pk)
    response = render(
        request,
        "reports/admin/export_status.html",
        {"export": export, "build": export.build, "query": urlencode(export.filters)},
    )
    response["Cache-Control"] = "no-store"
    return response


LEVELS = {
    "factory": gettext_lazy("Factory"),
    "industry": gettext_lazy("Industry (sector within a country)"),
    "country": gettext_lazy("Country"),
    "programme": gettext_lazy("Programme"),
}


# The page shows the first rows of a table with a row per factory (a programme has
# thousands: 1.2 MB of HTML at 2,000); the export has them all.
PAGE_ROWS = 100
LONG_TABLES = {"factory_training"}


def page_table(table):
    """``table`` as the page shows it: a table with a row per factory cut to its first
    ``PAGE_ROWS`` rows, with a note saying so; the kept table itself is left whole."""
    if table.key not in LONG_TABLES or len(table.rows) <= PAGE_ROWS:
        return table
    shown = _(
        "The first %(shown)s of %(total)s factories are shown; the export has every factory."
    ) % {"shown": PAGE_ROWS, "total": len(table.rows)}
    return replace(table, rows=table.rows[:PAGE_ROWS], note=f"{table.note} {shown}".strip())


@others_data
def impact_dashboard(request):
    """Compliance, productivity, employment, economic and per-factory training indicators
    for a factory, an industry, a country or the programme."""
    if not may_see_reports(request.user):
        raise PermissionDenied
    filters, form = parse_filters(request.GET, user=request.user)
    tables = prepared_impact_tables(filters)
    rtl = translation.get_language_bidi()
    panels = []
    for table in map(page_table, tables):
        if table.chart_kind == "line":
            chart = line_chart(table, rtl=rtl)
        else:
            chart = bar_chart(table, rtl=rtl)
        panels.append((table, chart))
    return render(
        request,
        "reports/admin/impact.html",
        {
            "form": form,
            "filters": filters,
            "level": LEVELS[level_of(filters)],
            "panels": panels,
            "query": urlencode(filters.as_query()),
            "export_form": ExportForm(),
            "exports": ReportExport.objects.filter(
                requested_by=request.user, subject=ReportExport.Subject.IMPACT
            ).select_related("shares")[:10],
        },
    )


def export_download(request, pk: int):
    export = _export_of(request, pk)
    build = export.build  # the file may be one built for another request of the same view
    if build.status != ReportExport.Status.READY or not build.file:
        raise Http404
    from lms.accounts.audit import audit_access

    audit_access(
        actor=request.user,
        subject=export,
        what="report export downloaded",
        details={"filters": export.filters, "for_sharing": export.for_sharing},
    )
    return private_file_response(
        build.file, as_attachment=True, filename=build.file.name.rsplit("/", 1)[-1]
    )


class EvaluationFilterForm(forms.Form):
    """The country filter, offering the default-language rows (the ones answers point at)
    from the terms the process keeps: no query. ``country`` cleans to the country's id."""

    country = forms.TypedChoiceField(
        label=gettext_lazy("Country"), coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args, scope=None, **kwargs):
        super().__init__(*args, **kwargs)
        countries = terms_in_language(model=Country, language_code=settings.LANGUAGE_CODE)
        offered = sorted(
            (c for c in countries.values() if not scope or c.pk == scope), key=lambda c: c.name
        )
        self.fields["country"].choices = [("", "---------"), *((c.pk, c.name) for c in offered)]


@others_data
def evaluations_dashboard(request):
    """Evaluation results per country, course and trainer, and the comments; country staff
    see their own country's (asking for another is refused)."""
    if not may_see_reports(request.user):
        raise PermissionDenied
    from lms.reports.evaluations import evaluation_comments, evaluation_tables

    scope = country_scope(request.user)
    form = EvaluationFilterForm(request.GET or None, scope=scope)
    if form.is_bound and not form.is_valid():  # another country, or not a country
        raise PermissionDenied
    chosen = form.cleaned_data.get("country") if form.is_bound else None
    country_id = scope or chosen
    return render(
        request,
        "reports/admin/evaluations.html",
        {
            "form": form,
            "tables": evaluation_tables(country_id=country_id),
            "comments": evaluation_comments(country_id=country_id),
        },
    )


@own_data
def my_evaluations(request):
    """A trainer's own evaluation averages (suppressed under five answers); no comments."""
    from django.contrib.auth.views import redirect_to_login

    from courses.selectors import is_trainer
    from lms.reports.evaluations import trainer_tables

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_trainer(request.user):
        raise PermissionDenied
    return render(
        request,
        "reports/my_evaluations.html",
        {"tables": trainer_tables(trainer=request.user)},
    )
