"""The factory manager's workforce pages (``lms.portal.workforce``): other people's data, so
every one of them needs the second factor; each answers only those ``may_view_workforce``
lets in."""

import csv
import tempfile

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from lms.accounts.exposure import others_data
from lms.accounts.models import Organisation
from lms.portal import workforce

PAGE_SIZE = 50


def _organisation(request, organisation_id: int) -> Organisation:
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    if not workforce.may_view_workforce(request.user, organisation):
        raise PermissionDenied
    return organisation


@others_data
@login_required
@require_GET
def workforce_home(request):
    """A manager goes straight to their organisation; staff choose one."""
    organisations = workforce.organisations_overview(user=request.user)
    if not (request.user.is_global_admin or request.user.is_country_staff):
        own = organisations.first()
        if own is None:
            raise PermissionDenied
        return redirect("portal:workforce", organisation_id=own.pk)
    page = Paginator(organisations.order_by("country__code", "name"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "portal/workforce_organisations.html", {"page": page})


@others_data
@login_required
@require_GET
def workforce_view(request, organisation_id: int):
    organisation = _organisation(request, organisation_id)
    today = timezone.localdate()
    overdue_only = request.GET.get("overdue") == "1"
    people = workforce.workforce_people(
        organisation=organisation, today=today, overdue_only=overdue_only
    )
    summary = workforce.workforce_summary(organisation=organisation, today=today)
    paginator = Paginator(people, PAGE_SIZE)
    # The summary has counted these people already (with the same filters).
    paginator.count = summary.people_overdue if overdue_only else summary.people
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "portal/workforce.html",
        {
            "organisation": organisation,
            "summary": summary,
            "page": page,
            "rows": workforce.workforce_rows(people=list(page), today=today),
            "overdue_only": overdue_only,
            "today": today,
        },
    )


class _Echo:
    """A file-like object whose ``write`` hands the line back, for streaming CSV."""

    def write(self, value):
        return value


@others_data
@login_required
@require_GET
def workforce_export(request, organisation_id: int, fmt: str):
    organisation = _organisation(request, organisation_id)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    today = timezone.localdate()
    rows = workforce.export_rows(
        organisation=organisation, today=today, overdue_only=request.GET.get("overdue") == "1"
    )
    filename = f"workforce-{organisation.pk}-{today.isoformat()}.{fmt}"
    if fmt == "csv":
        writer = csv.writer(_Echo())
        lines = (writer.writerow(row) for row in rows)
        response = StreamingHttpResponse(_with_bom(lines), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return FileResponse(
        _xlsx(rows),
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _with_bom(lines):
    yield "\ufeff"  # spreadsheets then read the file as UTF-8
    yield from lines


def _xlsx(rows):
    """A workbook written row by row (openpyxl's write-only mode)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title="workforce")
    for row in rows:
        sheet.append(row)
    out = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    book.save(out)
    out.seek(0)
    return out
