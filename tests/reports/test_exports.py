"""Exports: built by the Celery task, downloaded by their requester only, with small
counts suppressed when shared outside the country team."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from courses.models import Enrolment
from lms.reports.disclosure import SUPPRESSED, suppress
from lms.reports.exports import (
    anonymised_records,
    pseudonym,
    record_header,
    table_rows,
    write_xlsx,
)
from lms.reports.filters import ReportFilters
from lms.reports.models import ReportExport
from lms.reports.selectors import indicator_tables
from lms.reports.tasks import export_build
from lms.spreadsheets import safe_row
from tests.accounts.factories import country_staff, global_admin
from tests.reports.test_dashboard import sign_in

pytestmark = pytest.mark.django_db


def request_export(client, django_capture_on_commit_callbacks, query="", **fields):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{reverse('reports_export')}?{query}", fields)
    assert response.status_code == 302
    return ReportExport.objects.latest("created_at")


def download(client, export) -> bytes:
    response = client.get(reverse("reports_export_download", args=[export.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_small_counts_are_suppressed_only_when_shared():
    assert suppress(3) == SUPPRESSED
    assert suppress(0) == 0
    assert suppress(5) == 5
    assert suppress(7) == 5
    assert suppress(8) == 10
    assert suppress(True) is True
    assert suppress(4.5) == 4.5


def test_csv_for_the_country_team_has_figures_and_anonymised_records(
    client, data, totp_for, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    sign_in(client, country_staff("vn"), totp_for)
    export = request_export(client, django_capture_on_commit_callbacks, format="csv")
    export.refresh_from_db()
    assert export.status == ReportExport.Status.READY
    assert export.filters == {"country": "vn"}
    text = download(client, export).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert ["Participants trained", "4"] in rows
    saigon = next(row for row in rows if row and row[0] == "Saigon Garments")
    assert saigon[2:] == ["3", "10.0", "30.0"]  # days delivered, allocated, used %
    assert "Irbid Apparel" not in text
    assert pseudonym(data.w1.pk) in text
    assert data.w1.username not in text
    assert SUPPRESSED not in text


def test_xlsx_for_sharing_suppresses_small_counts_and_leaves_out_records(
    client, data, totp_for, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    sign_in(client, global_admin(), totp_for)
    export = request_export(
        client,
        django_capture_on_commit_callbacks,
        query="country=vn",
        format="xlsx",
        for_sharing="on",
    )
    export.refresh_from_db()
    assert export.status == ReportExport.Status.READY
    book = load_workbook(io.BytesIO(download(client, export)), read_only=True)
    assert "records" not in book.sheetnames
    summary = [list(row) for row in book["summary"].iter_rows(values_only=True)]
    assert ["Participants trained", SUPPRESSED] in summary
    coverage = [list(row) for row in book["coverage"].iter_rows(values_only=True)]
    workers = next(row for row in coverage if row[0] and "Worker" in str(row[0]))
    # 2 trained is hidden, and so is the coverage computed from it; the 5 workers are
    # hidden too (secondary suppression): the 1 manager and 1 supervisor hidden above them
    # would otherwise hide fewer than 5 people together
    assert workers[1:3] == [SUPPRESSED, SUPPRESSED]
    assert workers[3] in (None, "")
    assert workers[4] == 20


def test_only_the_requester_downloads_an_export(
    client, data, totp_for, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    sign_in(client, global_admin(), totp_for)
    export = request_export(client, django_capture_on_commit_callbacks, format="csv")
    other = Client()
    sign_in(other, country_staff("vn"), totp_for)
    response = other.get(reverse("reports_export_download", args=[export.pk]), follow=True)
    assert response.status_code == 404
    assert download(client, export)


def test_a_retried_task_builds_the_export_once(data, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    export = ReportExport.objects.create(requested_by=global_admin(), format="csv")
    assert export_build(export.pk) == ReportExport.Status.READY
    name = ReportExport.objects.get(pk=export.pk).file.name
    assert export_build(export.pk) == "skipped"
    assert ReportExport.objects.get(pk=export.pk).file.name == name


def test_an_invalid_export_request_changes_nothing(client, data, totp_for):
    sign_in(client, global_admin(), totp_for)
    response = client.post(reverse("reports_export"), {"format": "pdf"})
    assert response.status_code == 302
    assert not ReportExport.objects.exists()


def openpyxl_xlsx(tables, records, *, for_sharing):
    """The writer the streaming one replaced (openpyxl's write-only mode), kept as the
    reference of what the file says."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for table in tables:
        sheet = book.create_sheet(title=table.key[:31])
        sheet.append(safe_row([table.title]))
        for row in table_rows(table, for_sharing=for_sharing):
            sheet.append([str(v) if not isinstance(v, int | float | str) else v for v in row])
    if records is not None:
        sheet = book.create_sheet(title="records")
        sheet.append(safe_row(record_header()))
        for row in records:
            sheet.append(safe_row(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sheets_read(content: bytes) -> dict[str, list[list]]:
    book = load_workbook(io.BytesIO(content))
    return {
        name: [list(row) for row in book[name].iter_rows(values_only=True)]
        for name in book.sheetnames
    }


@pytest.mark.parametrize("for_sharing", [False, True])
def test_the_xlsx_says_what_the_openpyxl_file_said(data, for_sharing):
    """Same sheets, titles, headers, values and types as the openpyxl writer gave, with an
    organisation and a cohort named to run a formula or written right to left."""
    data.org_a.name = "=cmd|' /C calc'!A0"
    data.org_a.save()
    data.org_b.name = "\u200fمصنع إربد"
    data.org_b.save()
    filters = ReportFilters()
    tables = indicator_tables(filters)
    records = None if for_sharing else anonymised_records(filters)
    handle, rows = write_xlsx(tables, records, for_sharing=for_sharing)
    with handle:
        ours = sheets_read(handle.read())
    records = None if for_sharing else anonymised_records(filters)
    reference = sheets_read(openpyxl_xlsx(tables, records, for_sharing=for_sharing))
    assert ours == reference
    assert [[type(v) for v in row] for rows_ in ours.values() for row in rows_] == [
        [type(v) for v in row] for rows_ in reference.values() for row in rows_
    ]
    assert ("records" in ours) is not for_sharing
    assert rows == sum(len(sheet) - 1 for sheet in ours.values())
    text = str(ours)
    assert "'=cmd|' /C calc'!A0" in text
    if not for_sharing:
        assert len(ours["records"]) == Enrolment.objects.count() + 1
        assert ours["records"][0] == record_header()


def test_a_control_character_that_failed_the_openpyxl_file_is_left_out(data):
    from openpyxl.utils.exceptions import IllegalCharacterError

    data.org_b.name = "Irbid\x07 Apparel\x1b"
    data.org_b.save()
    tables = indicator_tables(ReportFilters())
    with pytest.raises(IllegalCharacterError):
        openpyxl_xlsx(tables, None, for_sharing=False)
    handle, _rows = write_xlsx(tables, None, for_sharing=False)
    with handle:
        assert "Irbid Apparel" in str(sheets_read(handle.read()))
