"""The bench's peers (issue 14, part 0): wagtail-lms and a bare Wagtail page, measured in
the same run as the site, against the same kind of server, in interleaved rounds.

The peer project (``bench/peer_site``) runs in a virtual environment of its own,
``var/bench/peer/venv``, which this module builds the first time with uv from PyPI
(wagtail-lms pins its own Wagtail and Django; it is never installed beside the site's
packages). Its database is of the same engine as the bench's: SQLite in
``var/bench/peer/peer.sqlite3``, or, when ``DATABASE_URL`` names PostgreSQL, a database
beside the bench's with ``_peer`` after its name. Redis for cache and sessions when
``REDIS_URL`` is set, as for the site. Served by gunicorn from that environment with the
site's settings (gthread, the same workers and threads, persistent connections, DEBUG
off), counting queries with the bench's own middleware.

Each pair (one of the site's scenarios, the peer's counterpart) runs ``PEER_ROUNDS``
times, alternating which goes first; the report gives each round's requests/s ratio
(site / peer) and their median. See docs/decisions/0612-bench-peers.md.
"""

import contextlib
import json
import os
import shutil
import subprocess
import uuid
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.driver import interleaved_rounds
from bench.harness import HttpScenario

BASE_DIR = Path(__file__).resolve().parent.parent
PEER_DIR = BASE_DIR / "var" / "bench" / "peer"
SITE_DIR = BASE_DIR / "bench" / "peer_site"
VENV = PEER_DIR / "venv"
PEER_PACKAGES = ["wagtail-lms", "gunicorn"]
ROUNDS = int(os.environ.get("PEER_ROUNDS", 3))


class PeerUnavailable(Exception):
    pass


def _uv() -> str:
    local = BASE_DIR / ".uv" / "bin" / "uv"
    found = str(local) if local.exists() else shutil.which("uv")
    if not found:
        raise PeerUnavailable("uv is needed to build the peers' environment")
    return found


def peer_database_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_peer"))


def _environment(base: dict | None = None) -> dict:
    env = {
        **(os.environ if base is None else base),
        "PEER_DIR": str(PEER_DIR),
        "PYTHONPATH": f"{SITE_DIR}{os.pathsep}{BASE_DIR}",
        "DJANGO_SETTINGS_MODULE": "peer_settings",
    }
    env.pop("VIRTUAL_ENV", None)
    url = peer_database_url()
    if url:
        env["PEER_DATABASE_URL"] = url
    return env


