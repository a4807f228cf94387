"""The LRS bench scenario (bench/scenarios/records_xapi.py) runs on a small table: the
generator fills it to the size asked, the write and filtered-GET tasks report their figures.
No time is asserted."""

import pytest

from lms.records.models import Statement

pytestmark = pytest.mark.django_db


def test_the_lrs_bench_builds_its_table_and_runs_its_tasks(monkeypatch):
    from bench.scenarios import records_xapi
    from tests.taxonomy.factories import country

    country("vn")
    monkeypatch.setenv("LRS_BENCH_STATEMENTS", "600")
    monkeypatch.setattr(records_xapi, "PEOPLE", 5)
    monkeypatch.setattr(records_xapi, "WRITES_SINGLE", 3)
    monkeypatch.setattr(records_xapi, "WRITES_BATCHES", 2)
    monkeypatch.setattr(records_xapi, "GETS", 3)
    monkeypatch.setattr(records_xapi, "_state", {})
    records_xapi.prepare()
    assert Statement.objects.count() == 600
    records_xapi.prepare()  # idempotent
    assert Statement.objects.count() == 600
    tasks = {task.name: task for task in records_xapi.tasks()}
    assert tasks["records.xapi.write.batch50"].run()["statements_per_s"] > 0
    assert tasks["records.xapi.write.batch1"].run()["statements_per_s"] > 0
    assert Statement.objects.count() == 600 + 3 + 100
    got = tasks["records.xapi.get.filtered"].run()
    assert got["table_size"] == 600
    assert got["median_ms"] > 0
