"""Serial numbers stay unique and each candidacy gets one certificate when many workers
issue at once. Row locks only mean something on PostgreSQL: run with
DATABASE_URL=postgres://... (CI's PostgreSQL pass); skipped on SQLite."""

import pytest
from django.db import connection

from certification.models import Certificate
from certification.services import certificate_issue
from tests.certification.factories import CandidacyFactory, ProgrammeFactory
from tests.concurrency import run_at_once

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def _in_threads(work, items):
    _results, errors = run_at_once(work, items)
    assert errors == []


def test_parallel_issue_gives_unique_gapless_serials():
    programme = ProgrammeFactory()
    candidacies = [CandidacyFactory(programme=programme) for _ in range(12)]
    _in_threads(lambda c: certificate_issue(candidacy=c, approved=True), candidacies)
    serials = sorted(
        Certificate.objects.filter(programme=programme).values_list("serial_number", flat=True)
    )
    assert serials == list(range(1, 13))
    assert Certificate.objects.values("code").distinct().count() == 12


def test_the_same_candidacy_issued_in_parallel_gets_one_certificate():
    candidacy = CandidacyFactory(programme=ProgrammeFactory())
    _in_threads(lambda c: certificate_issue(candidacy=c, approved=True), [candidacy] * 6)
    assert Certificate.objects.filter(candidacy=candidacy).count() == 1
    candidacy.programme.refresh_from_db()
    assert candidacy.programme.last_serial == 1
