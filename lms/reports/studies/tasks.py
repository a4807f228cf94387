"""Study panels are built in a worker: every outcome of every year of every factory."""

from django.core.files import File
from django.utils import timezone

from lms.celery import shared_task
from lms.reports.studies import panel_export
from lms.reports.studies.analysis import build_panel
from lms.reports.studies.models import StudyExport


@shared_task
def study_export_build(export_id: int) -> str:
    """Build one export (once: a retried task finds it claimed and does nothing)."""
    claimed = StudyExport.objects.filter(pk=export_id, status=StudyExport.Status.PENDING).update(
        status=StudyExport.Status.RUNNING
    )
    if not claimed:
        return "skipped"
    export = StudyExport.objects.select_related("study", "requested_by").get(pk=export_id)
    try:
        from django.utils import translation

        with translation.override(export.requested_by.preferred_language or "en"):
            panel = build_panel(export.study)
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
            base = f"study-{export.study_id}-panel-{stamp}"
            for field, writer, name in (
                (export.panel_csv, panel_export.write_csv, f"{base}.csv"),
                (export.panel_parquet, panel_export.write_parquet, f"{base}.parquet"),
                (export.dictionary, panel_export.write_dictionary, f"{base}-dictionary.csv"),
            ):
                with writer(panel) as handle:
                    field.save(name, File(handle), save=False)
        export.rows = len(panel.rows)
        export.status = StudyExport.Status.READY
    except Exception as error:
        export.status = StudyExport.Status.FAILED
        export.error = str(error)[:2000]
    export.finished_at = timezone.now()
    export.save()
    return export.status