def _run(command: list[str], timeout: float = 1800) -> str:
    done = subprocess.run(
        command,
        cwd=BASE_DIR,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise PeerUnavailable(f"{' '.join(command[:4])}: {done.stderr.strip()[-600:]}")
    return done.stdout


def ensure_environment() -> dict:
    """The peers' virtual environment, built once; the versions it holds."""
    python = VENV / "bin" / "python"
    packages = list(PEER_PACKAGES)
    if peer_database_url():
        packages.append("psycopg[binary]")
    if os.environ.get("REDIS_URL"):
        packages.append("redis")
    PEER_DIR.mkdir(parents=True, exist_ok=True)
    if not python.exists():
        _run([_uv(), "venv", "--quiet", str(VENV)])
    probe = "import importlib.metadata as m; print(m.version('wagtail-lms'))"
    installed = subprocess.run(
        [str(python), "-c", probe], capture_output=True, text=True, check=False
    )
    if installed.returncode != 0 or peer_database_url() or os.environ.get("REDIS_URL"):
        _run([_uv(), "pip", "install", "--quiet", "--python", str(python), *packages])
    versions = _run(
        [
            str(python),
            "-c",
            "import importlib.metadata as m, json; print(json.dumps({p: m.version(p) for p in "
            "('wagtail-lms', 'wagtail', 'django', 'gunicorn')}))",
        ]
    )
    return json.loads(versions)


def _ensure_database() -> None:
    url = peer_database_url()
    if not url:
        return
    import psycopg  # the bench's own environment has it when DATABASE_URL is PostgreSQL

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if exists.fetchone() is None:
            connection.execute(f'CREATE DATABASE "{name}"')


def prepare() -> dict:
    """Migrate the peer project and build its pages and signed-in learner."""
    versions = ensure_environment()
    _ensure_database()
    python = str(VENV / "bin" / "python")
    _run([python, "-m", "django", "migrate", "--verbosity", "0"])
    found = json.loads(_run([python, str(SITE_DIR / "peer_setup.py")]))
    found["versions"] = versions
    return found


@contextlib.contextmanager
def serve(port: int, server_settings: Path, server_environment: dict, wait_until_ready):
    """gunicorn from the peers' environment with the site's settings file and environment
    (workers, threads, preloading, MALLOC_ARENA_MAX)."""
    log_file = PEER_DIR / "gunicorn.log"
    command = [
        str(VENV / "bin" / "gunicorn"),
        "peer_wsgi:application",
        "--config",
        str(server_settings),
        "--bind",
        f"127.0.0.1:{port}",
    ]
    with log_file.open("w") as output:
        process = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=_environment(server_environment),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_ready(port, process, path="/")  # the bare page
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _peer_statement(number: int) -> tuple[bytes, str]:
    statement = {
        "id": str(uuid.uuid4()),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced", "display": {"en-US": "x"}},
        "object": {"id": f"http://127.0.0.1/lesson/{number}"},
    }
    return json.dumps(statement).encode(), "application/json"


def pairs(site_scenarios: dict[str, HttpScenario], peer: dict) -> list[dict]:
    """(label, the site's scenario, the peer's scenario, which peer) for each comparison
    whose site scenario this run has."""
    csrf = {"X-CSRFToken": peer["cookies"]["csrftoken"]}
    wanted = [
        ("lesson page, signed-in learner", "lesson", "wagtail-lms", peer["lesson"], "GET"),
        ("course page, signed-in learner", "course", "wagtail-lms", peer["course"], "GET"),
        ("one statement written", "statement", "wagtail-lms", peer["xapi"], "POST"),
        ("anonymous home page", "home", "bare Wagtail page", peer["bare_page"], "GET"),
        ("anonymous home page, rendered", "home.rendered", "bare Wagtail page", "/", "GET"),
        ("anonymous article", "article", "bare Wagtail page", peer["bare_page"], "GET"),
        ("anonymous article, rendered", "article.rendered", "bare Wagtail page", "/", "GET"),
    ]
    found = []
    for label, key, peer_name, path, method in wanted:
        site = site_scenarios.get(key)
        if site is None:
            continue
        signed_in = site.login is not None
        found.append(
            {
                "label": label,
                "peer": peer_name,
                "site": site,
                "peer_scenario": HttpScenario(
                    name=f"peer {peer_name}: {label}",
                    path=path,
                    method=method,
                    body=_peer_statement if method == "POST" else None,
                    headers=csrf if method == "POST" else {},
                    requests=site.requests,
                    concurrency=site.concurrency,
                    login="peer.learner" if signed_in else None,
                ),
            }
        )
    return found


def compare(pairs_found, run_site, run_peer) -> list[dict]:
    """Interleaved rounds: each pair's site and peer scenarios one after the other,
    alternating which goes first; the ratio of requests/s per round and their median."""
    results = []
    for pair in pairs_found:
        rounds, median_ratio = interleaved_rounds(
            {
                "site": lambda pair=pair: _brief(run_site(replace(pair["site"]))),
                "peer": lambda pair=pair: _brief(run_peer(replace(pair["peer_scenario"]))),
            },
            ROUNDS,
        )
        results.append(
            {
                "label": pair["label"],
                "peer": pair["peer"],
                "site_path": pair["site"].path,
                "peer_path": pair["peer_scenario"].path,
                "concurrency": pair["site"].concurrency,
                "rounds": rounds,
                "median_ratio": median_ratio,
            }
        )
    return results


def _brief(result: dict) -> dict:
    keys = (
        "requests",
        "requests_per_s",
        "p50_ms",
        "p95_ms",
        "errors",
        "queries_per_request",
        "server_cpu_ms_per_request",
        "database_cpu_ms_per_request",
    )
    return {key: result.get(key) for key in keys}
