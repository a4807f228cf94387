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
    # One statement in a thousand targets the one before it.
    assert Statement.objects.filter(statement_ref__isnull=False).count() == 0
    monkeypatch.setenv("LRS_BENCH_STATEMENTS", "1000")
    records_xapi.prepare()
    confirmation = Statement.objects.get(statement_ref__isnull=False)
    assert Statement.objects.filter(pk=confirmation.statement_ref).exists()
    batch50 = tasks["records.xapi.write.batch50"].run()
    assert batch50["statements_per_s"] > 0
    # The budget: a write takes at most five queries, the transaction's included.
    assert batch50["queries_per_request_max"] <= 5
    batch1 = tasks["records.xapi.write.batch1"].run()
    assert batch1["queries_per_request_max"] <= 5
    assert Statement.objects.count() == 1000 + 3 + 100 + 1 + 50  # and the two warm-ups
    # Pages of 20, so that the second page (through ``more``) exists on this small table.
    monkeypatch.setattr(records_xapi, "PAGE", 20)
    got = tasks["records.xapi.get.filtered"].run()
    assert got["table_size"] == 1000
    for kind in records_xapi.GET_KINDS:
        assert got[f"{kind}_median_ms"] > 0
        # Every kind of filter finds statements in the generated table.
        assert got[f"{kind}_statements_per_page"] > 0, kind
        assert got[f"{kind}_p95_ms"] >= got[f"{kind}_median_ms"]
    assert "agent+verb more" in records_xapi.GET_KINDS
