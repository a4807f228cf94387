"""Past one machine: the loopback cluster (site/deploy/cluster.sh) of two app servers behind
nginx, sharing PostgreSQL, Redis and the media folder, with a Celery worker and beat.

Everything goes through nginx over HTTP, as a browser would; nginx names the app server
that answered (X-Upstream, the cluster's config only). Proves that sessions, the caches,
uploads, page-cache invalidation and task results work whichever app server answers, and
that killing one app server in the middle of a run loses no request nginx can retry and no
data. Runs in CI's PostgreSQL pass (LMS_TEST_SERVICES=1); skipped without nginx."""

import http.cookiejar
import io
import json
import os
import re
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "site" / "deploy" / "cluster.sh"
PORT = int(os.environ.get("CLUSTER_TEST_PORT", 8210))
APP_PORTS = (PORT + 1, PORT + 2)
BASE = f"http://127.0.0.1:{PORT}"
PASSWORD = "cluster-test-password-2026"

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
        "CLUSTER_WORKERS": "2",
        "CLUSTER_THREADS": "2",
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
from wagtail.models import Locale
from certification.models import Candidacy, Programme, Requirement
from certification.services import certificate_issue
from lms.accounts.models import User
from lms.portal import demo
from lms.portal.models import SectionPage
if not SectionPage.objects.filter(slug="training").exists():
    demo.load()
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
"""


class Browser:
    """One visitor: cookies kept, each request a fresh connection to nginx (so that nginx,
    not a kept-alive connection, picks the app server)."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def request(self, path, data=None, *, content_type=None, timeout=30):
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

    def sign_in(self, username):
        token = self.csrf("/en/accounts/login/")
        data = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "login": username, "password": PASSWORD}
        ).encode()
        status, _headers, _body = self.request(
            "/en/accounts/login/", data, content_type="application/x-www-form-urlencoded"
        )
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


def _upstream(headers) -> str:
    return headers.get("X-Upstream", "").split(",")[-1].strip()


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
    username = f"cluster.{uuid.uuid4().hex[:10]}"
    code = cluster["shell"](SETUP.format(username=username, password=PASSWORD)).splitlines()[-1]

    # Sessions: signed in through one app server, recognised by both.
    person = Browser()
    person.sign_in(username)
    seen = set()
    for _ in range(8):
        status, headers, body = person.request("/en/certificates/cpd/")
        assert status == 200  # signed in: the page asks anonymous visitors to sign in
        assert b'name="client_id"' in body  # the CPD log's own form
        seen.add(_upstream(headers))
    assert seen == {f"127.0.0.1:{port}" for port in APP_PORTS}

    # Uploads: evidence sent through one app server, fetched through the other.
    evidence = _png()
    status, _headers, _body = _log_cpd(
        person, client_id=str(uuid.uuid4()), title="Uploaded through nginx", evidence=evidence
    )
    assert status == 302
    _status, _headers, body = person.request("/en/certificates/cpd/")
    evidence_path = re.search(rb'href="(/en/certificates/cpd/\d+/evidence/)"', body).group(1)
    for _ in range(4):
        status, _headers, body = person.request(evidence_path.decode())
        assert status == 200
        assert body == evidence
    # nginx sent the file (X-Accel-Redirect), so the answer names no upstream: the app
    # servers' own logs show that both handed it out.
    for port in APP_PORTS:
        log = (cluster["dir"] / "log" / f"app-{port}.access.log").read_text()
        assert evidence_path.decode() in log, port

    # Task results: the certificate's PDF, queued at issue, rendered by the Celery worker
    # into the shared folder, handed out by either app server (nginx sends the file).
    deadline = time.monotonic() + 120
    while True:
        status, headers, body = person.request(f"/en/certificates/held/{code}/certificate.pdf")
        if status == 200 or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert status == 200
    assert body.startswith(b"%PDF-")
    result = cluster["shell"](
        "from lms.portal.tasks import health_check; import uuid; t = uuid.uuid4().hex; "
        "print(health_check.delay(t).get(timeout=60)['token'] == t)"
    )
    assert result.splitlines()[-1] == "True"

    # The page cache: rendered once by one app server, served from Redis by both.
    visitor = Browser()
    hits = set()
    for _ in range(8):
        status, headers, body = visitor.request("/en/")
        assert status == 200
        if headers.get("X-Page-Cache") == "hit":
            hits.add(_upstream(headers))
    assert hits == {f"127.0.0.1:{port}" for port in APP_PORTS}

    # Invalidation: a page published elsewhere (here the management shell) shows on the next
    # request, whichever app server answers.
    title = f"Cluster news {uuid.uuid4().hex[:8]}"
    cluster["shell"](
        "from lms.portal.models import HomePage\n"
        "from wagtail.models import Locale\n"
        "home = HomePage.objects.get(locale=Locale.get_default())\n"
        f"home.title = {title!r}\n"
        "home.save_revision().publish()\n"
    )
    for _ in range(4):
        status, headers, body = visitor.request("/en/")
        assert status == 200
        assert title.encode() in body, _upstream(headers)


def test_killing_an_app_server_mid_run_loses_no_retriable_request_and_no_data(cluster):
    username = f"cluster.{uuid.uuid4().hex[:10]}"
    cluster["shell"](SETUP.format(username=username, password=PASSWORD))
    person = Browser()
    person.sign_in(username)
    reads, writes, lock = [], [], threading.Lock()
    stop = threading.Event()

    def reader():
        visitor = Browser()
        for n in range(400):
            if stop.is_set():
                return
            path = "/en/certificates/cpd/" if n % 2 else "/en/"
            browser = person if n % 2 else visitor
            status, headers, _body = browser.request(path)
            with lock:
                reads.append((status, _upstream(headers)))

    def writer():
        for n in range(60):
            if stop.is_set():
                return
            client_id = str(uuid.uuid4())
            status, _headers, _body = _log_cpd(person, client_id=client_id, title=f"Write {n}")
            with lock:
                writes.append((client_id, status))

    threads = [threading.Thread(target=reader) for _ in range(3)]
    threads.append(threading.Thread(target=writer))
    for thread in threads:
        thread.start()
    time.sleep(3)
    cluster["script"]("kill-app", str(APP_PORTS[0]))
    killed_at = len(reads)
    time.sleep(8)
    stop.set()
    for thread in threads:
        thread.join(timeout=120)
    try:
        assert killed_at > 0
        assert len(reads) > killed_at
        # Every read succeeded: those sent to the dead server were retried on the other.
        assert [status for status, _ in reads if status != 200] == []
        assert {upstream for _, upstream in reads[killed_at + 10 :]} == {
            f"127.0.0.1:{APP_PORTS[1]}"
        }
        # Writes: a POST nginx had already passed to the dying server is not resent by nginx
        # (it could have been saved); the form's client id lets the visitor send it again
        # safely. Every write ends saved exactly once.
        failed = [client_id for client_id, status in writes if status != 302]
        assert len(failed) <= 2, writes
        for client_id in failed:
            status, _headers, _body = _log_cpd(person, client_id=client_id, title="Again")
            assert status == 302
        counts = cluster["shell"](
            "import json\n"
            "from certification.models import CPDActivity\n"
            f"ids = {[client_id for client_id, _ in writes]!r}\n"
            "rows = CPDActivity.objects.filter(client_id__in=ids)\n"
            "print(json.dumps([str(i) for i in rows.values_list('client_id', flat=True)]))\n"
        )
        saved = json.loads(counts.splitlines()[-1])
        assert sorted(saved) == sorted(client_id for client_id, _ in writes)
    finally:
        cluster["script"]("start-app", str(APP_PORTS[0]))
