"""`make bench`: build the bench database, serve it with gunicorn, drive every scenario and
write the figures to bench/results/latest.json (see bench/harness.py for what a scenario is).

    .venv/bin/python bench/run.py                  # everything
    .venv/bin/python bench/run.py --only home      # scenarios whose name contains "home"
    .venv/bin/python bench/run.py --only reports   # only bench/scenarios/reports.py
    .venv/bin/python bench/run.py --scale 0.25     # a quarter of each scenario's requests
    .venv/bin/python bench/run.py --skip-prepare   # reuse the data set as it is

    .venv/bin/python bench/run.py --target http://127.0.0.1:8200   # the loopback cluster

Environment: DATABASE_URL (default: SQLite file var/bench/bench.sqlite3), REDIS_URL (cache
and sessions), BENCH_PORT (default 8110), BENCH_WORKERS / BENCH_THREADS (gunicorn, default
2 x 4), BENCH_PRELOAD (1: the application loaded before the workers are forked, the
default; 0: in each worker), MALLOC_ARENA_MAX (passed to both servers; 2 unless set, as
site/deploy/lms-web.service runs the site; 0 gives glibc's default of eight arenas a core),
BENCH_SITE_ENV (``production``, the default: gunicorn serves the site from the packages a
release installs, ``uv sync --no-dev`` into var/bench/site-venv, as the peers are served
from their own environment; ``development``: from the environment running the bench, with
its test and lint tools). The site and its peers are served with the same settings file,
bench/server_settings.py, and the same environment.

With --target the bench starts no gunicorn: it builds the data set in the cluster's database
(settings lms.settings.cluster, with the bench's page type and query counter, which the
cluster installs when started with CLUSTER_BENCH=1) and drives the HTTP scenarios through
nginx; the server CPU is summed over the cluster's app servers; the tasks are not run (they
need the bench's eager Celery).
"""

import argparse
import contextlib
import importlib
import json
import os
import pkgutil
import platform
import resource
import shutil
import socket
import subprocess
import sys
import time
import traceback
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

SETTINGS = os.environ.get("BENCH_SETTINGS", "lms.settings.bench")
RESULTS_DIR = BASE_DIR / "bench" / "results"
SCENARIO_PACKAGE = "bench.scenarios"
TASK_RESULT_MARKER = "BENCH-TASK-RESULT "
PORTS = range(8110, 8120)


STATIC_SCENARIO = "portal.static-file"
COMPRESSED_SUFFIX = ".compressed"


def ratios_to_static(http_results: list[dict], static_rounds: dict | None = None) -> dict:
    """Each anonymous scenario's requests/s over the static file's, through the same gunicorn
    (issue 14: public pages at >= 0.7x a static file). With ``static_rounds``
    (``interleave_with_static``), the median of the interleaved rounds' ratios; otherwise
    the scenario's run over the static file's one run. A scenario named ``*.compressed`` asks
    for compressed bodies as browsers do, and is held against the static file asked for the
    same way (whitenoise sends its ``.br``)."""
    by_name = {r["name"]: r for r in http_results}
    ratios = {}
    for r in http_results:
        if not _held_against_static(r):
            continue
        rounds = (static_rounds or {}).get(r["name"])
        if rounds and rounds.get("median_ratio") is not None:
            ratios[r["name"]] = rounds["median_ratio"]
            continue
        static = by_name.get(_yardstick_for(r["name"]))
        if static and static.get("requests_per_s"):
            ratios[r["name"]] = round(r["requests_per_s"] / static["requests_per_s"], 3)
    return ratios


def _yardstick_for(name: str) -> str:
    return STATIC_SCENARIO + (COMPRESSED_SUFFIX if name.endswith(COMPRESSED_SUFFIX) else "")


def _held_against_static(result: dict) -> bool:
    yardsticks = {STATIC_SCENARIO, STATIC_SCENARIO + COMPRESSED_SUFFIX}
    return bool(
        not result.get("login")
        and result.get("method", "GET") == "GET"
        and result["name"] not in yardsticks
        and result.get("requests_per_s")
    )


STATIC_ROUNDS = int(os.environ.get("BENCH_STATIC_ROUNDS", 3))
# How long a round of a fast page should last, and the most requests it may take for it.
STATIC_ROUND_SECONDS = 0.5
STATIC_ROUND_MAX_REQUESTS = 2000


def interleave_with_static(http_results: list[dict], scenarios: dict, run) -> dict:
    """Each anonymous page against the static file in ``STATIC_ROUNDS`` interleaved rounds,
    alternating which goes first, both with the page's concurrency and one request count: a
    page at 2,000 requests/s ran its 200 requests in a tenth of a second, and one
    static-file run minutes earlier moved the ratios by a third between runs of the same
    code. A round asks for what the page's first run served in ``STATIC_ROUND_SECONDS``
    (at least the page's own count, at most ``STATIC_ROUND_MAX_REQUESTS``).
    ``run(scenario)`` returns a result as ``run_http_scenario`` does. The median ratio per
    page."""
    from bench.driver import interleaved_rounds

    found = {}
    for result in http_results:
        if not _held_against_static(result) or result["name"] not in scenarios:
            continue
        static = scenarios.get(_yardstick_for(result["name"]))
        if static is None:
            continue
        requests = min(
            STATIC_ROUND_MAX_REQUESTS,
            max(
                scenarios[result["name"]].requests,
                round(result["requests_per_s"] * STATIC_ROUND_SECONDS),
            ),
        )
        page = replace(scenarios[result["name"]], requests=requests)
        yardstick = replace(static, requests=requests, concurrency=page.concurrency)
        rounds, median_ratio = interleaved_rounds(
            {
                "page": lambda page=page: run(replace(page)),
                "static": lambda yardstick=yardstick: run(replace(yardstick)),
            },
            STATIC_ROUNDS,
        )
        found[result["name"]] = {
            "rounds": [
                {
                    "page": r["page"].get("requests_per_s") or 0,
                    "static": r["static"].get("requests_per_s") or 0,
                    "ratio": r["ratio"],
                }
                for r in rounds
            ],
            "median_ratio": median_ratio,
        }
    return found


