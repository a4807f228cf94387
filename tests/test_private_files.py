"""Issue 12, hole 7: evidence and other private uploads live apart from public media under
unguessable names, and reach only the people allowed, through a view."""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courses.models import Submission
from lms.private_files import private_file_move, private_file_response, private_storage
from tests.accounts.factories import OrganisationFactory
from tests.courses import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("second_factor_for_everyone")]


@pytest.fixture
def evidence(home_page):
    book = factories.workbook(factories.section(home_page), steps=1)
    factory = OrganisationFactory()
    trainer = factories.trainer()
    owner = factories.learner(organisation=factory)
    cohort = factories.cohort(book, trainers=[trainer], organisation=factory)
    factories.enrol(book, [owner], cohort)
    submission = Submission.objects.create(
        course=book,
        learner=owner,
        organisation=factory,
        item="1",
        file=SimpleUploadedFile("wages.txt", b"payroll of line 4"),
    )
    return submission, owner, trainer


def test_evidence_is_stored_apart_from_public_media_under_an_unguessable_name(evidence):
    submission, _owner, _trainer = evidence
    name = submission.file.name
    assert private_storage().exists(name)
    assert not default_storage.exists(name)
    stored = Path(private_storage().path(name)).resolve()
    assert not stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert re.fullmatch(r"courses/evidence/[\w-]{24}/wages\.txt", name)
    with pytest.raises(ValueError, match="no public address"):
        submission.file.url  # noqa: B018


def test_only_the_owner_and_their_reviewer_get_the_evidence(client, evidence):
    submission, owner, trainer = evidence
    url = reverse("courses:submission_file", args=[submission.pk, "file"])
    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    client.force_login(factories.learner(organisation=OrganisationFactory()))
    assert client.get(url).status_code == 404
    client.force_login(factories.trainer())
    assert client.get(url).status_code == 404
    for person in (owner, trainer):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"payroll of line 4"


def test_behind_nginx_the_file_is_handed_over_with_x_accel_redirect(client, evidence, settings):
    settings.PRIVATE_MEDIA_ACCEL_PREFIX = "/_private/"
    submission, owner, _trainer = evidence
    client.force_login(owner)
    response = client.get(reverse("courses:submission_file", args=[submission.pk, "file"]))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/_private/{submission.file.name}"
    assert response.content == b""
    assert "attachment" in response["Content-Disposition"]
    nginx = (Path(settings.BASE_DIR) / "site" / "deploy" / "nginx.conf").read_text()
    block = nginx.split("location /_private/", 1)[1].split("}", 1)[0]
    assert "internal;" in block


def test_with_object_storage_the_view_redirects_to_a_short_lived_signed_address(settings):
    from storages.backends.s3 import S3Storage

    settings.PRIVATE_MEDIA_URL_SECONDS = 120
    storage = S3Storage(
        bucket_name="private-bucket",
        access_key="AKIDEXAMPLE",
        secret_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        endpoint_url="https://objects.example.org",
        region_name="us-east-1",
        location="private",
        default_acl="private",
        querystring_auth=True,
    )
    field = SimpleNamespace(storage=storage, name="courses/evidence/abc/wages.txt")
    response = private_file_response(field, filename="wages.txt")
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("https://objects.example.org/private-bucket/private/courses/")
    import time
    from urllib.parse import parse_qs, urlsplit

    query = parse_qs(urlsplit(location).query)
    assert query.get("Signature") or query.get("X-Amz-Signature")
    if "Expires" in query:
        assert int(query["Expires"][0]) <= time.time() + 125
    else:
        assert query["X-Amz-Expires"] == ["120"]


def test_files_left_under_public_media_by_earlier_releases_are_moved(evidence):
    submission, _owner, _trainer = evidence
    old_name = default_storage.save(
        "courses/evidence/7/guessable/minutes.txt", ContentFile(b"old minutes")
    )
    Submission.objects.filter(pk=submission.pk).update(file=old_name)
    submission.refresh_from_db()
    assert private_file_move(submission.file)
    submission.save(update_fields=["file"])
    submission.refresh_from_db()
    assert not default_storage.exists(old_name)
    assert submission.file.name != old_name
    with submission.file.open("rb") as moved:
        assert moved.read() == b"old minutes"
