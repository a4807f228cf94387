"""Every way an uploaded archive can be refused, each with its own specific reason."""

import io
import json
import random
import zipfile

import pytest
from django.utils import translation

from media_library.interactive import package_builders as b
from media_library.interactive.archives import Limits, PackageInvalid, SafeArchive
from media_library.interactive.h5p_package import LibraryRef, validate_h5p
from media_library.interactive.scorm_package import parse_manifest

LIMITS = Limits(max_entries=50, max_unpacked_bytes=5 * 1024 * 1024, max_ratio=100)


def h5p_problem(files, *, installed=None, limits=LIMITS, symlinks=None) -> str:
    data = b.zip_bytes(files, symlinks=symlinks)
    with (
        pytest.raises(PackageInvalid) as error,
        SafeArchive(io.BytesIO(data), limits=limits) as archive,
    ):
        validate_h5p(archive, installed=installed)
    return " ".join(error.value.messages)


def scorm_problem(files) -> str:
    with (
        pytest.raises(PackageInvalid) as error,
        SafeArchive(io.BytesIO(b.zip_bytes(files)), limits=LIMITS) as archive,
    ):
        parse_manifest(archive)
    return " ".join(error.value.messages)


def test_a_complete_h5p_package_is_accepted():
    with SafeArchive(io.BytesIO(b.h5p_bytes()), limits=LIMITS) as archive:
        validated = validate_h5p(archive)
    assert validated.title == "Workers' rights quiz"
    assert validated.main_library == LibraryRef("H5P.BWQuiz", 1, 0)
    assert validated.libraries[validated.main_library].patch == 2
    assert validated.content_files == ["content/content.json"]


def test_a_file_that_is_not_a_zip_is_refused():
    with pytest.raises(PackageInvalid, match="not a valid zip"):
        SafeArchive(io.BytesIO(b"<html>not a zip</html>"), limits=LIMITS)


def test_h5p_json_must_be_present():
    files = b.h5p_files()
    del files["h5p.json"]
    assert "h5p.json is missing" in h5p_problem(files)


def test_content_json_must_be_present():
    files = b.h5p_files()
    del files["content/content.json"]
    assert "content/content.json is missing" in h5p_problem(files)


def test_h5p_json_must_be_valid_json():
    files = b.h5p_files()
    files["h5p.json"] = "{not json"
    assert "h5p.json is not valid JSON" in h5p_problem(files)


def test_h5p_json_must_name_its_main_library_among_its_dependencies():
    files = b.h5p_files()
    definition = json.loads(files["h5p.json"])
    definition["mainLibrary"] = "H5P.Other"
    files["h5p.json"] = json.dumps(definition)
    assert "H5P.Other as its main library but not among its dependencies" in h5p_problem(files)


def test_a_library_that_is_neither_packaged_nor_installed_is_refused():
    assert "H5P.BWQuiz 1.0" in h5p_problem(b.h5p_files(with_library=False))


def test_a_package_may_leave_out_a_library_that_is_installed():
    data = b.h5p_bytes(with_library=False)
    with SafeArchive(io.BytesIO(data), limits=LIMITS) as archive:
        validated = validate_h5p(archive, installed={LibraryRef("H5P.BWQuiz", 1, 0)})
    assert validated.libraries == {}


def test_library_json_must_have_whole_version_numbers():
    files = b.h5p_files()
    definition = json.loads(files["H5P.BWQuiz-1.0/library.json"])
    definition["patchVersion"] = "two"
    files["H5P.BWQuiz-1.0/library.json"] = json.dumps(definition)
    assert "patchVersion must be whole numbers" in h5p_problem(files)


def test_library_json_must_match_its_folder():
    files = b.h5p_files()
    definition = json.loads(files["H5P.BWQuiz-1.0/library.json"])
    definition["minorVersion"] = 3
    files["H5P.BWQuiz-1.0/library.json"] = json.dumps(definition)
    assert "does not match its library.json (H5P.BWQuiz-1.3)" in h5p_problem(files)


def test_library_json_must_list_only_files_it_has():
    files = b.h5p_files()
    del files["H5P.BWQuiz-1.0/quiz.css"]
    assert "lists quiz.css in preloadedCss" in h5p_problem(files)


def test_file_types_outside_h5ps_allowlist_are_refused():
    files = b.h5p_files()
    files["content/images/virus.exe"] = b"MZ"
    files["content/page.html"] = "<script>alert(1)</script>"
    problem = h5p_problem(files)
    assert "content/images/virus.exe has a type H5P does not allow (.exe)" in problem
    assert "content/page.html has a type H5P does not allow (.html)" in problem


def test_javascript_is_allowed_in_libraries_but_not_in_content():
    files = b.h5p_files()
    files["content/evil.js"] = "alert(1)"
    assert "content/evil.js has a type H5P does not allow (.js)" in h5p_problem(files)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../../etc/passwd.json", "points outside the package"),
        ("content/../../escape.json", "points outside the package"),
        ("/etc/absolute.json", "absolute path"),
        ("content\\windows.json", "backslashes"),
    ],
)
def test_paths_that_escape_the_archive_are_refused(name, reason):
    files = b.h5p_files()
    files[name] = "{}"
    assert reason in h5p_problem(files)


def test_symbolic_links_are_refused():
    assert "content/link.json is a symbolic link" in h5p_problem(
        b.h5p_files(), symlinks={"content/link.json": "/etc/passwd"}
    )


def test_too_many_entries_are_refused():
    files = b.h5p_files()
    for number in range(60):
        files[f"content/images/{number}.png"] = b"x"
    assert "The archive holds" in h5p_problem(files)


