"""The load driver against a real HTTP server (Django's live-server thread, sharing the
test's in-memory database): signing in through allauth's form, counting unexpected
statuses as errors, reading the query count, weighing a page. No timing is asserted."""

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.db import connections
from django.test.testcases import LiveServerThread

from bench.driver import LoginFailed, login, run_http_scenario
from bench.harness import PASSWORD as BENCH_PASSWORD
from bench.harness import TOTP_SECRET, HttpScenario
from bench.scenarios.reports import staff_with_totp
from tests.accounts.factories import PASSWORD, UserFactory


@pytest.fixture
def server(settings, db):
    database = connections["default"]
    if database.vendor != "sqlite" or not database.is_in_memory_db():
        pytest.skip("the server thread shares the test's in-memory SQLite connection")
    settings.MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *settings.MIDDLEWARE]
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    database.inc_thread_sharing()
    thread = LiveServerThread("127.0.0.1", StaticFilesHandler, {"default": database})
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    try:
        if thread.error:
            raise thread.error
        yield f"http://127.0.0.1:{thread.port}"
    finally:
        thread.terminate()
        database.dec_thread_sharing()


def test_a_signed_in_scenario_runs_without_errors_and_counts_queries(server):
    UserFactory(username="learner")
    cookies = login(server, "learner", PASSWORD)
    assert "sessionid" in cookies.values
    scenario = HttpScenario("dashboard", "/en/my/", login="learner", requests=6, concurrency=1)
    result = run_http_scenario(server, scenario, cookies)
    assert result["requests"] == 6
    assert result["errors"] == 0
    assert result["queries_per_request"] > 0
    assert result["p50_ms"] <= result["p95_ms"] <= result["p99_ms"] <= result["max_ms"]


def test_staff_sign_in_with_a_totp_code_and_open_the_admin(server):
    staff_with_totp("bench.staff", roles=["global_admin"])
    cookies = login(server, "bench.staff", BENCH_PASSWORD, TOTP_SECRET)
    scenario = HttpScenario("reports", "/admin/reports/", requests=3, concurrency=1)
    result = run_http_scenario(server, scenario, cookies)
    assert (result["requests"], result["errors"]) == (3, 0)


def test_staff_without_the_totp_secret_cannot_finish_signing_in(server):
    staff_with_totp("bench.staff", roles=["global_admin"])
    with pytest.raises(LoginFailed, match="second factor"):
        login(server, "bench.staff", BENCH_PASSWORD)
    with pytest.raises(LoginFailed, match="refused"):
        login(server, "bench.staff", BENCH_PASSWORD, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")


def test_unexpected_statuses_are_counted_as_errors(server):
    scenario = HttpScenario("dashboard", "/en/my/", requests=5, concurrency=1)
    result = run_http_scenario(server, scenario)
    assert result["errors"] == 5
    assert result["error_samples"][0]["status"] == 302


def test_a_wrong_password_stops_the_scenario(server):
    UserFactory(username="learner")
    with pytest.raises(LoginFailed, match="learner"):
        login(server, "learner", "not-the-password")


def test_requests_run_in_parallel_threads_on_keep_alive_connections(server):
    scenario = HttpScenario("robots", "/robots.txt", requests=12, concurrency=3)
    result = run_http_scenario(server, scenario)
    assert (result["requests"], result["errors"]) == (12, 0)
    assert result["queries_per_request"] == 0


def test_the_home_page_is_weighed_with_its_stylesheets(server, home_page):
    scenario = HttpScenario(
        "home", "/en/", requests=5, concurrency=1, measure_weight=True, weight_budget_kb=60
    )
    weight = run_http_scenario(server, scenario)["weight"]
    kinds = [item["kind"] for item in weight["items"]]
    assert kinds[0] == "html"
    assert "css" in kinds
    assert all(item["status"] == 200 for item in weight["items"])
    assert 0 < weight["total_gzip_bytes"] < weight["total_bytes"]
    assert weight["within_budget"] is True
    tight = HttpScenario("home", "/en/", requests=5, measure_weight=True, weight_budget_kb=0.5)
    assert run_http_scenario(server, tight)["weight"]["within_budget"] is False
