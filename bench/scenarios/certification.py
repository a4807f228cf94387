"""Certification under load: the public verification page (anonymous, valid / expired /
revoked / unknown code) and, in a worker process, issuing BENCH_CERTIFICATES (default 1,000)
certificates (serial number, record, queued PDF: the issue time per certificate), then
rendering their PDFs (WeasyPrint, QR code) with BENCH_CERTIFICATE_WORKERS (default 2) worker
processes: the render time.

prepare() loads the foundation's and certification's demo content, then makes a bench
programme with BENCH_CERTIFICATES candidates (bulk inserts) and a few certificates with
fixed codes for the HTTP scenarios. The issue task resets the bench programme's
certificates first, so every run issues the same number from serial 1.
"""

import os

from bench.harness import HttpScenario, TaskScenario

CERTIFICATES = int(os.environ.get("BENCH_CERTIFICATES", 1000))
PROGRAMME_SLUG = "bench-certified-trainer"
USER_PREFIX = "bench.cert."
CODES = {
    "valid": "BenchVerifyValid00000001",
    "expired": "BenchVerifyExpired000001",
    "revoked": "BenchVerifyRevoked000001",
}
# Verification is rate-limited per address; the bench drives it from one address. The
# gunicorn process inherits this environment from bench/run.py.
os.environ.setdefault("CERTIFICATION_VERIFY_RATE", "1000000/m")


def prepare() -> None:
    from certification import demo as certification_demo
    from lms.portal import demo as portal_demo
    from lms.portal.models import SectionPage

    if not SectionPage.objects.filter(slug="training").exists():
        portal_demo.load()
    certification_demo.load()
    programme = _programme()
    _candidates(programme)
    _verification_certificates(programme)


def _programme():
    from wagtail.models import Locale

    from certification.models import Programme, Requirement

    programme = Programme.objects.filter(slug=PROGRAMME_SLUG).first()
    if programme:
        return programme
    programme = Programme.objects.create(
        locale=Locale.get_default(),
        slug=PROGRAMME_SLUG,
        title="Certified Better Work Trainer (bench)",
        summary="The bench's copy of the trainer programme.",
        audience=Programme.Audience.TRAINER,
        serial_prefix="BEN",
        validity_months=36,
    )
    Requirement.objects.create(
        programme=programme,
        locale=programme.locale,
        kind=Requirement.Kind.PORTFOLIO,
        title="Portfolio",
        required_count=1,
    )
    return programme


def _candidates(programme) -> None:
    from django.contrib.auth.hashers import make_password

    from certification.models import Candidacy
    from lms.accounts.models import Role, User
    from lms.taxonomy.models import Country

    have = User.objects.filter(username__startswith=USER_PREFIX).count()
    if have < CERTIFICATES + 3:
        countries = list(Country.objects.canonical().filter(code__in=["vn", "kh", "bd", "jo"]))
        languages = ["vi", "km", "bn", "ar"]
        password = make_password(None)
        User.objects.bulk_create(
            [
                User(
                    username=f"{USER_PREFIX}{n:05d}",
                    display_name=f"Bench Trainer {n}",
                    password=password,
                    country=countries[n % len(countries)],
                    preferred_language=languages[n % len(languages)],
                )
                for n in range(have, CERTIFICATES + 3)
            ],
            batch_size=500,
        )
        trainer_role = Role.objects.get(code=Role.Code.TRAINER)
        through = User.roles.through
        people = User.objects.filter(username__startswith=USER_PREFIX).exclude(roles=trainer_role)
        through.objects.bulk_create(
            [
                through(user_id=pk, role_id=trainer_role.pk)
                for pk in people.values_list("pk", flat=True)
            ],
            batch_size=1000,
        )
    people = User.objects.filter(username__startswith=USER_PREFIX).exclude(
        candidacies__programme=programme
    )
    Candidacy.objects.bulk_create(
        [
            Candidacy(candidate_id=pk, programme=programme)
            for pk in people.values_list("pk", flat=True)
        ],
        batch_size=1000,
    )


def _verification_certificates(programme) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from certification.models import Candidacy, Certificate
    from certification.services import status_index_allocate

    if Certificate.objects.filter(code__in=CODES.values()).count() == len(CODES):
        return
    Certificate.objects.filter(code__in=CODES.values()).delete()
    candidacies = list(
        Candidacy.objects.filter(programme=programme, certificate__isnull=True).order_by("-pk")[
            : len(CODES)
        ]
    )
    today = timezone.localdate()
    for (state, code), candidacy in zip(CODES.items(), candidacies, strict=True):
        programme.last_serial += 1
        Certificate.objects.create(
            programme=programme,
            holder_id=candidacy.candidate_id,
            candidacy=candidacy,
            holder_name=f"Bench Holder ({state})",
            code=code,
            serial_number=900000 + programme.last_serial,
            issued_on=today - timedelta(days=1200 if state == "expired" else 30),
            expires_on=today - timedelta(days=100)
            if state == "expired"
            else today.replace(year=today.year + 3),
            language="en",
            status_index=status_index_allocate(),
            revoked_at=timezone.now() if state == "revoked" else None,
            revocation_reason="Bench" if state == "revoked" else "",
        )
        candidacy.status = Candidacy.Status.CERTIFIED
        candidacy.save(update_fields=["status"])


RENDER_WORKERS = int(os.environ.get("BENCH_CERTIFICATE_WORKERS", 2))


