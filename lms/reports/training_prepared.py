"""Training indicator tables prepared ahead and served with their age (decision 0605).

At programme scale (100,000 learners, 1,000,000 learning records) computing every training
indicator takes seconds of database time, and the records it reads arrive all day: tables
keyed by a data generation (as the impact tables are, decision 0604) would be out of date
again before anyone read them. These tables are a snapshot instead, like a materialised view:

- a view (filters and language) is computed by ``indicator_tables``, the one definition of
  every figure, and kept in the shared cache with the moment it was computed;
- a Celery beat task recomputes, every ``REPORTS_TABLES_REFRESH_SECONDS``, the views
  opened in the last day (at most ``RECENT_LIMIT``), so readers find them ready;
- a reader gets the kept snapshot while it is younger than the refresh interval; an older one
  is still served (and its refresh scheduled) when a worker exists, up to
  ``STALE_LIMIT_SECONDS``; without a worker (the embedded demo) or past that limit the request
  computes it;
- the page says when its figures were computed.

Nothing people do moves a published figure directly: a snapshot is only ever computed from
the source rows (enrolments, presences, server-scored records...), by a worker or a staff
member's request, so losing the cache loses nothing that cannot be computed again.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

from lms.reports.filters import ReportFilters
from lms.reports.impact_prepared import _spec_key, filters_from_spec, filters_spec
from lms.reports.selectors import Table, indicator_tables

logger = logging.getLogger(__name__)

RECENT_KEY = "reports:training:recent"
RECENT_LIMIT = 20
# Views nobody opened for a day are no longer refreshed.
RECENT_FOR = dt.timedelta(days=1)
# A snapshot older than this is computed again in the request, worker or not.
STALE_LIMIT_SECONDS = 60 * 60
KEEP_SECONDS = 60 * 60 * 24


def refresh_seconds() -> int:
    return settings.REPORTS_TABLES_REFRESH_SECONDS


@dataclass
class PreparedTables:
    tables: list[Table]
    computed_at: dt.datetime

    @property
    def age(self) -> dt.timedelta:
        return timezone.now() - self.computed_at


def _tables_key(language: str, spec: dict) -> str:
    return f"reports:training:tables:{language}:{_spec_key(spec)}"


def _refresh_guard_key(language: str, spec: dict) -> str:
    return f"reports:training:refreshing:{language}:{_spec_key(spec)}"


def tables_prepare(filters: ReportFilters, language: str | None = None) -> PreparedTables:
    """Compute the tables for ``filters`` in ``language`` (the active one by default) and
    keep them for the next reader."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    spec = filters_spec(filters)
    started = timezone.now()
    with translation.override(language):
        prepared = PreparedTables(indicator_tables(filters), computed_at=started)
    cache.set(_tables_key(language, spec), prepared, KEEP_SECONDS)
    return prepared


def prepared_indicator_tables(filters: ReportFilters, *, remember: bool = True) -> PreparedTables:
    """The training tables for ``filters`` in the active language: a kept snapshot while it
    is fresh enough (see the module's docstring), otherwise computed now and kept."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    spec = filters_spec(filters)
    if remember:
        _remember_view(language, spec)
    prepared = cache.get(_tables_key(language, spec))
    if prepared is None:
        return tables_prepare(filters, language)
    age = prepared.age.total_seconds()
    if age < refresh_seconds():
        return prepared
    if settings.CELERY_TASK_ALWAYS_EAGER or age >= STALE_LIMIT_SECONDS:
        return tables_prepare(filters, language)
    _schedule_refresh(language, spec)
    return prepared


def fresh_indicator_tables(filters: ReportFilters) -> PreparedTables:
    """For an export (already in a worker): the kept snapshot only while it is younger than
    the refresh interval, so a file is never older than the page; else computed now."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return kept_fresh_tables(filters, language) or tables_prepare(filters, language)


def kept_fresh_tables(filters: ReportFilters, language: str) -> PreparedTables | None:
    """The kept snapshot of a view while it is younger than the refresh interval, or
    ``None``; never computes."""
    prepared = cache.get(_tables_key(language, filters_spec(filters)))
    if prepared is not None and prepared.age.total_seconds() < refresh_seconds():
        return prepared
    return None


def _schedule_refresh(language: str, spec: dict) -> None:
    if not cache.add(_refresh_guard_key(language, spec), 1, timeout=refresh_seconds()):
        return  # already on its way
    from lms.reports.tasks import training_view_prepare

    try:
        training_view_prepare.delay(language, spec)
    except Exception:  # the broker is down: the stale snapshot stays until the limit
        cache.delete(_refresh_guard_key(language, spec))
        logger.exception("could not schedule a training tables refresh")


def _remember_view(language: str, spec: dict) -> None:
    now = timezone.now()
    recent = [
        (lang, view_spec, seen)
        for lang, view_spec, seen in cache.get(RECENT_KEY) or []
        if (lang, view_spec) != (language, spec)
    ]
    recent.insert(0, (language, spec, now))
    cache.set(RECENT_KEY, recent[:RECENT_LIMIT], timeout=None)


def recent_views() -> list[tuple[str, dict]]:
    """The views opened in the last day, most recent first."""
    since = timezone.now() - RECENT_FOR
    return [(lang, spec) for lang, spec, seen in cache.get(RECENT_KEY) or [] if seen >= since]


def view_prepare(language: str, spec: dict) -> None:
    """Recompute one view (a worker's job)."""
    cache.delete(_refresh_guard_key(language, spec))
    tables_prepare(filters_from_spec(spec), language)


def recent_views_prepare() -> int:
    """Recompute the views opened in the last day whose snapshot is older than half the
    refresh interval (a beat task; a view a reader refreshed meanwhile is left alone)."""
    prepared = 0
    for language, spec in recent_views():
        kept = cache.get(_tables_key(language, spec))
        if kept is not None and kept.age.total_seconds() < refresh_seconds() / 2:
            continue
        view_prepare(language, spec)
        prepared += 1
    return prepared
