"""Past one machine: the loopback cluster (site/deploy/cluster.sh) of two app servers behind
nginx, sharing PostgreSQL, Redis and the media folder, with a Celery worker and beat.

Everything goes through nginx over HTTP, as a browser would; nginx names the app server
that answered (X-Upstream, the cluster's config only). Proves that sessions, the caches,
uploads, page-cache invalidation and task results work whichever app server answers, and
that killing one app server in the middle of a run loses no request nginx can retry and no
data. Runs in CI's PostgreSQL pass (LMS_TEST_SERVICES=1); skipped without nginx."""

import base64
import http.client
import http.cookiejar
import io
import json
import os
import re
import shutil
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.accounts.factories import authenticator_code

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "site" / "deploy" / "cluster.sh"
PORT = int(os.environ.get("CLUSTER_TEST_PORT", 8210))
APP_PORTS = (PORT + 1, PORT + 2)
BASE = f"http://127.0.0.1:{PORT}"
PASSWORD = "cluster-test-password-2026"
WORKERS, THREADS = 2, 2  # gunicorn processes per app server, threads per process
THREADS_PER_APP_SERVER = WORKERS * THREADS
CUT = "cut"  # an answer that stopped short

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(
        not os.environ.get("LMS_TEST_SERVICES"),
        reason="needs CI's PostgreSQL and Redis (LMS_TEST_SERVICES=1)",
    ),
    pytest.mark.skipif(
        not os.environ.get("LMS_TEST_CLUSTER"),
        reason="starts a whole cluster (minutes): LMS_TEST_CLUSTER=1, as .ci/run sets it",
    ),
    pytest.mark.skipif(
        not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()),
        reason="nginx is not installed (make cluster installs it)",
    ),
]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    directory = tmp_path_factory.mktemp("cluster")
    name = f"cluster-test-{os.getpid()}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))},
        "PATH": f"/usr/sbin:/sbin:{os.environ.get('PATH', '')}",
        "CLUSTER_DIR": str(directory),
        "CLUSTER_NAME": name,
        "CLUSTER_PORT": str(PORT),
        "CLUSTER_APP_PORTS": " ".join(map(str, APP_PORTS)),
        "CLUSTER_DB": os.environ.get("CLUSTER_TEST_DB", "lms_cluster_test"),
        "CLUSTER_REDIS_URL": os.environ.get("CLUSTER_TEST_REDIS_URL", "redis://127.0.0.1:6379/8"),
        "CLUSTER_WORKERS": str(WORKERS),
        "CLUSTER_THREADS": str(THREADS),
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)

    def script(*args, check=True):
        return subprocess.run(
            [str(SCRIPT), *args], env=env, cwd=ROOT, check=check, capture_output=True, text=True
        )

    def shell(code: str) -> str:
        """Run Python in the cluster's Django (its own database) and return what it prints."""
        completed = subprocess.run(
            [str(ROOT / ".venv" / "bin" / "python"), "manage.py", "shell", "-c", code],
            env={**env, "DJANGO_SETTINGS_MODULE": "lms.settings.cluster"} | _cluster_urls(env),
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert completed.returncode == 0, completed.stderr[-3000:]
        return completed.stdout.strip()

    started = script("start", check=False)
    try:
        assert started.returncode == 0, started.stdout[-3000:] + started.stderr[-3000:]
        yield {"env": env, "script": script, "shell": shell, "dir": directory, "name": name}
    finally:
        script("stop", check=False)


def _cluster_urls(env):
    db = env["CLUSTER_DB"]
    return {
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db}",
        "REDIS_URL": env["CLUSTER_REDIS_URL"],
        "CELERY_BROKER_URL": env["CLUSTER_REDIS_URL"],
        "CELERY_RESULT_BACKEND": env["CLUSTER_REDIS_URL"],
    }


