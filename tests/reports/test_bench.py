"""The bench scenario builds its data set (small here) and its export task runs."""

import pytest

from bench.scenarios import reports as bench_reports
from lms.reports.filters import ReportFilters
from lms.reports.selectors import participation_totals

pytestmark = pytest.mark.django_db


def test_bench_data_set_and_export(home_page, monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(bench_reports, "LEARNERS", 60)
    monkeypatch.setattr(bench_reports, "STATEMENTS", 240)
    bench_reports.prepare()
    bench_reports.prepare()  # idempotent
    totals = participation_totals(ReportFilters())
    assert totals["participants"] == 60
    assert bench_reports.export_xlsx() == "ready"
    assert bench_reports.export_csv() == "ready"
    assert bench_reports.export_xlsx_shared() == "ready"
    assert bench_reports.compute_tables() > 0
    assert [t.name for t in bench_reports.tasks()] == [
        "reports.tables.compute",
        "reports.export.csv",
        "reports.export.xlsx",
        "reports.export.xlsx.shared",
    ]
    assert [s.name for s in bench_reports.scenarios()] == ["reports.dashboard.global"]