def log(message: str) -> None:
    print(f"[bench {datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def setup_django():
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    import django

    django.setup()


# --- the data set -------------------------------------------------------------------------


def scenario_module_names() -> list[str]:
    package_dir = BASE_DIR / "bench" / "scenarios"
    return sorted(
        f"{SCENARIO_PACKAGE}.{info.name}"
        for info in pkgutil.iter_modules([str(package_dir)])
        if not info.name.startswith("_")
    )


def import_scenario_modules(problems: list[dict]):
    modules = []
    for name in scenario_module_names():
        try:
            modules.append(importlib.import_module(name))
        except Exception as error:  # a broken module is reported, the others still run
            problems.append({"module": name, "stage": "import", "error": repr(error)})
            log(f"cannot import {name}: {error!r}")
    return modules


def modules_named(modules, words: list[str] | None):
    """With ``--only``: the modules whose name (``reports`` for bench/scenarios/reports.py)
    is one of the words, when any is; else every module. Only those are prepared and run,
    so ``--only reports`` does not build the other rooms' data."""
    named = [m for m in modules if m.__name__.rsplit(".", 1)[-1] in (words or [])]
    return named or modules


def ensure_database() -> None:
    """Create the PostgreSQL database DATABASE_URL names if it does not exist yet (SQLite
    creates its file by itself)."""
    from django.db import OperationalError, connection

    if connection.vendor != "postgresql":
        return
    try:
        connection.ensure_connection()
    except OperationalError as error:
        if "does not exist" not in str(error):
            raise
        name = connection.settings_dict["NAME"]
        log(f"creating the PostgreSQL database {name}")
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")


def build_database(modules, problems: list[dict], *, skip_prepare: bool) -> dict:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    timings = {}
    ensure_database()
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    timings["migrate_s"] = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    collect_static()
    timings["collectstatic_s"] = round(time.perf_counter() - started, 2)
    for module in modules:
        if skip_prepare or not hasattr(module, "prepare"):
            continue
        log(f"prepare {module.__name__}")
        started = time.perf_counter()
        try:
            module.prepare()
        except Exception as error:
            problems.append(
                {
                    "module": module.__name__,
                    "stage": "prepare",
                    "error": repr(error),
                    "traceback": traceback.format_exc(limit=8),
                }
            )
            log(f"prepare failed in {module.__name__}: {error!r}")
            module.bench_prepare_failed = True
        timings[f"prepare_s[{module.__name__}]"] = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    from bench.harness import analyse_database

    log("ANALYZE")
    analyse_database()
    timings["analyze_s"] = round(time.perf_counter() - started, 2)
    # prepare() writes rows without Wagtail's signals: pages cached by an earlier run may
    # no longer be what the database holds.
    from django.core.cache import caches

    caches[settings.PAGE_CACHE_ALIAS].clear()
    connections.close_all()
    return timings


def static_fingerprint() -> str:
    """Changes when a file in the static folders or an installed package changes."""
    import hashlib

    from django.conf import settings

    digest = hashlib.sha256()
    for folder in settings.STATICFILES_DIRS:
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file():
                stat = path.stat()
                digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    for lock in (BASE_DIR / "uv.lock", BASE_DIR / "pyproject.toml"):
        if lock.exists():
            digest.update(lock.read_bytes())
    digest.update(str(sorted(settings.INSTALLED_APPS)).encode())
    return digest.hexdigest()


def collect_static() -> None:
    """collectstatic with the manifest storage, skipped when nothing changed since the
    last run (compressing every file takes a quarter of a minute)."""
    from django.conf import settings
    from django.core.management import call_command

    stamp = Path(settings.STATIC_ROOT) / ".bench-fingerprint"
    fingerprint = static_fingerprint()
    if stamp.exists() and stamp.read_text() == fingerprint:
        return
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(fingerprint)


# --- gunicorn -----------------------------------------------------------------------------


def free_port() -> int:
    wanted = os.environ.get("BENCH_PORT")
    for port in [int(wanted)] if wanted else PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise SystemExit(f"no free port in {wanted or f'{PORTS.start}-{PORTS.stop - 1}'}")


# The site and its peers read the same gunicorn settings (bench/server_settings.py).
SERVER_SETTINGS = BASE_DIR / "bench" / "server_settings.py"


# glibc's malloc arenas: two a process, as production's web service has them (decision 0617),
# for both servers alike; set MALLOC_ARENA_MAX in the bench's environment to change it.
MALLOC_ARENA_MAX = "2"


def server_environment(workers: int, threads: int) -> dict:
    return {
        "MALLOC_ARENA_MAX": MALLOC_ARENA_MAX,
        **os.environ,
        "BENCH_WORKERS": str(workers),
        "BENCH_THREADS": str(threads),
    }


# What a release installs (site/deploy/README.md: `uv sync --frozen --no-dev`), without the
# development group's test and lint tools: the server's memory is production's, not that of
# the environment running the bench (decision 0634).
SITE_VENV = BASE_DIR / "var" / "bench" / "site-venv"


def site_environment() -> str:
    """``production`` when var/bench/site-venv holds the locked packages without the
    development group (synced here, quickly when nothing changed), else ``development``:
    BENCH_SITE_ENV=development asks for it, or uv is missing."""
    if os.environ.get("BENCH_SITE_ENV", "production") == "development":
        return "development"
    uv = BASE_DIR / ".uv" / "bin" / "uv"
    uv_command = str(uv) if uv.exists() else shutil.which("uv")
    if not uv_command:
        log("no uv: the site is served from the development environment")
        return "development"
    done = subprocess.run(
        [uv_command, "sync", "--frozen", "--no-dev", "--quiet", "--python", sys.executable],
        cwd=BASE_DIR,
        env={
            **os.environ,
            "UV_PROJECT_ENVIRONMENT": str(SITE_VENV),
            "UV_PYTHON_DOWNLOADS": "never",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"uv sync --no-dev into {SITE_VENV} failed: {done.stderr.strip()[-600:]}")
    return "production"


def site_gunicorn_executable() -> str:
    if SITE_ENVIRONMENT == "production":
        return str(SITE_VENV / "bin" / "gunicorn")
    executable = Path(sys.executable).with_name("gunicorn")
    return str(executable) if executable.exists() else shutil.which("gunicorn") or "gunicorn"


# Set by main() before it starts the site's server; none when the bench drives a target.
SITE_ENVIRONMENT: str | None = None


@contextlib.contextmanager
def gunicorn(port: int, workers: int, threads: int, log_name: str = "gunicorn.log"):
    log_file = BASE_DIR / "var" / "bench" / log_name
    log_file.parent.mkdir(parents=True, exist_ok=True)
    command = [
        site_gunicorn_executable(),
        "lms.wsgi:application",
        "--config",
        str(SERVER_SETTINGS),
        "--bind",
        f"127.0.0.1:{port}",
    ]
    env = {**server_environment(workers, threads), "DJANGO_SETTINGS_MODULE": SETTINGS}
    # Django logs server errors to stderr: they go to the log file, with gunicorn's own.
    output = log_file.open("w")
    process = subprocess.Popen(
        command, cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
    )
    try:
        ready_after_fork(workers)(port, process)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        output.close()


def ready_after_fork(workers: int):
    """wait_until_ready, after reading the server's memory once its workers are forked
    (kept as the process's `memory_at_start`), before the first request reaches one."""

    def wait(port: int, process, path: str = "/robots.txt") -> None:
        process.memory_at_start = wait_for_workers(process, workers)
        wait_until_ready(port, process, path=path)

    return wait


def wait_until_ready(port: int, process, timeout: float = 180, path: str = "/robots.txt") -> None:
    from bench.driver import Client

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn stopped (exit {process.returncode}); see var/bench/")
        client = Client(f"http://127.0.0.1:{port}", timeout=5)
        try:
            if client.request("GET", path).status == 200:
                return
        except OSError:
            time.sleep(0.3)
        finally:
            client.close()
    raise SystemExit(f"gunicorn did not answer on port {port} within {timeout:.0f} s")


def process_tree_cpu_seconds(root_pid: int) -> float:
    """User + system CPU seconds of a process and its children (gunicorn's workers), read
    from /proc; 0 where /proc is missing."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / ticks
    tree = {root_pid}
    grew = True
    while grew:
        children = {pid for pid, parent in parents.items() if parent in tree} - tree
        grew = bool(children)
        tree |= children
    return sum(times.get(pid, 0.0) for pid in tree)


def database_cpu_reader(url: str | None):
    """A function returning the CPU seconds used so far by the PostgreSQL backends connected
    to the database ``url`` names (the servers' persistent connections, not the reader's
    own; an autovacuum worker on the table written counts too), read from /proc; None
    unless PostgreSQL runs on this machine. A backend that ends between two readings takes
    its CPU with it: the servers keep theirs open."""
    if not url or not url.startswith(("postgres://", "postgresql://")):
        return None
    import psycopg

    query = (
        "SELECT pid FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )

    def read() -> float:
        with psycopg.connect(url, autocommit=True) as connection:
            pids = [row[0] for row in connection.execute(query)]
        return sum(process_cpu_seconds(pid) for pid in pids)

    try:
        read()
    except (psycopg.Error, OSError):
        return None
    return read


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process; 0 once it has ended or where /proc is not
    this machine's view of it."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def worker_memory(master_pid: int) -> list[dict]:
    """Each gunicorn worker's memory (the master's children), in MB: the resident set (RSS,
    every page the worker maps, shared or not), its proportional share (PSS: a page shared
    by n processes counts 1/n) and its unique set (USS: the pages no other process maps,
    what a worker costs on top of the others), from /proc/PID/smaps_rollup (Linux 4.14+)."""
    found = [sizes for pid in _children(master_pid) if (sizes := process_memory(pid)) is not None]
    return sorted(found, key=lambda sizes: sizes["rss_mb"])


def process_memory(pid: int) -> dict | None:
    """One process's RSS, PSS and USS in MB (see worker_memory), None if it has gone."""
    try:
        rollup = _proc_fields(Path(f"/proc/{pid}/smaps_rollup").read_text())
    except OSError:
        return None
    kb = {name: int(rollup.get(name, "0 kB").split()[0]) for name in rollup}
    if "Rss" not in kb:
        return None
    private = kb.get("Private_Clean", 0) + kb.get("Private_Dirty", 0)
    return {
        "rss_mb": round(kb["Rss"] / 1024, 1),
        "pss_mb": round(kb.get("Pss", 0) / 1024, 1),
        "uss_mb": round(private / 1024, 1),
    }


def _children(master_pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        if _proc_fields(status).get("PPid") == str(master_pid):
            found.append(int(entry.name))
    return found


def server_memory(master_pid: int) -> dict:
    """The master's memory and each worker's (see worker_memory). With the application
    preloaded, the master holds what every worker starts from; a worker's figure after a
    run less the master's is what serving added to it."""
    return {"master": process_memory(master_pid), "workers": worker_memory(master_pid)}


def wait_for_workers(process, workers: int, timeout: float = 180) -> dict | None:
    """The server's memory right after its workers were forked, before any request: waits
    for the master's `workers` children (the application preloaded, they fork once it is
    loaded), lets them start their threads, and reads it. None if they did not appear."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if len(_children(process.pid)) >= workers:
            time.sleep(1)
            return server_memory(process.pid)
        time.sleep(0.1)
    return None


def _proc_fields(text: str) -> dict[str, str]:
    return {
        name.strip(): value.strip()
        for name, value in (line.split(":", 1) for line in text.splitlines() if ":" in line)
    }


def memory_summary(workers: list[dict]) -> str:
    return "; ".join(f"RSS {w['rss_mb']}, PSS {w['pss_mb']}, USS {w['uss_mb']} MB" for w in workers)


def master_lines(at_start: dict | None, master_after: dict | None) -> list[str]:
    """The master's memory and the workers' right after the fork, for the Markdown report."""
    lines = []
    if at_start and at_start.get("master"):
        lines.append(
            f"Right after the fork: the master {memory_summary([at_start['master']])}; "
            f"each worker {memory_summary(at_start['workers']) or '-'}."
        )
    if master_after:
        lines.append(f"The master after the run: {memory_summary([master_after])}.")
    return ["", *lines] if lines else []


# --- running ------------------------------------------------------------------------------


def run_http(
    modules, problems, base_url: str, args, server_pid: int, server_cpu=None
) -> list[dict]:
    from bench.driver import LoginFailed, login, run_http_scenario
    from bench.harness import PASSWORD, TOTP_SECRET

    sessions = {}
    results = []
    ran = {}  # the scenarios run, by name
    database_cpu = database_cpu_reader(os.environ.get("DATABASE_URL"))
    for module in modules:
        if getattr(module, "bench_prepare_failed", False) or not hasattr(module, "scenarios"):
            continue
        try:
            scenarios = module.scenarios()
        except Exception as error:
            problems.append({"module": module.__name__, "stage": "scenarios", "error": repr(error)})
            continue
        for scenario in scenarios:
            if args.only and not any(word in scenario.name for word in args.only):
                continue
            if args.scale != 1:
                scenario = replace(
                    scenario, requests=max(10, round(scenario.requests * args.scale))
                )
            log(f"{scenario.name}: {scenario.requests} x {scenario.method} {scenario.path}")
            try:
                cookies = None
                if scenario.login:
                    if scenario.login not in sessions:
                        sessions[scenario.login] = login(
                            base_url, scenario.login, PASSWORD, TOTP_SECRET
                        )
                    cookies = sessions[scenario.login]
                result = run_http_scenario(
                    base_url,
                    scenario,
                    cookies,
                    server_cpu=server_cpu or (lambda: process_tree_cpu_seconds(server_pid)),
                    database_cpu=database_cpu,
                )
            except (LoginFailed, OSError) as error:
                problems.append(
                    {"module": module.__name__, "scenario": scenario.name, "error": repr(error)}
                )
                log(f"{scenario.name} failed: {error!r}")
                continue
            result["module"] = module.__name__
            results.append(result)
            ran[scenario.name] = scenario
    return results, ran


def static_rounds(args, base_url: str, results: list[dict], ran: dict, server_cpu) -> dict | None:
    """``interleave_with_static`` through the server at ``base_url``, unless
    ``--no-static-rounds``."""
    from bench.driver import run_http_scenario

    if args.no_static_rounds:
        return None
    log(f"anonymous pages against the static file, {STATIC_ROUNDS} interleaved rounds")
    return interleave_with_static(
        results, ran, lambda scenario: run_http_scenario(base_url, scenario, None, server_cpu)
    )


# The site's scenarios the peers are compared with (bench/peers.py), by the peers' keys.
PEER_COUNTERPARTS = {
    "lesson": "courses: lesson page, signed-in learner",
    "course": "courses: course page, signed-in learner",
    "statement": "courses: post one statement",
    "home": "portal.home.en",
    "home.rendered": "portal.home.en.rendered",
    "article": "portal.article",
    "article.rendered": "portal.article.rendered",
}


def run_peers(modules, problems, base_url, args, server_pid, workers, threads) -> dict | None:
    """wagtail-lms and a bare Wagtail page beside the site, in interleaved rounds."""
    from bench import peers
    from bench.driver import CookieJar, LoginFailed, login, run_http_scenario
    from bench.harness import PASSWORD, TOTP_SECRET

    site = {}
    for module in modules:
        if getattr(module, "bench_prepare_failed", False) or not hasattr(module, "scenarios"):
            continue
        try:
            scenarios = module.scenarios()
        except Exception as error:  # reported by run_http already
            log(f"peers: {module.__name__} has no scenarios ({error!r})")
            scenarios = []
        for scenario in scenarios:
            site[scenario.name] = scenario
    wanted = {
        key: site[name]
        for key, name in PEER_COUNTERPARTS.items()
        if name in site and (not args.only or any(word in name for word in args.only))
    }
    if args.scale != 1:
        wanted = {
            key: replace(s, requests=max(10, round(s.requests * args.scale)))
            for key, s in wanted.items()
        }
    if not wanted:
        return None
    log("peers: building wagtail-lms and a bare Wagtail page (var/bench/peer)")
    try:
        peer = peers.prepare()
    except (peers.PeerUnavailable, OSError, subprocess.SubprocessError) as error:
        problems.append({"module": "bench.peers", "stage": "prepare", "error": repr(error)})
        return {"error": repr(error)}
    peer_port = free_port_after(int(urlsplit(base_url).port))
    peer_url = f"http://127.0.0.1:{peer_port}"
    site_database_cpu = database_cpu_reader(os.environ.get("DATABASE_URL"))
    peer_database_cpu = database_cpu_reader(peers.peer_database_url())
    sessions = {}

    def run_site(scenario):
        cookies = None
        if scenario.login:
            if scenario.login not in sessions:
                sessions[scenario.login] = login(base_url, scenario.login, PASSWORD, TOTP_SECRET)
            cookies = sessions[scenario.login]
        log(f"peers: site {scenario.name}")
        return run_http_scenario(
            base_url,
            scenario,
            cookies,
            server_cpu=lambda: process_tree_cpu_seconds(server_pid),
            database_cpu=site_database_cpu,
        )

    log(f"peers: gunicorn on {peer_url} ({workers} workers x {threads} threads)")
    try:
        serving = peers.serve(
            peer_port,
            SERVER_SETTINGS,
            server_environment(workers, threads),
            ready_after_fork(workers),
        )
        with serving as peer_server:

            def run_peer(scenario):
                cookies = CookieJar()
                if scenario.login or scenario.method == "POST":
                    cookies.values.update(peer["cookies"])
                log(f"peers: {scenario.name}")
                return run_http_scenario(
                    peer_url,
                    scenario,
                    cookies,
                    server_cpu=lambda: process_tree_cpu_seconds(peer_server.pid),
                    database_cpu=peer_database_cpu,
                )

            comparisons = peers.compare(peers.pairs(wanted, peer), run_site, run_peer)
            peer_memory = server_memory(peer_server.pid)
            peer_memory_at_start = getattr(peer_server, "memory_at_start", None)
    except (LoginFailed, OSError, SystemExit) as error:
        problems.append({"module": "bench.peers", "stage": "run", "error": repr(error)})
        return {"error": repr(error)}
    return {
        "versions": peer["versions"],
        "rounds": peers.ROUNDS,
        "comparisons": comparisons,
        "peer_worker_rss_mb_after_run": [w["rss_mb"] for w in peer_memory["workers"]],
        "peer_worker_memory_after_run": peer_memory["workers"],
        "peer_memory_at_start": peer_memory_at_start,
        "peer_master_memory_after_run": peer_memory["master"],
    }


def compare_with_peers(modules, problems, base_url, args, workers, threads) -> dict | None:
    """``run_peers`` against a site server started for the comparison: its workers serve the
    requests the peer's serve and nothing else, so their memory afterwards is compared like
    with like (issue 14 part 3: a worker's memory within 1.2x of wagtail-lms's). The server
    that served every scenario has held reports of 100,000 learners and exports; its figures
    stay in the report as they were."""
    port = int(urlsplit(base_url).port)
    with gunicorn(port, workers, threads, log_name="gunicorn-peers.log") as server:
        peers = run_peers(modules, problems, base_url, args, server.pid, workers, threads)
        if peers and peers.get("comparisons"):
            memory = server_memory(server.pid)
            peers["site_worker_memory_after_run"] = memory["workers"]
            peers["site_memory_at_start"] = getattr(server, "memory_at_start", None)
            peers["site_master_memory_after_run"] = memory["master"]
    return peers


def free_port_after(taken: int) -> int:
    """The peers' port: the first free one of the nine after the site's, so a BENCH_PORT at
    the start of a block of ten keeps both servers in that block."""
    for port in range(taken + 1, taken + 10):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise SystemExit("no free port for the peers")


def run_tasks(modules, problems, args) -> list[dict]:
    results = []
    for module in modules:
        if getattr(module, "bench_prepare_failed", False) or not hasattr(module, "tasks"):
            continue
        try:
            tasks = module.tasks()
        except Exception as error:
            problems.append({"module": module.__name__, "stage": "tasks", "error": repr(error)})
            continue
        for index, task in enumerate(tasks):
            if args.no_tasks or (args.only and not any(word in task.name for word in args.only)):
                continue
            log(f"task {task.name}")
            completed = subprocess.run(
                [sys.executable, __file__, "--task", f"{module.__name__}:{index}"],
                cwd=BASE_DIR,
                env={**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS},
                capture_output=True,
                text=True,
                check=False,
            )
            lines = [
                line[len(TASK_RESULT_MARKER) :]
                for line in completed.stdout.splitlines()
                if line.startswith(TASK_RESULT_MARKER)
            ]
            if completed.returncode != 0 or not lines:
                problems.append(
                    {
                        "module": module.__name__,
                        "task": task.name,
                        "error": completed.stderr.strip()[-2000:],
                    }
                )
                log(f"task {task.name} failed")
                continue
            result = json.loads(lines[-1])
            result["module"] = module.__name__
            results.append(result)
    return results


def memory_kb(field: str) -> int | None:
    """This process's ``VmRSS`` (resident now) or ``VmHWM`` (the peak since the last
    reset) in KiB, from /proc; ``None`` without it."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    return None


def reset_peak_memory() -> bool:
    """Start ``VmHWM`` again from the current RSS (Linux 4.0+), so that the peak measured
    is the task's, not Django's start-up's."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def run_one_task(target: str) -> None:
    """Runs in a fresh process: time one TaskScenario and report its peak memory."""
    module_name, index = target.rsplit(":", 1)
    setup_django()
    task = importlib.import_module(module_name).tasks()[int(index)]
    before_kb = memory_kb("VmRSS") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak_reset = reset_peak_memory()
    started = time.perf_counter()
    details = task.run()
    wall = time.perf_counter() - started
    peak_kb = (memory_kb("VmHWM") if peak_reset else None) or resource.getrusage(
        resource.RUSAGE_SELF
    ).ru_maxrss  # KiB on Linux
    result = {
        "name": task.name,
        "units": task.units,
        "wall_s": round(wall, 3),
        "items_per_s": round(task.units / wall, 2) if wall else None,
        "peak_rss_mb": round(peak_kb / 1024, 1),
        "rss_before_mb": round(before_kb / 1024, 1),
        # What the task itself added on top of the process it started in.
        "rss_growth_mb": round((peak_kb - before_kb) / 1024, 1),
    }
    if isinstance(details, dict):  # the task's own figures (e.g. issue time per certificate)
        result["details"] = details
    print(TASK_RESULT_MARKER + json.dumps(result), flush=True)


# --- the report ---------------------------------------------------------------------------


def git_commit() -> dict:
    def git(*arguments):
        return subprocess.run(
            ["git", *arguments], cwd=BASE_DIR, capture_output=True, text=True, check=False
        ).stdout.strip()

    return {
        "commit": git("rev-parse", "HEAD"),
        "branch": git("rev-parse", "--abbrev-ref", "HEAD"),
        "dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
    }


def database_description(connection) -> str:
    if connection.vendor == "sqlite":
        return f"SQLite {connection.Database.sqlite_version}"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
    return connection.vendor


def machine(workers: int, threads: int) -> dict:
    import django
    import gunicorn as gunicorn_package
    import wagtail
    from django.conf import settings
    from django.db import connection

    cpu_model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    memory_gb = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory_gb = round(kb / 1024 / 1024, 1)
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu_model,
        "memory_gb": memory_gb,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "wagtail": wagtail.__version__,
        "gunicorn": gunicorn_package.__version__,
        "server": f"gunicorn gthread, {workers} workers x {threads} threads",
        "server_preload": os.environ.get("BENCH_PRELOAD", "1") == "1",
        "site_environment": SITE_ENVIRONMENT,
        "malloc_arena_max": os.environ.get("MALLOC_ARENA_MAX", MALLOC_ARENA_MAX),
        "database": database_description(connection),
        "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
        "settings": SETTINGS,
        # Other work on the machine skews every figure: the load when the report was written.
        "load_average": [round(x, 2) for x in os.getloadavg()],
        **git_commit(),
    }


def table(http_results: list[dict], task_results: list[dict]) -> str:
    def cell(value, digits=1):
        if value is None:
            return "-"
        return f"{value:.{digits}f}" if isinstance(value, float) else str(value)

    header = (
        f"{'scenario':<24} {'req':>5} {'conc':>4} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'err':>4} {'q/req':>6} {'cpu ms':>7} {'weight KB':>10}"
    )
    lines = [header, "-" * len(header)]
    for r in http_results:
        weight = r.get("weight")
        weight_cell = "-"
        if weight:
            mark = {True: " ok", False: " OVER", None: ""}[weight["within_budget"]]
            weight_cell = f"{weight['total_gzip_kb']:.1f}{mark}"
        lines.append(
            f"{r['name']:<24} {r['requests']:>5} {r['concurrency']:>4} "
            f"{cell(r['requests_per_s']):>8} {cell(r['p50_ms']):>8} {cell(r['p95_ms']):>8} "
            f"{cell(r['p99_ms']):>8} {r['errors']:>4} {cell(r['queries_per_request']):>6} "
            f"{cell(r['server_cpu_ms_per_request']):>7} {weight_cell:>10}"
        )
    if task_results:
        lines += [
            "",
            f"{'task':<32} {'units':>7} {'wall s':>8} {'items/s':>9} {'peak MB':>8} "
            f"{'growth MB':>9}",
        ]
        for t in task_results:
            lines.append(
                f"{t['name']:<32} {t['units']:>7} {cell(t['wall_s'], 2):>8} "
                f"{cell(t['items_per_s']):>9} {cell(t['peak_rss_mb']):>8} "
                f"{cell(t.get('rss_growth_mb')):>9}"
            )
            if t.get("details"):
                lines.append("    " + ", ".join(f"{k} {v}" for k, v in t["details"].items()))
    return "\n".join(lines)


def markdown(report: dict) -> str:
    """The report as Markdown tables, for docs/benchmarks.md."""
    m = report["machine"]
    lines = [
        f"Measured {m['date']} on {m['cpu_count']} CPUs ({m['cpu_model'] or 'unknown CPU'}, "
        f"{m['memory_gb']} GB), {m['platform']}; Python {m['python']}, Django {m['django']}, "
        f"Wagtail {m['wagtail']}; {m['server']}"
        f"{', ' + m['site_environment'] + ' packages' if m.get('site_environment') else ''}; "
        f"{m['database']}, cache {m['cache']}; "
        f"commit {m['commit'][:10]}{' (with local changes)' if m['dirty'] else ''}; "
        f"load average when written {', '.join(str(x) for x in m.get('load_average', []))}.",
        "",
        "| scenario | requests x concurrency | req/s | p50 ms | p95 ms | p99 ms | errors "
        "| queries/req | server CPU ms/req |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in report["scenarios"]:
        lines.append(
            f"| {r['name']} (`{r['path']}`{', signed in' if r['login'] else ''}) "
            f"| {r['requests']} x {r['concurrency']} | {r['requests_per_s']} | {r['p50_ms']} "
            f"| {r['p95_ms']} | {r['p99_ms']} | {r['errors']} | {r['queries_per_request']} "
            f"| {r.get('server_cpu_ms_per_request')} |"
        )
    weighed = [r for r in report["scenarios"] if r.get("weight")]
    if weighed:
        lines += [
            "",
            "| page | HTML + CSS + JS, gzip | budget | files | web fonts it may load |",
            "|---|---|---|---|---|",
        ]
        for r in weighed:
            w = r["weight"]
            budget = "-" if w["budget_kb"] is None else f"{w['budget_kb']} KB"
            if w["within_budget"] is not None:
                budget += " (within)" if w["within_budget"] else " (OVER)"
            files = ", ".join(
                f"{Path(i['url']).name or i['url']} {i['gzip_bytes'] / 1024:.1f} KB"
                for i in w["items"]
            )
            fonts = f"{w.get('fonts_kb', 0)} KB ({len(w.get('fonts', []))} files)"
            lines.append(
                f"| {r['name']} | {w['total_gzip_kb']} KB ({w['total_gzip_bytes']} bytes) "
                f"| {budget} | {files} | {fonts} |"
            )
    if report.get("worker_memory_after_run"):
        sizes = memory_summary(report["worker_memory_after_run"])
        lines += ["", f"Memory of each gunicorn worker after every scenario: {sizes}."]
        lines += master_lines(
            report.get("server_memory_at_start"), report.get("master_memory_after_run")
        )
    elif report.get("worker_rss_mb_after_run"):
        sizes = ", ".join(f"{mb} MB" for mb in report["worker_rss_mb_after_run"])
        lines += ["", f"Resident memory of each gunicorn worker after the run: {sizes}."]
    ratios = report.get("ratios_to_static_file") or {}
    static_rounds = report.get("static_file_rounds") or {}
    if ratios:
        lines += [
            "",
            "| anonymous scenario | requests/s as a share of the static file's "
            "| rounds, page / static file req/s |",
            "|---|---|---|",
        ]
        for name, ratio in ratios.items():
            rounds = (static_rounds.get(name) or {}).get("rounds") or []
            pairs = ", ".join(f"{r['page']} / {r['static']}" for r in rounds) or "one run"
            lines.append(f"| {name} | {ratio:.2f}x | {pairs} |")
    peers = report.get("peers") or {}
    if peers.get("comparisons"):
        v = peers["versions"]
        lines += [
            "",
            f"Peers (bench/peers.py): wagtail-lms {v.get('wagtail-lms')} on Wagtail "
            f"{v.get('wagtail')}, Django {v.get('django')}, and a bare Wagtail page, same "
            f"server settings, {peers['rounds']} interleaved rounds.",
            "",
            "| comparison | peer | site req/s (rounds) | peer req/s (rounds) | median ratio "
            "| site queries | peer queries | site p95 ms | peer p95 ms |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for c in peers["comparisons"]:
            site = [r["site"] for r in c["rounds"]]
            peer = [r["peer"] for r in c["rounds"]]
            lines.append(
                f"| {c['label']} (c{c['concurrency']}) | {c['peer']} "
                f"| {', '.join(str(r['requests_per_s']) for r in site)} "
                f"| {', '.join(str(r['requests_per_s']) for r in peer)} "
                f"| **{c['median_ratio']}x** | {site[-1]['queries_per_request']} "
                f"| {peer[-1]['queries_per_request']} | {site[-1]['p95_ms']} "
                f"| {peer[-1]['p95_ms']} |"
            )
        if peers.get("site_worker_memory_after_run"):
            sizes = memory_summary(peers["site_worker_memory_after_run"])
            lines += [
                "",
                "Memory of each site gunicorn worker after the comparison rounds (a server "
                f"started for them, serving what the peer's serve): {sizes}.",
            ]
            lines += master_lines(
                peers.get("site_memory_at_start"), peers.get("site_master_memory_after_run")
            )
        if peers.get("peer_worker_memory_after_run"):
            sizes = memory_summary(peers["peer_worker_memory_after_run"])
            lines += ["", f"Memory of each peer gunicorn worker after its runs: {sizes}."]
            lines += master_lines(
                peers.get("peer_memory_at_start"), peers.get("peer_master_memory_after_run")
            )
        elif peers.get("peer_worker_rss_mb_after_run"):
            sizes = ", ".join(f"{mb} MB" for mb in peers["peer_worker_rss_mb_after_run"])
            lines += ["", f"Resident memory of each peer gunicorn worker after its runs: {sizes}."]
    elif peers.get("error"):
        lines += ["", f"Peers did not run: {peers['error']}"]
    if report["tasks"]:
        lines += [
            "",
            "| task | units | wall s | items/s | peak RSS MB | RSS before MB | growth MB |",
            "|---|---|---|---|---|---|---|",
        ]
        for t in report["tasks"]:
            lines.append(
                f"| {t['name']} | {t['units']} | {t['wall_s']} | {t['items_per_s']} "
                f"| {t['peak_rss_mb']} | {t['rss_before_mb']} | {t.get('rss_growth_mb', '-')} |"
            )
        for t in report["tasks"]:
            if t.get("details"):
                figures = ", ".join(f"{k} {v}" for k, v in t["details"].items())
                lines += ["", f"{t['name']}: {figures}."]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only",
        nargs="*",
        help="run scenarios whose name contains a word; a word naming a module "
        "(reports, portal...) prepares and runs that module only",
    )
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every request count")
    parser.add_argument("--skip-prepare", action="store_true", help="reuse the data set")
    parser.add_argument(
        "--no-static-rounds",
        action="store_true",
        help="compare anonymous pages with the static file's one run, not interleaved rounds",
    )
    parser.add_argument("--output", default=str(RESULTS_DIR / "latest.json"))
    parser.add_argument(
        "--markdown", action="store_true", help="print the results file as Markdown, run nothing"
    )
    parser.add_argument(
        "--target",
        help="drive a running server (the loopback cluster's nginx, e.g. "
        "http://127.0.0.1:8200) instead of starting gunicorn",
    )
    parser.add_argument(
        "--no-peers", action="store_true", help="skip wagtail-lms and the bare Wagtail page"
    )
    parser.add_argument(
        "--no-tasks", action="store_true", help="run the HTTP scenarios only, no task"
    )
    parser.add_argument("--task", help=argparse.SUPPRESS)  # internal: module:index
    args = parser.parse_args(argv)
    if args.target:
        return run_against_target(args)
    if args.markdown:
        print(markdown(json.loads(Path(args.output).read_text())))
        return 0
    if args.task:
        run_one_task(args.task)
        return 0

    workers = int(os.environ.get("BENCH_WORKERS", 2))
    threads = int(os.environ.get("BENCH_THREADS", 4))
    started = time.perf_counter()
    setup_django()
    problems: list[dict] = []
    modules = modules_named(import_scenario_modules(problems), args.only)
    timings = build_database(modules, problems, skip_prepare=args.skip_prepare)

    global SITE_ENVIRONMENT
    SITE_ENVIRONMENT = site_environment()
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log(
        f"gunicorn on {base_url} ({workers} workers x {threads} threads, "
        f"{SITE_ENVIRONMENT} packages)"
    )
    with gunicorn(port, workers, threads) as server:
        http_results, ran = run_http(modules, problems, base_url, args, server.pid)
        rounds = static_rounds(
            args, base_url, http_results, ran, lambda: process_tree_cpu_seconds(server.pid)
        )
        # What each worker holds after serving every scenario.
        memory_after_run = server_memory(server.pid)
    peers = None
    if not args.no_peers:
        peers = compare_with_peers(modules, problems, base_url, args, workers, threads)
    task_results = run_tasks(modules, problems, args)

    report = {
        "machine": machine(workers, threads),
        "ratios_to_static_file": ratios_to_static(http_results, rounds),
        "static_file_rounds": rounds,
        "worker_rss_mb_after_run": [w["rss_mb"] for w in memory_after_run["workers"]],
        "worker_memory_after_run": memory_after_run["workers"],
        "server_memory_at_start": getattr(server, "memory_at_start", None),
        "master_memory_after_run": memory_after_run["master"],
        "peers": peers,
        "timings": {**timings, "total_s": round(time.perf_counter() - started, 1)},
        "scenarios": http_results,
        "tasks": task_results,
        "problems": problems,
    }
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print()
    print(table(http_results, task_results))
    for problem in problems:
        print(f"PROBLEM: {problem}")
    if any(r["errors"] for r in http_results):
        print("Some requests failed: the servers' logs are var/bench/gunicorn*.log")
    log(f"written to {output.relative_to(BASE_DIR) if output.is_relative_to(BASE_DIR) else output}")
    for r in http_results:
        fonts = (r.get("weight") or {}).get("fonts")
        if fonts:
            print(
                f"Web fonts {r['name']} may load (outside the budget): "
                f"{r['weight']['fonts_kb']} KB in {len(fonts)} files"
            )
    over_budget = [
        r["name"] for r in http_results if (r.get("weight") or {}).get("within_budget") is False
    ]
    if over_budget:
        print(f"Over the page-weight budget: {', '.join(over_budget)}")
    # A failed module, a failed request or a page over its budget fails the run (and CI).
    failed = problems or over_budget or any(r["errors"] for r in http_results)
    return 1 if failed else 0


def cluster_cpu_seconds() -> float:
    """CPU seconds used so far by the loopback cluster's app servers (masters and workers),
    found through their pid files."""
    run = Path(os.environ.get("CLUSTER_DIR", BASE_DIR / "var" / "cluster")) / "run"
    total = 0.0
    for pidfile in run.glob("app-*.pid"):
        with contextlib.suppress(OSError, ValueError):
            total += process_tree_cpu_seconds(int(pidfile.read_text().strip()))
    return total


def run_against_target(args) -> int:
    """The HTTP scenarios through a running server (``--target``), the data set built in
    its database first."""
    global SETTINGS
    import urllib.request

    os.environ["CLUSTER_BENCH"] = "1"
    if SETTINGS == "lms.settings.bench":
        SETTINGS = "lms.settings.cluster"
    base_url = args.target.rstrip("/")
    with urllib.request.urlopen(f"{base_url}/robots.txt", timeout=10) as response:
        if "X-Query-Count" not in response.headers:
            log(
                "the target does not count queries: start it with CLUSTER_BENCH=1 "
                "(make cluster CLUSTER_BENCH=1)"
            )
            return 1
    started = time.perf_counter()
    setup_django()
    problems: list[dict] = []
    modules = modules_named(import_scenario_modules(problems), args.only)
    timings = build_database(modules, problems, skip_prepare=args.skip_prepare)
    from django.core.cache import caches

    caches["pages"].clear()
    log(f"driving {base_url}")
    http_results, ran = run_http(modules, problems, base_url, args, 0, cluster_cpu_seconds)
    rounds = static_rounds(args, base_url, http_results, ran, cluster_cpu_seconds)
    report = {
        "machine": {**machine(0, 0), "target": base_url},
        "ratios_to_static_file": ratios_to_static(http_results, rounds),
        "static_file_rounds": rounds,
        "timings": {**timings, "total_s": round(time.perf_counter() - started, 1)},
        "scenarios": http_results,
        "tasks": [],
        "problems": problems,
    }
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print()
    print(table(http_results, []))
    for problem in problems:
        print(f"PROBLEM: {problem}")
    return 1 if problems or any(r["errors"] for r in http_results) else 0


if __name__ == "__main__":
    sys.exit(main())
