"""Asking for an export, and sharing one build of a file with anonymised records among the
requests for the same view and snapshot (decision 0607).

A file with every enrolment record takes seconds to minutes to write at programme scale
(100,000 rows), so it is never written in the request: the request finds the file already
built for this view (indicators, filters, format, language) and snapshot of the tables, or
the build on its way, or starts one build for everyone who asks meanwhile. The small
tables-only files (for sharing outside the country team, compliance and outcomes) are built
for each request as before: they take well under a second.
"""

import datetime as dt
import hashlib
import json

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from lms.reports.filters import ReportFilters
from lms.reports.models import ReportExport
from lms.reports.training_prepared import kept_fresh_tables, refresh_seconds

# A built file is removed once a newer one of its view is ready, or after this long.
FILE_KEEP = dt.timedelta(days=1)
IN_FLIGHT = (ReportExport.Status.PENDING, ReportExport.Status.RUNNING)
# A build waiting or running longer than this is taken for lost (the largest takes minutes).
BUILD_GIVEN_UP_AFTER = dt.timedelta(minutes=30)


def export_view_key(
    *, subject: str, format: str, for_sharing: bool, language: str, filters: ReportFilters
) -> str:
    """What makes two record files the same file, or ``""`` for an export built each time
    (tables only)."""
    if subject != ReportExport.Subject.TRAINING or for_sharing:
        return ""
    view = {"format": format, "language": language, "filters": filters.as_query()}
    return hashlib.sha256(json.dumps(view, sort_keys=True).encode()).hexdigest()


def export_request(
    *, requested_by, filters: ReportFilters, format: str, subject: str, for_sharing: bool
) -> tuple[ReportExport, bool]:
    """The person's export of this view, and whether a build must be started for it (the
    caller schedules ``export_build`` after the commit). Never builds in the request."""
    fields = {
        "requested_by": requested_by,
        "format": format,
        "subject": subject,
        "for_sharing": for_sharing,
        "filters": filters.as_query(),
    }
    language = requested_by.preferred_language
    key = export_view_key(
        subject=subject, format=format, for_sharing=for_sharing, language=language, filters=filters
    )
    if not key:
        return ReportExport.objects.create(**fields), True
    for _attempt in range(3):
        build = _current_build(key, filters, language)
        if build is not None:
            return _share(build, requested_by, fields), False
        try:
            with transaction.atomic():
                return ReportExport.objects.create(view_key=key, **fields), True
        except IntegrityError:
            continue  # another request started the build a moment ago: share it
    raise RuntimeError("no build found or started for the export")  # pragma: no cover


def _current_build(key: str, filters: ReportFilters, language: str) -> ReportExport | None:
    """The build of this view on its way, or the ready one made from the current snapshot."""
    builds = ReportExport.objects.filter(view_key=key, shares__isnull=True)
    in_flight = builds.filter(status__in=IN_FLIGHT).first()
    if in_flight is not None:
        if in_flight.created_at >= timezone.now() - BUILD_GIVEN_UP_AFTER:
            return in_flight
        # Never finished (its worker killed, its task lost): given up, so that the view
        # can be exported again; a task that still comes finds it claimed and does nothing.
        builds.filter(pk=in_flight.pk, status__in=IN_FLIGHT).update(
            status=ReportExport.Status.FAILED,
            error="given up: not finished in time",
            finished_at=timezone.now(),
        )
    kept = kept_fresh_tables(filters, language)
    ready = builds.filter(status=ReportExport.Status.READY).exclude(file="")
    if kept is not None:
        ready = ready.filter(snapshot_at=kept.computed_at)
    else:  # the snapshot a build used is no longer kept: one younger than the interval
        since = timezone.now() - dt.timedelta(seconds=refresh_seconds())
        ready = ready.filter(snapshot_at__gte=since)
    return ready.order_by("-snapshot_at", "-pk").first()


def _share(build: ReportExport, requested_by, fields: dict) -> ReportExport:
    """The person's row for ``build``: theirs already (a repeated request), or a new one."""
    own = ReportExport.objects.filter(requested_by=requested_by).filter(
        Q(pk=build.pk) | Q(shares=build)
    )
    return own.first() or ReportExport.objects.create(
        view_key=build.view_key, shares=build, **fields
    )


def stale_exports_remove(*, now: dt.datetime | None = None) -> int:
    """Remove the files of record builds that a newer ready build of their view replaces,
    or older than ``FILE_KEEP``; the rows stay (marked expired) for the record. Returns
    how many files were removed."""
    now = now or timezone.now()
    ready = ReportExport.objects.filter(
        shares__isnull=True, status=ReportExport.Status.READY
    ).exclude(view_key="")
    newest: dict[str, int] = {}
    for pk, key in ready.order_by("view_key", "-snapshot_at", "-pk").values_list("pk", "view_key"):
        newest.setdefault(key, pk)
    stale = ready.filter(
        Q(finished_at__lt=now - FILE_KEEP) | ~Q(pk__in=list(newest.values()))
    ).exclude(file="")
    removed = 0
    for export in stale:
        export.file.delete(save=False)
        export.status = ReportExport.Status.EXPIRED
        export.save(update_fields=["file", "status"])
        removed += 1
    return removed
