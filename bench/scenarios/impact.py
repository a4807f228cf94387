"""The impact dashboard (compliance, productivity, employment, economic figures, training
per factory) on the compliance data set: BENCH_COMPLIANCE_FACTORIES factories (default
2,000) × BENCH_COMPLIANCE_CYCLES published cycles (default 5) × 250 answers, with
BENCH_IMPACT_YEARS years (default 5) of monthly figures each (120,000 factory-months), for
one country (Viet Nam, where the bench factories are) and for the programme, seen by a
global administrator who signs in with a password and a TOTP code.

The dashboard reads tables prepared ahead (decision 0604): the HTTP scenarios measure what a
reader gets once a view is prepared; the task scenarios measure computing the tables from
scratch, what the worker (or the first reader after a change, without a worker) pays."""

import os

from bench.harness import HttpScenario, TaskScenario
from bench.scenarios.compliance import CYCLES, FACTORIES
from bench.scenarios.reports import staff_with_totp

YEARS = int(os.environ.get("BENCH_IMPACT_YEARS", 5))
ADMIN = "bench.impact.admin"


def prepare() -> None:
    from bench.datasets.compliance import compliance_data_build, monthly_figures_build

    compliance_data_build(factories=FACTORIES, cycles=CYCLES)
    monthly_figures_build(years=YEARS)
    staff_with_totp(ADMIN, roles=["global_admin"])


def scenarios() -> list[HttpScenario]:
    return [
        HttpScenario(
            "impact.dashboard.country",
            "/admin/reports/impact/?country=vn",
            login=ADMIN,
            requests=10,
            concurrency=2,
        ),
        HttpScenario(
            "impact.dashboard.programme",
            "/admin/reports/impact/",
            login=ADMIN,
            requests=10,
            concurrency=2,
        ),
    ]


def _compute(country_code: str | None):
    def run():
        from django.utils import translation

        from lms.reports.filters import ReportFilters
        from lms.reports.impact import impact_tables
        from lms.taxonomy.models import Country

        country = Country.objects.canonical().get(code=country_code) if country_code else None
        with translation.override("en"):
            return impact_tables(ReportFilters(country=country))

    return run


def tasks() -> list[TaskScenario]:
    return [
        TaskScenario("impact.tables.computed.country", _compute("vn")),
        TaskScenario("impact.tables.computed.programme", _compute(None)),
    ]
