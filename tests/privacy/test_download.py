"""A person downloads all their data as a ZIP of JSON: only theirs, rate-limited, with a
query budget that does not grow with their data."""

import io
import json
import zipfile

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def download(client):
    response = client.post(reverse("privacy:download"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return {name: archive.read(name).decode() for name in archive.namelist()}


def test_the_zip_holds_profile_learning_attendance_certificates_posts(client, data):
    from certification.services import certificate_issue
    from tests.certification.factories import CandidacyFactory, CPDActivityFactory

    person = data.w1
    certificate_issue(candidacy=CandidacyFactory(candidate=person), approved=True)
    CPDActivityFactory(person=person, hours=2)
    client.force_login(person)
    files = download(client)
    profile = json.loads(files["profile.json"])
    assert profile["username"] == person.username
    assert profile["gender"] == "woman"
    assert "password" not in profile
    for name in (
        "records/statement.json",
        "courses/enrolment.json",
        "courses/attendance.json",
        "certification/certificate.json",
        "certification/cpdactivity.json",
        "community/post.json",
        "community/thread.json",
    ):
        assert name in files, name
    statements = json.loads(files["records/statement.json"])
    assert len(statements) >= 2
    assert all(s["actor"] == person.pk for s in statements)
    assert {s["activity"] for s in statements} >= {
        f"urn:betterwork:test:{data.course.pk}.pre",
        f"urn:betterwork:test:{data.course.pk}.post",
    }
    enrolments = json.loads(files["courses/enrolment.json"])
    assert [e["learner"] for e in enrolments] == [person.pk]
    everything = "".join(files.values())
    assert data.w2.username not in everything  # nobody else's rows
    assert "pbkdf2" not in everything
    assert "md5$" not in everything


def test_compliance_items_they_authored_are_included(client, home_page):
    from compliance.models import FindingWrite
    from lms.privacy.export import person_relations

    labels = {(model._meta.label, field) for model, field in person_relations()}
    assert (FindingWrite._meta.label, "author") in labels
    assert ("compliance.AdvisoryVisit", "advisor") in labels
    assert not any(label.startswith(("wagtailcore.", "mfa.", "auditlog.")) for label, _ in labels)


def test_the_download_is_rate_limited(client, settings):
    from tests.courses.factories import learner

    settings.LMS_DATA_DOWNLOAD_RATE = "2/h"
    client.force_login(learner())
    download(client)
    download(client)
    response = client.post(reverse("privacy:download"))
    assert response.status_code == 302


def test_the_download_needs_a_signed_in_person_and_a_post(client):
    from tests.courses.factories import learner

    response = client.post(reverse("privacy:download"))
    assert response.status_code == 302
    assert "login" in response["Location"]
    client.force_login(learner())
    assert client.get(reverse("privacy:download")).status_code == 405


# Issue 14: the download reads each table that points at people once, whichever of its
# columns point at this person: 78 tables in December 2026 (compliance 18, community 13,
# certification 9, courses 9, interactive 6, records 5, reports 4, studies 3, progression,
# notifications and accounts 2 each, privacy, evaluations, documents, images and e-mail
# addresses 1 each), and one more for each many-to-many field of a table where the person
# has rows (none here). Before them: the session, the person, the names of their country
# and organisation, their roles and their consents (6). 84 here: above ten, because it
# reads every room's tables, but the same however much data the person has.
DOWNLOAD_QUERIES = 90


def test_the_download_reads_each_table_once_however_much_data_the_person_has(
    client, data, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lms.privacy.export import person_relations
    from tests.reports.conftest import record_test

    client.force_login(data.w1)
    counts, sizes = [], []
    for statements in (1, 30):
        for _ in range(statements):
            record_test(data.w1, data.course, "pre", 5)
        with CaptureQueriesContext(connection) as captured:
            files = download(client)
        counts.append(len(captured))
        sizes.append(len(json.loads(files["records/statement.json"])))
    assert sizes[1] == sizes[0] + 30
    assert counts[0] == counts[1]
    tables = {model for model, _field in person_relations()}
    assert len(tables) < counts[0] <= DOWNLOAD_QUERIES, counts
