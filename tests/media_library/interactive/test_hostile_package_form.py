"""The SCORM and H5P package forms sent back with wrong types, numbers too large for any
column, missing fields and file names that are not UTF-8 answer with the form and its errors
(or a 400 for a request no browser sends), never a server error; nothing is saved (issue 12)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from media_library.interactive import package_builders as b
from media_library.interactive.models import H5PContent, ScormPackage
from tests.accounts.factories import global_admin

pytestmark = pytest.mark.django_db

ADD = {
    "scorm": "/admin/snippets/interactive/scormpackage/add/",
    "h5p": "/admin/snippets/interactive/h5pcontent/add/",
}
MODEL = {"scorm": ScormPackage, "h5p": H5PContent}
HOSTILE = ["abc", "\x00", "9" * 40, "-1", "x" * 5000]


def package(kind: str, name="module.zip"):
    data = b.scorm_bytes(version="1.2") if kind == "scorm" else b.h5p_bytes()
    return SimpleUploadedFile(name, data)


@pytest.fixture
def admin(client, totp_for):
    client.force_login(totp_for(global_admin()))
    return client


@pytest.mark.parametrize("kind", ["scorm", "h5p"])
@pytest.mark.parametrize("field", ["country", "language", "variant_of", "allowed_origins"])
def test_a_hostile_value_in_any_field_is_a_form_error(admin, kind, field):
    refused = 0
    for value in HOSTILE:
        data = {"source": package(kind), "title": "", "language": "en", field: value}
        response = admin.post(ADD[kind], data)
        assert response.status_code in {200, 302}, (value, response.content.decode()[:500])
        if response.status_code == 200:
            refused += 1
            assert "error-message" in response.content.decode(), value
            assert not MODEL[kind].objects.exists()
        MODEL[kind].objects.all().delete()
    # A field the form has refuses what it cannot hold; one it does not have is ignored.
    assert refused == (0 if (kind, field) == ("scorm", "variant_of") else len(HOSTILE))


@pytest.mark.parametrize("kind", ["scorm", "h5p"])
def test_a_form_with_nothing_in_it_asks_for_the_file(admin, kind):
    response = admin.post(ADD[kind], {})
    assert response.status_code == 200
    assert not MODEL[kind].objects.exists()


@pytest.mark.parametrize("kind", ["scorm", "h5p"])
@pytest.mark.parametrize(
    "source",
    [
        "a text where a file belongs",
        SimpleUploadedFile("module.zip", b"not a zip at all"),
        SimpleUploadedFile("module.zip", b""),
        SimpleUploadedFile("module.zip", b"PK\x03\x04" + b"\xff" * 200),
    ],
    ids=["text", "not-zip", "empty", "broken-zip"],
)
def test_what_is_not_a_package_is_refused_with_a_reason(admin, kind, source):
    response = admin.post(ADD[kind], {"source": source, "title": "", "language": "en"})
    assert response.status_code == 200
    assert not MODEL[kind].objects.exists()


@pytest.mark.parametrize("kind", ["scorm", "h5p"])
@pytest.mark.parametrize(
    "name",
    ["\x00.zip", "../../etc/passwd", "ស្រីពៅ.zip", "x" * 400 + ".zip"],
    ids=["nul", "traversal", "khmer", "long"],
)
def test_file_names_of_any_kind_never_break_the_form(admin, kind, name):
    response = admin.post(ADD[kind], {"source": package(kind, name), "title": "", "language": "en"})
    assert response.status_code in {200, 302, 400}


def test_a_non_utf8_file_name_in_the_raw_request_answers(admin):
    """A multipart body whose file name is not UTF-8 (Latin-1 bytes), sent as raw bytes."""
    boundary = "BoUnDaRy"
    body = (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="language"\r\n\r\nen\r\n'
            f"--{boundary}\r\n"
        ).encode()
        + b'Content-Disposition: form-data; name="source"; filename="m\xe9\xff.zip"\r\n'
        + b"Content-Type: application/zip\r\n\r\n"
        + b.scorm_bytes(version="1.2")
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = admin.generic(
        "POST", ADD["scorm"], body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code in {200, 302, 400}


@pytest.mark.parametrize("score", ["NaN", "1e309", "-inf", "500", "9" * 40, "fifty"])
def test_a_manifest_with_a_mastery_score_that_is_no_score_is_refused(admin, score):
    files = b.scorm_files(version="1.2")
    files["imsmanifest.xml"] = files["imsmanifest.xml"].replace(
        "<adlcp:masteryscore>50</adlcp:masteryscore>",
        f"<adlcp:masteryscore>{score}</adlcp:masteryscore>",
    )
    source = SimpleUploadedFile("module.zip", b.zip_bytes(files))
    response = admin.post(ADD["scorm"], {"source": source, "title": "", "language": "en"})
    assert response.status_code == 200
    assert "mastery score that is not a number from 0 to 100" in response.content.decode()
    assert not ScormPackage.objects.exists()
