"""Anonymous pages are held against the static file in interleaved rounds (bench/run.py,
issue 14 part 1): each round runs the page and the static file with the page's request
count and concurrency, alternating which goes first, and the ratio is the rounds' median."""

from bench import run
from bench.harness import HttpScenario


def _result(name, rps, login=None, method="GET"):
    return {"name": name, "requests_per_s": rps, "login": login, "method": method}


def test_pages_alternate_with_the_static_file_and_the_median_ratio_is_kept(monkeypatch):
    monkeypatch.setattr(run, "STATIC_ROUNDS", 3)
    monkeypatch.setattr(run, "STATIC_ROUND_SECONDS", 0.5)
    monkeypatch.setattr(run, "STATIC_ROUND_MAX_REQUESTS", 2000)
    static = HttpScenario(run.STATIC_SCENARIO, "/static/site.css", requests=300, concurrency=4)
    compressed = HttpScenario(run.STATIC_SCENARIO + ".compressed", "/static/site.css")
    home = HttpScenario("portal.home.en", "/en/", requests=200, concurrency=4)
    home_gz = HttpScenario("portal.home.en.compressed", "/en/", requests=150, concurrency=2)
    signed_in = HttpScenario("portal.dashboard", "/en/my/", login="learner")
    posted = HttpScenario("community.reply", "/en/t/2/", method="POST")
    scenarios = {s.name: s for s in (static, compressed, home, home_gz, signed_in, posted)}
    results = [
        _result(static.name, 1000),
        _result(compressed.name, 800),
        _result(home.name, 500),  # its round: 250 requests, half a second's
        _result(home_gz.name, 400),  # 200
        _result(signed_in.name, 50, login="learner"),
        _result(posted.name, 60, method="POST"),
    ]
    speeds = {"/en/": iter([900, 700, 800, 600, 600, 600]), "/static/site.css": None}
    static_speeds = iter([1000, 1000, 1000, 1000, 1000, 1000])
    ran = []

    def fake_run(scenario):
        ran.append((scenario.name, scenario.requests, scenario.concurrency))
        if scenario.path == "/static/site.css":
            return {"requests_per_s": next(static_speeds)}
        return {"requests_per_s": next(speeds["/en/"])}

    rounds = run.interleave_with_static(results, scenarios, fake_run)

    assert set(rounds) == {"portal.home.en", "portal.home.en.compressed"}
    assert ran[:6] == [
        ("portal.home.en", 250, 4),
        (run.STATIC_SCENARIO, 250, 4),
        (run.STATIC_SCENARIO, 250, 4),  # the second round starts with the static file
        ("portal.home.en", 250, 4),
        ("portal.home.en", 250, 4),
        (run.STATIC_SCENARIO, 250, 4),
    ]
    assert ran[6] == ("portal.home.en.compressed", 200, 2)
    assert ran[7] == (run.STATIC_SCENARIO + ".compressed", 200, 2)
    assert [r["ratio"] for r in rounds["portal.home.en"]["rounds"]] == [0.9, 0.7, 0.8]
    assert rounds["portal.home.en"]["median_ratio"] == 0.8

    ratios = run.ratios_to_static(results, rounds)
    assert ratios == {"portal.home.en": 0.8, "portal.home.en.compressed": 0.6}
    # Without rounds, one run against the static file's one run, as before.
    assert run.ratios_to_static(results) == {
        "portal.home.en": 0.5,
        "portal.home.en.compressed": 0.5,
    }


def test_a_round_is_at_least_the_pages_own_count_and_at_most_the_cap(monkeypatch):
    monkeypatch.setattr(run, "STATIC_ROUNDS", 1)
    monkeypatch.setattr(run, "STATIC_ROUND_MAX_REQUESTS", 2000)
    static = HttpScenario(run.STATIC_SCENARIO, "/static/site.css")
    slow = HttpScenario("portal.search.common", "/en/search/?q=safety", requests=200)
    fast = HttpScenario("portal.article", "/en/a/", requests=200)
    scenarios = {s.name: s for s in (static, slow, fast)}
    results = [_result(slow.name, 30), _result(fast.name, 9000)]
    counts = {}

    def fake_run(scenario):
        counts.setdefault(scenario.name, scenario.requests)
        return {"requests_per_s": 100}

    run.interleave_with_static(results, scenarios, fake_run)
    assert counts == {
        "portal.search.common": 200,
        run.STATIC_SCENARIO: 200,  # the first page's rounds
        "portal.article": 2000,
    }


def test_the_report_shows_each_round():
    machine = {
        "date": "2026-12-04T21:00:00+00:00",
        "cpu_count": 2,
        "cpu_model": "AMD EPYC",
        "memory_gb": 23.5,
        "platform": "Linux",
        "python": "3.11.7",
        "django": "5.2",
        "wagtail": "8.0",
        "server": "gunicorn",
        "database": "PostgreSQL 15",
        "cache": "RedisCache",
        "commit": "0" * 40,
        "dirty": False,
        "load_average": [1.0, 1.0, 1.0],
    }
    report = {
        "machine": machine,
        "scenarios": [],
        "tasks": [],
        "ratios_to_static_file": {"portal.home.en": 0.8},
        "static_file_rounds": {
            "portal.home.en": {
                "rounds": [{"page": 900, "static": 1000, "ratio": 0.9}],
                "median_ratio": 0.8,
            }
        },
    }
    assert "| portal.home.en | 0.80x | 900 / 1000 |" in run.markdown(report)
