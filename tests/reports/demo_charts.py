"""What the whole demo (`make demo`'s content) must give the reports: checked by
tests/test_whole_demo.py, which loads the demo once for its tests, since loading it is slow."""


def every_chart_has_something_to_show():
    """`make demo`'s content, read the way the global and impact dashboards read it."""
    from lms.reports.filters import ReportFilters
    from lms.reports.selectors import indicator_tables

    tables = {table.key: table for table in indicator_tables(ReportFilters())}
    for table in tables.values():
        if not table.chart_values:
            continue
        values = [row.get(key) or 0 for row in table.rows for key in table.chart_values]
        assert any(value > 0 for value in values), table.key
    summary = {row["indicator"]: row["value"] for row in tables["summary"].rows}
    assert summary["Completions"] >= 10
    # The impact dashboard has values too: the demo factories' cycles and monthly figures,
    # and Viet Nam's and Jordan's economic figures with their sources.
    from lms.reports.impact import impact_tables

    impact = {table.key: table for table in impact_tables(ReportFilters())}
    assert impact["compliance_summary"].rows[0]["factories"] >= 2
    assert impact["compliance_clusters"].rows
    assert len(impact["compliance_cycles"].rows) >= 2
    assert any(row["efficiency_percent"] for row in impact["productivity_years"].rows)
    assert {row["country"] for row in impact["economic_figures"].rows} >= {"Vietnam", "Jordan"}
    assert all(row["source"] for row in impact["economic_figures"].rows)
    assert len(tables["participants_country"].rows) >= 3
    assert {row["group"] for row in tables["participants_role"].rows} >= {
        "Manager",
        "Supervisor",
        "Worker",
    }
    assert all(row["gain"] > 0 for row in tables["knowledge_gain"].rows)
    certificates = tables["certificates"].rows
    for state in ("issued", "active", "expiring", "expired", "revoked"):
        assert sum(row[state] for row in certificates) >= 1, state
    community = {row["indicator"]: row["value"] for row in tables["cpd_community"].rows}
    assert community["CPD hours logged"] > 0
    assert community["Questions answered"] > 0
    assert tables["training_days"].rows
    assert any(row["delivered"] for row in tables["training_days"].rows)
