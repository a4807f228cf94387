"""A task sent through the real broker to a real Celery worker (CI's second pass)."""

import os
import subprocess
import sys
import time
import uuid

import pytest
from celery.result import allow_join_result
from django.conf import settings
from django.core.cache import cache
from django.db import connection

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(
        not os.environ.get("LMS_TEST_SERVICES"),
        reason="needs CI's PostgreSQL, Redis and a Celery worker (LMS_TEST_SERVICES=1)",
    ),
]


@pytest.fixture
def celery_worker_process(transactional_db):
    env = dict(os.environ)
    db = settings.DATABASES["default"]
    env["DATABASE_URL"] = (
        f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{connection.settings_dict['NAME']}"
    )
    env["DJANGO_SETTINGS_MODULE"] = "lms.settings.test"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "lms",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        env=env,
    )
    yield process
    process.terminate()
    process.wait(timeout=30)


def test_a_task_travels_through_redis_to_a_worker_and_back(celery_worker_process):
    from lms.celery import app
    from lms.portal.tasks import health_check
    from tests.accounts.factories import UserFactory

    UserFactory.create_batch(3)

    app.conf.task_always_eager = False
    try:
        token = uuid.uuid4().hex
        result = health_check.apply_async(args=[token])
        # An eager task run earlier in this process leaves Celery believing it is inside a
        # task; this test waits on a real worker from outside any task.
        with allow_join_result():
            answer = result.get(timeout=60)
    finally:
        app.conf.task_always_eager = True
    assert answer["token"] == token
    assert answer["people"] == 3  # read by the worker from the test database
    deadline = time.monotonic() + 10
    while cache.get(f"health-check:{token}") is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert cache.get(f"health-check:{token}") == answer