def issue_certificates() -> dict:
    """Reset the bench programme's issued certificates, issue CERTIFICATES of them as staff
    do (serial number under a row lock, the record, the queued PDF and notice), then render
    their PDFs with RENDER_WORKERS worker processes, as Celery's prefork pool would: each
    process runs the render task's own code and loads fonts, style sheet and templates once.

    Queuing is what issuing costs in production (a push to Redis); the bench runs Celery
    eagerly, so the queued tasks are collected here instead of run inline, and the notices
    (e-mail) and the certificate communities' task are left out. Returns the issue time,
    CPU and queries per certificate, and the render time and the workers' CPU time."""
    import resource
    import statistics
    import time
    from multiprocessing import get_context
    from unittest import mock

    from django.db import connections
    from django.db.models import Q

    from certification import tasks
    from certification.models import Candidacy, Certificate, Programme
    from certification.services import certificate_issue
    from lms.portal import tasks as portal_tasks

    programme = Programme.objects.get(slug=PROGRAMME_SLUG)
    issued = Certificate.objects.filter(programme=programme).exclude(code__in=CODES.values())
    for certificate in issued.exclude(pdf=""):
        certificate.pdf.delete(save=False)
    candidacy_ids = list(issued.values_list("candidacy_id", flat=True))
    issued.delete()
    Candidacy.objects.filter(pk__in=candidacy_ids).update(status=Candidacy.Status.IN_PROGRESS)
    Programme.objects.filter(pk=programme.pk).update(last_serial=0)
    candidacies = list(
        Candidacy.objects.filter(Q(programme=programme), Q(certificate__isnull=True)).order_by(
            "pk"
        )[:CERTIFICATES]
    )
    queued: list[int] = []
    issue_ms: list[float] = []
    _queries.clear()
    started = time.perf_counter()
    cpu_started = time.process_time()
    with (
        mock.patch.object(tasks.certificate_pdf_task, "delay", side_effect=queued.append),
        mock.patch.object(tasks.certificate_notify_task, "delay"),
        mock.patch.object(portal_tasks.certificate_communities_grant_task, "delay"),
        connections["default"].execute_wrapper(_count_query),
    ):
        for candidacy in candidacies:
            one = time.perf_counter()
            certificate_issue(candidacy=candidacy, approved=True)
            issue_ms.append((time.perf_counter() - one) * 1000)
    issue_s = time.perf_counter() - started
    issue_cpu_s = time.process_time() - cpu_started

    connections.close_all()  # each worker process opens its own connection
    started = time.perf_counter()
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with get_context("fork").Pool(RENDER_WORKERS) as pool:
        names = pool.map(_render, queued, chunksize=8)
        pool.close()
        pool.join()  # the workers' CPU time is counted once they are reaped
    render_s = time.perf_counter() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    render_cpu_s = (children.ru_utime + children.ru_stime) - (
        children_before.ru_utime + children_before.ru_stime
    )
    rendered = Certificate.objects.filter(pk__in=queued).exclude(pdf="").count()
    if rendered != len(candidacies) or len(set(names)) != len(candidacies):
        raise RuntimeError(f"{rendered} PDFs for {len(candidacies)} certificates")
    issue_ms.sort()
    return {
        "certificates": len(candidacies),
        "issue_s": round(issue_s, 3),
        "issue_ms_mean": round(statistics.fmean(issue_ms), 2),
        "issue_ms_p95": round(issue_ms[int(0.95 * (len(issue_ms) - 1))], 2),
        "issue_ms_max": round(issue_ms[-1], 2),
        "issue_cpu_ms_mean": round(issue_cpu_s * 1000 / len(candidacies), 2),
        "issue_queries_mean": round(len(_queries) / len(candidacies), 2),
        "render_workers": RENDER_WORKERS,
        "render_s": round(render_s, 3),
        "render_ms_per_pdf_per_worker": round(render_s * 1000 * RENDER_WORKERS / len(queued), 1),
        # The worker processes' CPU time (user and system), which the machine's load
        # disturbs less than the wall time.
        "render_cpu_ms_per_pdf": round(render_cpu_s * 1000 / len(queued), 1),
        "load_average": os.getloadavg(),
    }


_queries: list[str] = []


def _count_query(execute, sql, params, many, context):
    """Counts the issue's queries (Django's query log keeps only the last 9,000)."""
    _queries.append(sql)
    return execute(sql, params, many, context)


def _render(certificate_id: int) -> str:
    """One worker process's share: the Celery task's body, run in that process."""
    from certification.tasks import certificate_pdf_task

    return certificate_pdf_task.run(certificate_id)


def scenarios() -> list[HttpScenario]:
    return [
        HttpScenario(
            "certification: verify a valid certificate",
            f"/verify/{CODES['valid']}/",
            measure_weight=True,
        ),
        HttpScenario(
            "certification: verify (Arabic, expired)",
            f"/ar/certificates/verify/{CODES['expired']}/",
        ),
        HttpScenario(
            "certification: verify (revoked)", f"/en/certificates/verify/{CODES['revoked']}/"
        ),
        HttpScenario(
            "certification: verify an unknown code",
            "/en/certificates/verify/no-such-certificate/",
            expect_status=404,
        ),
        HttpScenario(
            "certification: OB 2.0 hosted assertion",
            f"/certificates/assertions/{CODES['valid']}.json",
        ),
        HttpScenario(
            "certification: OB 3.0 status list", "/certificates/status/revocation.json", requests=50
        ),
    ]


def tasks() -> list[TaskScenario]:
    return [
        TaskScenario(
            f"certification: issue {CERTIFICATES} certificates, then render their PDFs "
            f"with {RENDER_WORKERS} worker processes",
            issue_certificates,
            units=CERTIFICATES,
        )
    ]