def test_too_large_an_unpacked_size_is_refused():
    files = b.h5p_files()
    files["content/video.mp4"] = random.Random(1).randbytes(6 * 1024 * 1024)
    assert "Unpacked, the package would take" in h5p_problem(files)


def test_a_zip_bomb_is_refused_by_its_compression_ratio():
    files = b.h5p_files()
    files["content/bomb.json"] = b"0" * (3 * 1024 * 1024)
    assert "looks like a zip bomb" in h5p_problem(files)


def test_an_archive_that_lies_about_its_sizes_is_stopped_while_reading():
    data = bytearray(b.h5p_bytes())
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = archive.getinfo("content/content.json")
    archive.close()
    with SafeArchive(io.BytesIO(bytes(data)), limits=LIMITS) as safe:
        safe.entries["content/content.json"].file_size = 10  # as a forged header would say
        with pytest.raises(PackageInvalid, match=r"damaged|larger than the archive says"):
            b"".join(safe.iter_chunks("content/content.json"))
    assert info.file_size > 10


def test_errors_speak_the_editors_language():
    files = b.h5p_files()
    del files["h5p.json"]
    with translation.override("vi"):
        problem = h5p_problem(files)
    assert "h5p.json" in problem
    assert "This is not an H5P package" not in problem


# --- SCORM -----------------------------------------------------------------------------


def manifest_of(files):
    with SafeArchive(io.BytesIO(b.zip_bytes(files)), limits=LIMITS) as archive:
        return parse_manifest(archive)


def test_a_scorm_12_manifest_is_read():
    manifest = manifest_of(b.scorm_files(version="1.2", scos=2))
    assert manifest.version == "1.2"
    launchable = manifest.launchable()
    assert [item.launch for _org, item in launchable] == ["sco1/index.html", "sco2/index.html"]
    assert all(item.is_sco for _org, item in launchable)
    assert launchable[0][1].mastery_score == 50


@pytest.mark.parametrize(
    ("edition", "version"),
    [("2004 3rd Edition", "2004-3"), ("2004 4th Edition", "2004-4"), ("CAM 1.3", "2004-2")],
)
def test_scorm_2004_manifests_of_every_edition_are_read(edition, version):
    manifest = manifest_of(b.scorm_files(version="2004", edition=edition))
    assert manifest.version == version
    assert manifest.launchable()[0][1].is_sco


def test_a_2004_manifest_with_prefixed_namespaces_and_xml_base_is_read():
    manifest = """<?xml version="1.0"?>
<imscp:manifest xmlns:imscp="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3" identifier="m">
  <imscp:metadata><imscp:schema>ADL SCORM</imscp:schema>
    <imscp:schemaversion>2004 4th Edition</imscp:schemaversion></imscp:metadata>
  <imscp:organizations default="o">
    <imscp:organization identifier="o"><imscp:title>Course</imscp:title>
      <imscp:item identifier="folder"><imscp:title>Part 1</imscp:title>
        <imscp:item identifier="i1" identifierref="r1" parameters="?lang=vi">
          <imscp:title>Lesson</imscp:title></imscp:item>
      </imscp:item>
    </imscp:organization>
  </imscp:organizations>
  <imscp:resources xml:base="content/">
    <imscp:resource identifier="r1" type="webcontent" adlcp:scormType="sco" href="start.html"/>
  </imscp:resources>
</imscp:manifest>"""
    manifest = manifest_of({"imsmanifest.xml": manifest, "content/start.html": "<html></html>"})
    ((_org, item),) = manifest.launchable()
    assert item.launch == "content/start.html?lang=vi"
    assert item.is_sco
    assert manifest.organisations[0].items[0].title == "Part 1"


def test_a_package_without_a_manifest_is_refused():
    files = b.scorm_files()
    del files["imsmanifest.xml"]
    assert "imsmanifest.xml is missing" in scorm_problem(files)


def test_a_manifest_that_is_not_xml_is_refused():
    files = b.scorm_files()
    files["imsmanifest.xml"] = "<manifest><unclosed>"
    assert "not well-formed XML" in scorm_problem(files)


def test_a_manifest_with_entities_is_refused():
    files = b.scorm_files()
    files["imsmanifest.xml"] = (
        '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x "boom">]><manifest>&x;</manifest>'
    )
    assert "entities" in scorm_problem(files)


def test_a_manifest_without_a_version_is_refused():
    files = {
        "imsmanifest.xml": '<manifest identifier="m"><organizations/><resources/></manifest>',
    }
    assert "which SCORM version" in scorm_problem(files)


def test_a_launch_file_missing_from_the_package_is_refused():
    files = b.scorm_files()
    del files["sco1/index.html"]
    assert "launches sco1/index.html, which is not in the package" in scorm_problem(files)


def test_an_item_pointing_at_an_undefined_resource_is_refused():
    files = b.scorm_files()
    files["imsmanifest.xml"] = files["imsmanifest.xml"].replace(
        'identifierref="res1"', 'identifierref="nope"'
    )
    assert "refers to the resource nope" in scorm_problem(files)


def test_a_resource_launching_an_outside_address_is_refused():
    files = b.scorm_files()
    files["imsmanifest.xml"] = files["imsmanifest.xml"].replace(
        'href="sco1/index.html">', 'href="https://evil.example/x.html">'
    )
    assert "launches an outside address" in scorm_problem(files)


def test_programs_inside_a_scorm_package_are_refused():
    files = b.scorm_files()
    files["tools/setup.exe"] = "MZ"
    assert "tools/setup.exe" in scorm_problem(files)
