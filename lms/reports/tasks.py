"""Exports are built in a worker: a large country's records do not fit in a request."""

import logging

from django.core.files import File
from django.http import QueryDict
from django.utils import timezone

from lms.celery import shared_task
from lms.reports import exports
from lms.reports.filters import parse_filters
from lms.reports.impact import impact_tables
from lms.reports.models import ReportExport
from lms.reports.training_prepared import fresh_indicator_tables

logger = logging.getLogger(__name__)


@shared_task
def export_build(export_id: int) -> str:
    """Build one export (once: a retried task finds it done and does nothing)."""
    claimed = ReportExport.objects.filter(pk=export_id, status=ReportExport.Status.PENDING).update(
        status=ReportExport.Status.RUNNING
    )
    if not claimed:
        return "skipped"
    export = ReportExport.objects.select_related("requested_by").get(pk=export_id)
    try:
        from django.utils import translation

        with translation.override(export.requested_by.preferred_language):
            query = QueryDict(mutable=True)
            query.update(export.filters)
            filters, _form = parse_filters(query, user=export.requested_by)
            if export.subject == ReportExport.Subject.IMPACT:
                # Factory-level figures: no personal records to add.
                tables, records = impact_tables(filters), None
            else:
                # The snapshot the dashboard shows, when younger than its refresh
                # interval (decision 0605); the records are read now.
                prepared = fresh_indicator_tables(filters)
                tables, export.snapshot_at = prepared.tables, prepared.computed_at
                records = None if export.for_sharing else exports.anonymised_records(filters)
            writer = exports.write_xlsx if export.format == "xlsx" else exports.write_csv
            handle, rows = writer(tables, records, for_sharing=export.for_sharing)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        prefix = "outcomes" if export.subject == ReportExport.Subject.IMPACT else "impact"
        name = f"{prefix}-report-{stamp}.{export.format}"
        with handle:
            export.file.save(name, File(handle), save=False)
        export.rows = rows
        export.status = ReportExport.Status.READY
    except Exception as error:
        # The reason stays in the log and the row for staff; people sharing the build see
        # only that it failed.
        logger.exception("export %s failed", export_id)
        export.status = ReportExport.Status.FAILED
        export.error = str(error)[:2000]
    export.finished_at = timezone.now()
    export.save()
    return export.status


@shared_task
def impact_views_prepare() -> int:
    """Recompute the recently opened impact views after their data changed."""
    from lms.reports.impact_prepared import prepare_recent_views

    return prepare_recent_views()


@shared_task
def training_views_prepare() -> int:
    """Recompute the training tables of the views opened in the last day (Celery beat)."""
    from lms.reports.training_prepared import recent_views_prepare

    return recent_views_prepare()


@shared_task
def training_view_prepare(language: str, spec: dict) -> None:
    """Recompute one view whose snapshot a reader found older than the refresh interval."""
    from lms.reports.training_prepared import view_prepare

    view_prepare(language, spec)


@shared_task
def stale_exports_remove() -> int:
    """Remove the record files that a newer build replaces or that are a day old (beat)."""
    from lms.reports.export_requests import stale_exports_remove

    return stale_exports_remove()