SETUP = """
from allauth.mfa.totp.internal.auth import TOTP
from wagtail.models import Locale
from certification.models import Candidacy, Programme, Requirement
from certification.services import certificate_issue
from lms.accounts.models import User
from lms.portal.models import HomePage
person = User.objects.create_user(username="{username}", password="{password}",
                                  display_name="Cluster Person", preferred_language="en")
programme, _ = Programme.objects.get_or_create(
    slug="cluster-programme",
    defaults=dict(locale=Locale.get_default(), title="Cluster programme", summary="s",
                  audience=Programme.Audience.TRAINER, serial_prefix="CLU", validity_months=36))
if not programme.requirements.exists():
    Requirement.objects.create(programme=programme, locale=programme.locale,
                               kind=Requirement.Kind.PORTFOLIO, title="Portfolio", required_count=1)
candidacy = Candidacy.objects.create(candidate=person, programme=programme)
print(certificate_issue(candidacy=candidacy, approved=True).code)
# An editor (staff sign in with a second factor) and a draft of the home page for them to publish.
editor = User.objects.create_superuser(username="{username}.editor", email="",
                                       password="{password}", display_name="Cluster Editor")
TOTP.activate(editor, "{totp_secret}")
home = HomePage.objects.get(locale=Locale.get_default())
home.title = "{draft_title}"
home.save_revision(user=editor)
print(home.pk)
"""


