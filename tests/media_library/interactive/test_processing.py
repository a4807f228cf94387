"""Processing uploaded packages (a Celery task, eager in tests): libraries stored once, patch
upgrades for all content, a visible status, SCOs in manifest order."""

import pytest
from django.core.files.base import ContentFile

from media_library.interactive import package_builders as b
from media_library.interactive.archives import PackageInvalid
from media_library.interactive.models import (
    H5PContent,
    H5PLibrary,
    PackageStatus,
    ScormPackage,
)
from media_library.interactive.package_files import storage
from media_library.interactive.services import package_upload, scorm_package_process
from media_library.interactive.tasks import process_h5p_content
from tests.media_library.interactive.factories import h5p_content, scorm_package, upload

pytestmark = pytest.mark.django_db

LIBRARY_JS = "interactive/h5p/libraries/H5P.BWQuiz-1.0/quiz.js"


def test_an_uploaded_h5p_package_is_processed_and_ready():
    content = h5p_content()
    assert content.status == PackageStatus.READY
    assert content.status_message == ""
    assert content.main_library.machine_name == "H5P.BWQuiz"
    assert content.embed_type == "div"
    assert storage().exists(f"{content.storage_prefix}/h5p.json")
    assert storage().exists(f"{content.storage_prefix}/content/content.json")
    assert storage().exists(LIBRARY_JS)
    assert content.processed_at is not None


def test_each_library_version_is_stored_once_for_all_content():
    first = h5p_content(title="One")
    second = h5p_content(title="Two")
    assert H5PLibrary.objects.count() == 1
    library = H5PLibrary.objects.get()
    assert set(library.contents.all()) == {first, second}


def _patched_upload(uploaded_by):
    return upload(
        model=H5PContent,
        title="Two",
        uploaded_by=uploaded_by,
        file=ContentFile(
            b.zip_bytes(
                {
                    **b.h5p_files(title="Two", with_library=False),
                    **b.quiz_library_files(patch=5, js_extra="\n/* patched */"),
                }
            ),
            name="two.h5p",
        ),
    )


def test_a_newer_patch_version_replaces_the_library_for_all_content():
    from tests.accounts.factories import global_admin

    first = h5p_content(title="One", library_patch=2)
    _patched_upload(global_admin())
    library = H5PLibrary.objects.get()
    assert library.patch_version == 5
    with storage().open(LIBRARY_JS) as file:
        assert b"/* patched */" in file.read()
    first.refresh_from_db()
    assert first.main_library == library


def test_a_country_uploader_cannot_replace_a_library_shared_with_other_countries():
    """Issue 12, hole 6: the shared library code stays as global staff installed it."""
    from tests.accounts.factories import country_staff

    first = h5p_content(title="One", library_patch=2)
    second = _patched_upload(country_staff("vn"))
    library = H5PLibrary.objects.get()
    assert library.patch_version == 2
    with storage().open(LIBRARY_JS) as file:
        assert b"/* patched */" not in file.read()
    first.refresh_from_db()
    assert first.main_library == library
    assert second.main_library == library


def test_an_older_patch_version_never_downgrades_the_library():
    h5p_content(title="New", library_patch=7)
    h5p_content(title="Old", library_patch=1)
    assert H5PLibrary.objects.get().patch_version == 7


def test_a_package_that_fails_in_processing_shows_why():
    content = h5p_content()
    content.source.save("broken.h5p", ContentFile(b"not a zip any more"), save=True)
    process_h5p_content(content.pk)
    content.refresh_from_db()
    assert content.status == PackageStatus.FAILED
    assert "not a valid zip archive" in content.status_message


def test_a_bad_archive_never_reaches_storage():
    with pytest.raises(PackageInvalid):
        package_upload(model=H5PContent, title="Bad", file=ContentFile(b"nope", name="bad.h5p"))
    assert not H5PContent.objects.exists()


def test_scorm_packages_keep_their_scos_in_manifest_order():
    package = scorm_package(scos=3)
    assert package.status == PackageStatus.READY
    assert package.version == ScormPackage.Version.SCORM_2004_4
    assert list(package.scos.values_list("identifier", flat=True)) == ["item1", "item2", "item3"]
    assert storage().exists(f"{package.storage_prefix}/sco2/index.html")


def test_reprocessing_a_scorm_package_keeps_attempt_history_of_unchanged_scos():
    package = scorm_package(scos=2)
    sco_ids = list(package.scos.values_list("pk", flat=True))
    scorm_package_process(package=package)
    assert list(package.scos.values_list("pk", flat=True)) == sco_ids


def test_scorm_12_packages_are_processed():
    package = scorm_package(version="1.2")
    assert package.version == "1.2"
    assert package.scos.get().mastery_score == 50


def test_deleting_a_package_removes_its_files_but_not_shared_libraries():
    from django.test import TestCase

    content = h5p_content()
    prefix = content.storage_prefix
    with TestCase.captureOnCommitCallbacks(execute=True):
        content.delete()
    assert not storage().exists(f"{prefix}/h5p.json")
    assert storage().exists(LIBRARY_JS)
