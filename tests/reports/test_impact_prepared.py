"""The impact dashboard reads tables prepared ahead (lms/reports/impact_prepared.py): the same
figures as computing them, never from before a change, one set per language and filters."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from lms.reports import impact_prepared
from lms.reports.filters import ReportFilters
from lms.reports.impact import impact_tables
from tests.accounts.factories import global_admin
from tests.reports.test_dashboard import sign_in
from tests.reports.test_impact import impact, make_factory, publish  # noqa: F401 (fixture)
from tests.taxonomy.factories import country


def figures(tables):
    return [(table.key, table.title, table.rows) for table in tables]


def test_prepared_tables_are_the_computed_ones(impact):  # noqa: F811
    for filters in (ReportFilters(), ReportFilters(country=country("vn"))):
        assert figures(impact_prepared.prepared_impact_tables(filters)) == figures(
            impact_tables(filters)
        )


def test_the_next_reader_gets_them_without_touching_the_database(
    impact,  # noqa: F811
    django_assert_num_queries,
):
    filters = ReportFilters(country=country("vn"))
    first = impact_prepared.prepared_impact_tables(filters)
    with django_assert_num_queries(0):
        again = impact_prepared.prepared_impact_tables(filters)
    assert figures(again) == figures(first)


def test_a_change_to_the_data_reaches_the_next_reader(impact):  # noqa: F811
    filters = ReportFilters(country=country("vn"))
    before = impact_prepared.prepared_impact_tables(filters)
    extra = make_factory("Echo Garments", "vn", "garment")
    publish(extra, impact.instrument, 1, dt.date(2025, 2, 1), ("Q.1", "Q.2"))
    after = impact_prepared.prepared_impact_tables(filters)
    assert figures(after) != figures(before)
    assert figures(after) == figures(impact_tables(filters))


def test_the_generation_moves_again_when_the_change_commits(
    impact,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    start = impact_prepared.data_generation()
    with django_capture_on_commit_callbacks(execute=True):
        make_factory("Foxtrot Garments", "vn", "garment")
    # Each saved row moves it once at once and once at the commit.
    assert impact_prepared.data_generation() >= start + 2


def test_each_language_and_each_filter_has_its_own_tables(impact):  # noqa: F811
    programme = ReportFilters()
    viet_nam = ReportFilters(country=country("vn"))
    with translation.override("en"):
        english = impact_prepared.prepared_impact_tables(programme)
    with translation.override("vi"):
        vietnamese = impact_prepared.prepared_impact_tables(programme)
        assert figures(vietnamese) == figures(impact_tables(programme))
    assert english[0].title != vietnamese[0].title
    with translation.override("en"):
        assert figures(impact_prepared.prepared_impact_tables(viet_nam)) == figures(
            impact_tables(viet_nam)
        )


def test_the_worker_prepares_the_recently_opened_views_after_a_change(
    impact,  # noqa: F811
    django_assert_num_queries,
):
    viet_nam = ReportFilters(country=country("vn"), since=dt.date(2025, 1, 1))
    with translation.override("vi"):
        impact_prepared.prepared_impact_tables(viet_nam)
    with translation.override("en"):
        impact_prepared.prepared_impact_tables(ReportFilters())
    publish(
        make_factory("Golf Garments", "vn", "garment"), impact.instrument, 1, dt.date(2025, 3, 1)
    )

    assert impact_prepared.prepare_recent_views() == 2
    assert impact_prepared.prepare_recent_views() == 0  # already there
    with translation.override("vi"), django_assert_num_queries(0):
        ready = impact_prepared.prepared_impact_tables(viet_nam)
    with translation.override("vi"):
        assert figures(ready) == figures(impact_tables(viet_nam))


def test_many_changes_schedule_one_refresh_when_a_worker_runs(
    impact,  # noqa: F811
    settings,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    from lms.reports import tasks

    scheduled = []
    monkeypatch.setattr(
        tasks.impact_views_prepare, "apply_async", lambda **kwargs: scheduled.append(kwargs)
    )
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            make_factory(f"Hotel {n}", "vn", "garment")
    assert len(scheduled) == 1
    assert scheduled[0]["countdown"] == impact_prepared.REFRESH_DELAY_SECONDS
    # Once the refresh ran, the next change schedules another.
    impact_prepared.prepare_recent_views()
    with django_capture_on_commit_callbacks(execute=True):
        make_factory("India Garments", "vn", "garment")
    assert len(scheduled) == 2


def test_without_a_worker_no_refresh_runs_inside_the_saving_request(
    impact,  # noqa: F811
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    from lms.reports import tasks

    monkeypatch.setattr(
        tasks.impact_views_prepare,
        "apply_async",
        lambda **kwargs: pytest.fail("refresh scheduled in eager mode"),
    )
    impact_prepared.prepared_impact_tables(ReportFilters())
    with django_capture_on_commit_callbacks(execute=True):
        make_factory("Juliet Garments", "vn", "garment")


def test_the_dashboard_reads_prepared_tables(client, impact, totp_for):  # noqa: F811
    sign_in(client, global_admin(), totp_for)
    with CaptureQueriesContext(connection) as cold:
        first = client.get(reverse("reports_impact"), {"country": "vn"})
    with CaptureQueriesContext(connection) as warm:
        second = client.get(reverse("reports_impact"), {"country": "vn"})
    assert first.status_code == second.status_code == 200
    assert len(warm) < len(cold)

    def main(response):
        html = response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)

    assert main(first) == main(second)


@pytest.mark.parametrize("viewer", ["global", "country"])
def test_the_dashboard_takes_ten_queries_at_most_at_two_sizes(
    client,
    impact,  # noqa: F811
    totp_for,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
    viewer,
):
    """Issue 14: the page, its tables prepared (the first request, or a worker, computes
    them), at ten queries or fewer for global and country staff however many factories."""
    from tests.accounts.factories import country_staff

    sign_in(client, global_admin() if viewer == "global" else country_staff("vn"), totp_for)
    counts, bodies = [], []
    for size in (0, 6):
        with django_capture_on_commit_callbacks(execute=True):  # the data's generation moves
            for number in range(size):
                extra = make_factory(f"Added Garments {number}", "vn", "garment")
                publish(extra, impact.instrument, 1, dt.date(2025, 2, 1), ("Q.1",))
        client.get(reverse("reports_impact"))  # prepares the tables, keeps the terms
        with django_assert_max_num_queries(10) as captured:
            response = client.get(reverse("reports_impact"))
        assert response.status_code == 200
        counts.append(len(captured))
        bodies.append(response.content.decode())
    assert counts[0] == counts[1]
    assert bodies[0].count("Added Garments") == 0
    assert "Added Garments" in bodies[1]  # the larger data set is the one shown