class Browser:
    """One visitor: cookies kept, each request a fresh connection to nginx (so that nginx,
    not a kept-alive connection, picks the app server)."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def request(self, path, data=None, *, content_type=None, timeout=90):
        headers = {"Host": f"127.0.0.1:{PORT}"}
        if content_type:
            headers["Content-Type"] = content_type
        if data is not None:
            headers["Referer"] = BASE + path
        request = urllib.request.Request(BASE + path, data=data, headers=headers)
        try:
            response = self.opener.open(request, timeout=timeout)
        except urllib.error.HTTPError as error:
            response = error
        body = response.read()
        return response.status, dict(response.headers), body

    def csrf(self, path) -> str:
        status, _headers, body = self.request(path)
        assert status == 200, (path, status)
        return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()

    def post_form(self, path, fields: dict):
        data = {"csrfmiddlewaretoken": self.csrf(path), **fields}
        return self.request(
            path,
            urllib.parse.urlencode(data).encode(),
            content_type="application/x-www-form-urlencoded",
        )

    def sign_in(self, username, *, totp_secret=None):
        status, headers, _body = self.post_form(
            "/en/accounts/login/", {"login": username, "password": PASSWORD}
        )
        assert status == 302, status
        if totp_secret:  # the second factor, as a person types it from their app
            step = urllib.parse.urlsplit(headers["Location"]).path
            assert "2fa" in step, step
            status, headers, _body = self.post_form(step, {"code": authenticator_code(totp_secret)})
            assert status == 302, status


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for key, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    for key, (filename, content, kind) in files.items():
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; '
                f'filename="{filename}"\r\nContent-Type: {kind}\r\n\r\n'
            ).encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (11, 83, 148)).save(buffer, "PNG")
    return buffer.getvalue()


def _upstreams(headers) -> list[str]:
    """The app servers nginx tried for a request, in order (more than one: it retried)."""
    return [part.strip() for part in headers.get("X-Upstream", "").split(",") if part.strip()]


def _upstream(headers) -> str:
    """The app server that answered."""
    return (_upstreams(headers) or [""])[-1]


def _answered_by(cluster, path: str, status: int) -> set[str]:
    """The app servers whose own access logs show ``path`` answered with ``status`` (for the
    answers nginx completes itself from X-Accel-Redirect, which name no upstream)."""
    line = re.compile(rf'"GET {re.escape(path)} HTTP/1\.[01]" {status} ')
    return {
        f"127.0.0.1:{port}"
        for port in APP_PORTS
        if line.search((cluster["dir"] / "log" / f"app-{port}.access.log").read_text())
    }


def _setup(cluster):
    """A signed-up person holding a certificate, an editor with a second factor, and a
    draft of the home page under a new title."""
    username = f"cluster.{uuid.uuid4().hex[:10]}"
    totp_secret = base64.b32encode(os.urandom(20)).decode()
    draft_title = f"Cluster news {uuid.uuid4().hex[:8]}"
    code, home_pk = cluster["shell"](
        SETUP.format(
            username=username, password=PASSWORD, totp_secret=totp_secret, draft_title=draft_title
        )
    ).splitlines()[-2:]
    return {
        "username": username,
        "editor": f"{username}.editor",
        "totp_secret": totp_secret,
        "draft_title": draft_title,
        "code": code,
        "home_pk": int(home_pk),
    }


def _log_cpd(browser, *, client_id, title, evidence=None):
    token = browser.csrf("/en/certificates/cpd/")
    fields = {
        "csrfmiddlewaretoken": token,
        "kind": "course_attended",
        "title": title,
        "date": time.strftime("%Y-%m-%d"),
        "hours": "1",
        "description": "",
        "client_id": client_id,
    }
    files = {"evidence": ("evidence.png", evidence, "image/png")} if evidence else {}
    body, kind = _multipart(fields, files)
    return browser.request("/en/certificates/cpd/", body, content_type=kind)


def test_two_app_servers_behind_nginx_share_everything(cluster):
    made = _setup(cluster)
    both = {f"127.0.0.1:{port}" for port in APP_PORTS}

    # Sessions: signed in through one app server, recognised by both.
    person = Browser()
    person.sign_in(made["username"])
    seen = set()
    for _ in range(8):
        status, headers, body = person.request("/en/certificates/cpd/")
        assert status == 200  # signed in: the page asks anonymous visitors to sign in
        assert b'name="client_id"' in body  # the CPD log's own form
        seen.add(_upstream(headers))
    assert seen == both

    # Uploads: evidence sent through one app server, handed out by both.
    evidence = _png()
    status, headers, _body = _log_cpd(
        person, client_id=str(uuid.uuid4()), title="Uploaded through nginx", evidence=evidence
    )
    assert status == 302
    assert _upstream(headers) in both
    _status, _headers, body = person.request("/en/certificates/cpd/")
    evidence_path = re.search(rb'href="(/en/certificates/cpd/\d+/evidence/)"', body).group(1)
    for _ in range(4):
        status, _headers, body = person.request(evidence_path.decode())
        assert status == 200
        assert body == evidence
    # nginx sent the file (X-Accel-Redirect), so the answer names no upstream: the app
    # servers' own logs show that both handed it out.
    assert _answered_by(cluster, evidence_path.decode(), 200) == both

    # Task results: the certificate's PDF, queued at issue, rendered by the Celery worker
    # into the shared folder and recorded in the database; both app servers hand it out
    # (before the worker is done they redirect to the certificate's page instead).
    pdf_path = f"/en/certificates/held/{made['code']}/certificate.pdf"
    deadline = time.monotonic() + 120
    while _answered_by(cluster, pdf_path, 200) != both and time.monotonic() < deadline:
        status, _headers, body = person.request(pdf_path)
        if status == 200:
            assert body.startswith(b"%PDF-")
        else:
            assert status == 302
            time.sleep(0.5)
    assert _answered_by(cluster, pdf_path, 200) == both
    # And a result handed back through the result backend.
    result = cluster["shell"](
        "from lms.portal.tasks import health_check; import uuid; t = uuid.uuid4().hex; "
        "print(health_check.delay(t).get(timeout=60)['token'] == t)"
    )
    assert result.splitlines()[-1] == "True"

    # The page cache answers on both app servers (that it is one cache: after the publish).
    visitor = Browser()
    answers = []
    for _ in range(8):
        status, headers, body = visitor.request("/en/")
        assert status == 200
        assert made["draft_title"].encode() not in body  # a draft is not shown
        answers.append((_upstream(headers), headers.get("X-Page-Cache")))
    assert {upstream for upstream, state in answers if state == "hit"} == both

    # Invalidation: the editor publishes the draft in the admin through one app server;
    # the next requests, whichever app server answers, show it. Only the first renders
    # afresh: the other app server finds that rendering in the shared cache.
    editor = Browser()
    editor.sign_in(made["editor"], totp_secret=made["totp_secret"])
    status, headers, _body = editor.post_form(
        f"/admin/bulk/wagtailcore/page/publish/?id={made['home_pk']}", {}
    )
    assert status == 302, status
    publisher = _upstream(headers)
    assert publisher in both
    answers = []
    for _ in range(8):
        status, headers, body = visitor.request("/en/")
        assert status == 200
        assert made["draft_title"].encode() in body, _upstream(headers)
        answers.append((_upstream(headers), headers.get("X-Page-Cache")))
    assert {upstream for upstream, _state in answers} == both
    assert answers[0][1] == "miss", answers  # the publish made every cached copy stale
    # A fresh rendering by one server is a hit on the other: the first time the other server
    # answers after a miss (a task of the worker may start another generation in between,
    # so any such pair will do).
    assert any(
        state == "miss" and next((s for u, s in answers[i + 1 :] if u != upstream), None) == "hit"
        for i, (upstream, state) in enumerate(answers)
    ), answers


def _app_server_pids(cluster, port) -> list[int]:
    """The gunicorn master of one app server and its workers."""
    master = int((cluster["dir"] / "run" / f"app-{port}.pid").read_text())
    children = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True, check=False
    ).stdout.split()
    return [master, *map(int, children)]


def test_killing_an_app_server_mid_run_loses_no_retriable_request_and_no_data(cluster):
    made = _setup(cluster)
    person = Browser()
    person.sign_in(made["username"])
    dying, surviving = (f"127.0.0.1:{port}" for port in APP_PORTS)
    reads, writes, errors, lock = [], [], [], threading.Lock()
    stop = threading.Event()

    def reader():
        visitor = Browser()
        for n in range(1000):
            if stop.is_set():
                return
            path = "/en/certificates/cpd/" if n % 2 else "/en/"
            browser = person if n % 2 else visitor
            started = time.monotonic()
            try:
                status, headers, _body = browser.request(path)
            except http.client.IncompleteRead:  # the answer had begun: asserted below
                status, headers = CUT, {}
            except Exception as error:  # a lost request
                errors.append((path, repr(error)))
                continue
            with lock:
                reads.append((status, _upstreams(headers), started, time.monotonic()))

    def writer():
        for n in range(200):
            if stop.is_set():
                return
            client_id = str(uuid.uuid4())
            started = time.monotonic()
            try:
                status, _headers, _body = _log_cpd(person, client_id=client_id, title=f"W{n}")
            except http.client.IncompleteRead:
                status = CUT
            except Exception as error:
                errors.append((client_id, repr(error)))
                continue
            with lock:
                writes.append((client_id, status, started, time.monotonic()))

    threads = [threading.Thread(target=reader) for _ in range(3)]
    threads.append(threading.Thread(target=writer))
    for thread in threads:
        thread.start()
    pids, killed_at = [], None
    try:
        time.sleep(3)
        # The app server hangs first, so that requests are surely inside it when it dies:
        # nginx has passed them on and waits for answers that never come.
        pids = _app_server_pids(cluster, APP_PORTS[0])
        for pid in pids:
            os.kill(pid, signal.SIGSTOP)
        time.sleep(3)
        killed_at = time.monotonic()
        cluster["script"]("kill-app", str(APP_PORTS[0]))
        time.sleep(6)
    finally:
        if killed_at is None and pids:
            cluster["script"]("kill-app", str(APP_PORTS[0]), check=False)
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
    try:
        assert errors == []
        assert all(_process_state(pid) in {"gone", "Z"} for pid in pids), pids
        before = [read for read in reads if read[3] < killed_at]
        around = [read for read in reads if read[2] < killed_at < read[3]]
        after = [read for read in reads if read[2] > killed_at]
        assert {upstreams[-1] for _, upstreams, _, _ in before} == {dying, surviving}
        # Reads were waiting inside the dying server when it was killed; nginx sent them
        # again to the other server; every read of the run succeeded.
        assert [read for read in around if read[1] == [dying, surviving]], around
        # The one failure nginx cannot retry: an answer it had begun to pass on (status and
        # headers sent, then the server died). Only requests inside the dying server at
        # that moment, at most one per thread of it.
        cut = [read for read in reads if read[0] == CUT]
        assert all(read in around for read in cut), cut
        assert len(cut) <= THREADS_PER_APP_SERVER, cut
        assert [read for read in reads if read[0] not in (200, CUT)] == []
        assert after
        assert {upstreams[-1] for _, upstreams, _, _ in after} == {surviving}
        # Writes: a POST nginx had already passed to the dying server is not resent by nginx
        # (it could have been saved); the form's client id lets the visitor send it again
        # safely. Every write ends saved exactly once, also one sent twice.
        assert [w for w in writes if w[3] < killed_at]
        assert [w for w in writes if w[2] > killed_at]
        failed = [write for write in writes if write[1] != 302]
        assert all(started < killed_at < ended for _, _, started, ended in failed), failed
        assert len(failed) <= 1, failed
        failed = [client_id for client_id, *_ in failed]
        saved_first = next(client_id for client_id, status, _, _ in writes if status == 302)
        for client_id in [*failed, saved_first]:
            status, _headers, _body = _log_cpd(person, client_id=client_id, title="Again")
            assert status == 302
        counts = cluster["shell"](
            "import json\n"
            "from certification.models import CPDActivity\n"
            f"ids = {[client_id for client_id, *_ in writes]!r}\n"
            "rows = CPDActivity.objects.filter(client_id__in=ids)\n"
            "print(json.dumps([str(i) for i in rows.values_list('client_id', flat=True)]))\n"
        )
        saved = json.loads(counts.splitlines()[-1])
        assert sorted(saved) == sorted(client_id for client_id, *_ in writes)
    finally:
        cluster["script"]("start-app", str(APP_PORTS[0]))


def _process_state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return "gone"
