"""Impact tables prepared ahead of the request (decision 0604).

Computing every impact indicator for a country or the programme reads millions of findings
and monthly figures: seconds of database time. The dashboard therefore reads tables that a
worker prepared, the way a materialised view is read:

- every change to the data the indicators read (compliance, surveys, economic figures,
  training attendance and enrolment) moves a *data generation* forward, after the change
  commits;
- tables are kept under the generation, the language and the filters they were computed for,
  so a table computed before a change is never served after it;
- a worker recomputes, for the new generation, the views people opened recently (at most one
  refresh a minute however busy the site), so the next reader finds them ready;
- a view nobody prepared is computed in the request, as before, and kept.

The figures are those of ``impact_tables`` itself: nothing here computes an indicator.
"""

import hashlib
import logging

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import translation

from lms.reports.filters import ReportFilters
from lms.reports.impact import country_factory_values, impact_tables

logger = logging.getLogger(__name__)

GENERATION_KEY = "reports:impact:generation"
RECENT_KEY = "reports:impact:recent"
REFRESH_GUARD_KEY = "reports:impact:refresh-scheduled"
RECENT_LIMIT = 50
# A generation that moved on makes its tables unreachable anyway; the timeout bounds how
# long a change made without signals (a raw bulk load) can go unseen.
TABLES_TIMEOUT = 60 * 60 * 6
REFRESH_DELAY_SECONDS = 60

# The filters a view is keyed on, as (field, how to store it).
_FILTER_FIELDS = (
    "since",
    "until",
    "country",
    "sector",
    "organisation",
    "course",
    "cohort",
    "role",
    "gender",
    "migrant_status",
)
_RELATED = {"country", "sector", "organisation", "course", "cohort"}


def data_generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # First use, or the cache was emptied: start a generation no earlier table can have.
        import time

        generation = int(time.time() * 1000)
        if not cache.add(GENERATION_KEY, generation, timeout=None):
            generation = cache.get(GENERATION_KEY, generation)
    return generation


def filters_spec(filters: ReportFilters) -> dict:
    """The filters as plain values (ids and ISO dates), enough to rebuild them in a worker."""
    spec = {}
    for name in _FILTER_FIELDS:
        value = getattr(filters, name)
        if value in (None, ""):
            continue
        if name in _RELATED:
            spec[name] = value.pk
        elif name in ("since", "until"):
            spec[name] = value.isoformat()
        else:
            spec[name] = value
    return spec


def filters_from_spec(spec: dict) -> ReportFilters:
    import datetime as dt

    values = {}
    for name, value in spec.items():
        if name in _RELATED:
            model = _related_model(name)
            values[name] = model.objects.filter(pk=value).first()
        elif name in ("since", "until"):
            values[name] = dt.date.fromisoformat(value)
        else:
            values[name] = value
    return ReportFilters(**values)


def _related_model(name: str):
    return {
        "country": apps.get_model("taxonomy", "Country"),
        "sector": apps.get_model("taxonomy", "Sector"),
        "organisation": apps.get_model("accounts", "Organisation"),
        "course": apps.get_model("courses", "CoursePage"),
        "cohort": apps.get_model("courses", "Cohort"),
    }[name]


def _spec_key(spec: dict) -> str:
    canonical = "&".join(f"{name}={spec[name]}" for name in sorted(spec))
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def _tables_key(generation: int, language: str, spec: dict) -> str:
    return f"reports:impact:tables:{generation}:{language}:{_spec_key(spec)}"


def prepared_impact_tables(filters: ReportFilters):
    """The impact tables for these filters in the active language: prepared ones when the data
    has not changed since, otherwise computed now and kept."""
    spec = filters_spec(filters)
    language = translation.get_language() or settings.LANGUAGE_CODE
    _remember_view(language, spec)
    key = _tables_key(data_generation(), language, spec)
    tables = cache.get(key)
    if tables is None:
        tables = impact_tables(filters)
        cache.set(key, tables, TABLES_TIMEOUT)
    return tables


def prepared_country_factory_values(country_id: int, *, since, until) -> dict[int, dict]:
    """Every factory's indicators in a country (the comparison panel on a factory's page),
    kept under the data generation like the tables: the country's other factories' pages
    read them without a query until something they count changes."""
    key = f"reports:impact:country-values:{data_generation()}:{country_id}:{since}:{until}"
    values = cache.get(key)
    if values is None:
        values = country_factory_values(country_id, since=since, until=until)
        cache.set(key, values, TABLES_TIMEOUT)
    return values


def _remember_view(language: str, spec: dict) -> None:
    recent = cache.get(RECENT_KEY) or []
    entry = [language, spec]
    if entry in recent and recent[0] == entry:
        return
    recent = [entry] + [item for item in recent if item != entry]
    cache.set(RECENT_KEY, recent[:RECENT_LIMIT], timeout=None)


def recent_views() -> list:
    return cache.get(RECENT_KEY) or []


def prepare_recent_views() -> int:
    """Compute the recently opened views for the current generation (a worker's job)."""
    cache.delete(REFRESH_GUARD_KEY)
    generation = data_generation()
    prepared = 0
    for language, spec in recent_views():
        key = _tables_key(generation, language, spec)
        if cache.get(key) is not None:
            continue
        with translation.override(language):
            tables = impact_tables(filters_from_spec(spec))
        # The data may have moved on while computing: keep it under the generation it was
        # computed from, which a newer one never reads.
        cache.set(key, tables, TABLES_TIMEOUT)
        prepared += 1
    return prepared


def data_changed(**kwargs) -> None:
    """Signal receiver: the data behind the indicators changed.

    The generation moves now (this transaction's own reads see fresh tables) and again once
    the change commits, so tables that another request computed in between, from the data
    as it was before the commit, are never served after it."""
    _next_generation()
    transaction.on_commit(_advance_generation)


def _next_generation() -> None:
    data_generation()
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # evicted between the two calls
        data_generation()


def _advance_generation() -> None:
    _next_generation()
    if settings.CELERY_TASK_ALWAYS_EAGER:
        # No worker (the embedded demo, tests): a refresh would run inside the request that
        # saved the change; the next reader computes its view instead.
        return
    # One refresh a minute at most, however many rows change.
    if cache.add(REFRESH_GUARD_KEY, 1, timeout=REFRESH_DELAY_SECONDS * 5):
        from lms.reports.tasks import impact_views_prepare

        try:
            impact_views_prepare.apply_async(countdown=REFRESH_DELAY_SECONDS)
        except Exception:  # the broker is down: the next reader computes the tables
            cache.delete(REFRESH_GUARD_KEY)
            logger.exception("could not schedule the impact tables refresh")


# The models whose rows the indicators read. Whole apps where every model counts.
WATCHED_APPS = ("compliance", "studies")
WATCHED_MODELS = (
    ("reports", "CountryEconomicFigure"),
    ("courses", "Attendance"),
    ("courses", "Enrolment"),
    ("accounts", "Organisation"),
)


def connect_receivers() -> None:
    models = []
    for label in WATCHED_APPS:
        models.extend(apps.get_app_config(label).get_models())
    for label, name in WATCHED_MODELS:
        models.append(apps.get_model(label, name))
    for model in models:
        uid = f"reports_impact_{model._meta.label_lower}"
        post_save.connect(data_changed, sender=model, dispatch_uid=f"{uid}_save", weak=False)
        post_delete.connect(data_changed, sender=model, dispatch_uid=f"{uid}_delete", weak=False)
