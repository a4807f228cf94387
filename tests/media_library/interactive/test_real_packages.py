"""Issue 15 (real H5P and SCORM packages) and issue 12 holes 5 and 6, below the browser:
validation as H5P's reference accepts, package files that never run script on the site's
origin, launch parameters, the status rules of SCORM 1.2 and 2004, the table of contents and
sequencing data, outside origins allowed per package, shared libraries kept from country
uploaders, and upload forms that keep what was typed and chosen."""

import io
import json
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings

from media_library.interactive import package_builders as b
from media_library.interactive.archives import PackageInvalid, SafeArchive
from media_library.interactive.h5p_package import LibraryRef, validate_h5p
from media_library.interactive.models import H5PContent, H5PLibrary, PackageStatus, ScormPackage
from media_library.interactive.package_files import storage
from media_library.interactive.scorm_package import parse_manifest
from media_library.interactive.services import _statuses
from tests.accounts.factories import UserFactory, country_staff, global_admin
from tests.media_library.interactive.factories import (
    h5p_content,
    interactive_page,
    scorm_package,
    upload,
    upload_file,
)
from tests.media_library.interactive.test_admin import H5P_ADD, SCORM_ADD, uploader
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db

FIXTURES = Path("/work/shared/fixtures/packages")
for _parent in Path(__file__).resolve().parents:
    if (_parent / "shared" / "fixtures" / "packages").exists():
        FIXTURES = _parent / "shared" / "fixtures" / "packages"
        break


def validate(files):
    with SafeArchive(io.BytesIO(b.zip_bytes(files))) as archive:
        return validate_h5p(archive)


def with_string_versions(files):
    h5p = json.loads(files["h5p.json"])
    for dependency in h5p["preloadedDependencies"]:
        dependency["majorVersion"] = str(dependency["majorVersion"])
        dependency["minorVersion"] = str(dependency["minorVersion"])
    files["h5p.json"] = json.dumps(h5p)
    library = json.loads(files["H5P.BWQuiz-1.0/library.json"])
    for key in ("majorVersion", "minorVersion", "patchVersion"):
        library[key] = str(library[key])
    files["H5P.BWQuiz-1.0/library.json"] = json.dumps(library)
    return files


# --- 1. validation as H5P's reference accepts ------------------------------------------


def test_the_real_truefalse_export_is_accepted_with_a_note_on_its_extra_file():
    with (FIXTURES / "standalone-truefalse.h5p").open("rb") as file, SafeArchive(file) as archive:
        validated = validate_h5p(archive)
    assert validated.main_library == LibraryRef("H5P.TrueFalse", 1, 6)
    assert LibraryRef("H5P.Question", 1, 4) in validated.libraries
    assert any("H5P_CONTENT_HERE.txt" in note for note in validated.notes)


def test_versions_written_as_strings_are_accepted():
    validated = validate(with_string_versions(b.h5p_files()))
    assert validated.main_library == LibraryRef("H5P.BWQuiz", 1, 0)
    assert validated.libraries[validated.main_library].patch == 2


@pytest.mark.parametrize("value", ["two", "1.5", -1, True, "", None])
def test_versions_that_are_not_whole_numbers_are_refused_naming_file_and_value(value):
    files = b.h5p_files()
    library = json.loads(files["H5P.BWQuiz-1.0/library.json"])
    library["patchVersion"] = value
    files["H5P.BWQuiz-1.0/library.json"] = json.dumps(library)
    with pytest.raises(PackageInvalid) as error:
        validate(files)
    message = " ".join(error.value.messages)
    assert "H5P.BWQuiz-1.0/library.json" in message
    assert "patchVersion" in message
    assert json.dumps(value) in message


def test_extra_top_level_files_and_hidden_files_are_skipped_not_refused():
    files = b.h5p_files()
    files["H5P_CONTENT_HERE.txt"] = ""
    files["h5p-pr.json"] = "{}"
    files["__MACOSX/._h5p.json"] = "x"
    files["content/_notes.exe"] = "x"  # "_" files are skipped by H5P, never stored
    validated = validate(files)
    notes = " ".join(validated.notes)
    assert "H5P_CONTENT_HERE.txt" in notes
    assert "h5p-pr.json" in notes
    assert "content/_notes.exe" not in validated.content_files


def test_the_extension_whitelist_is_as_strict_as_before_and_says_what_is_allowed():
    files = b.h5p_files()
    files["content/page.shtml"] = "<script>1</script>"
    with pytest.raises(PackageInvalid) as error:
        validate(files)
    message = " ".join(error.value.messages)
    assert "content/page.shtml has a type H5P does not allow (.shtml)" in message
    assert "png" in message
    assert "json" in message


def test_a_library_folder_named_by_its_machine_name_only_is_accepted_and_stored_by_version():
    files = {
        (
            name.replace("H5P.BWQuiz-1.0/", "H5P.BWQuiz/")
            if name.startswith("H5P.BWQuiz")
            else name
        ): v
        for name, v in b.h5p_files().items()
    }
    content = upload(model=H5PContent, title="Bare", file=ContentFile(b.zip_bytes(files), "q.h5p"))
    assert content.status == PackageStatus.READY, content.status_message
    assert storage().exists("interactive/h5p/libraries/H5P.BWQuiz-1.0/quiz.js")


def test_a_folder_without_library_json_is_refused_naming_it():
    files = b.h5p_files()
    files["docs/readme.json"] = "{}"
    with pytest.raises(PackageInvalid, match=r"docs has no library\.json"):
        validate(files)


def test_the_skip_note_reaches_the_package_status():
    files = b.h5p_files()
    files["H5P_CONTENT_HERE.txt"] = ""
    content = upload(model=H5PContent, title="Noted", file=ContentFile(b.zip_bytes(files), "q.h5p"))
    assert content.status == PackageStatus.READY
    assert "H5P_CONTENT_HERE.txt" in content.status_message


def test_iframe_embed_type_content_is_played_in_the_players_own_document(client):
    files = b.h5p_files()
    h5p = json.loads(files["h5p.json"])
    h5p["embedTypes"] = ["iframe"]
    files["h5p.json"] = json.dumps(h5p)
    content = upload(
        model=H5PContent, title="Framed", file=ContentFile(b.zip_bytes(files), "q.h5p")
    )
    assert content.embed_type == "iframe"
    html = client.get(f"/interactive/player/h5p/{content.uuid}/").content.decode()
    assert '"embedType": "div"' in html


# --- 2. hole 5: package files never run script on the site's origin -----------------------


@pytest.mark.parametrize(
    "name", ["evil.shtml", "evil.xht", "evil.svg", "evil.xml", "evil.html", "evil.txt", "evil.js"]
)
def test_every_package_file_is_served_under_a_sandbox_without_same_origin(client, name):
    """The attack of hole 5: a package file opened by a signed-in admin ran script on the
    site's origin. Every file, whatever its extension, now carries a sandbox policy."""
    files = b.scorm_files()
    files[name] = "<html><script>fetch('/admin/').then(r => r.text())</script></html>"
    package = upload(
        model=ScormPackage, title="Evil", file=ContentFile(b.zip_bytes(files), "e.zip")
    )
    client.force_login(global_admin(is_superuser=True))
    response = client.get(f"/interactive/files/scorm/{package.uuid}/{name}")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    sandbox = next(d for d in policy.split("; ") if d.startswith("sandbox"))
    assert "allow-scripts" in sandbox
    assert "allow-same-origin" not in sandbox
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sessionid" not in response.cookies


@override_settings(
    INTERACTIVE_PACKAGE_ORIGIN="http://packages.testserver",
    ALLOWED_HOSTS=["testserver", "packages.testserver"],
)
def test_with_a_package_origin_only_its_host_gets_same_origin(client):
    files = b.scorm_files()
    files["evil.shtml"] = "<script>1</script>"
    package = upload(
        model=ScormPackage, title="Evil", file=ContentFile(b.zip_bytes(files), "e.zip")
    )
    path = f"/interactive/files/scorm/{package.uuid}/evil.shtml"
    on_site = client.get(path)
    assert "allow-same-origin" not in on_site["Content-Security-Policy"]
    on_package_host = client.get(path, HTTP_HOST="packages.testserver")
    assert "allow-same-origin" in on_package_host["Content-Security-Policy"]


def test_every_html_document_of_a_scorm_package_gets_the_runtime_shim(client):
    files = b.scorm_files()
    files["sco1/page2.html"] = "<html><head><title>2</title></head><body>2</body></html>"
    package = upload(
        model=ScormPackage, title="Pages", file=ContentFile(b.zip_bytes(files), "p.zip")
    )
    html = client.get(f"/interactive/files/scorm/{package.uuid}/sco1/page2.html").content.decode()
    assert "scorm-frame.js" in html
    assert '"launch": false' in html


# --- 3. SCORM ----------------------------------------------------------------------------


def test_launch_parameters_stay_a_query_and_are_served(client, home_page):
    files = b.scorm_files()
    manifest = files["imsmanifest.xml"].replace(
        'identifierref="res1"', 'identifierref="res1" parameters="?page=2&amp;mode=x"'
    )
    files["imsmanifest.xml"] = manifest
    package = upload(
        model=ScormPackage, title="Params", file=ContentFile(b.zip_bytes(files), "p.zip")
    )
    sco = package.scos.get()
    assert sco.launch == "sco1/index.html?page=2&mode=x"
    lesson = interactive_page(parent=home_page, scorm=[package], title="Params lesson")
    user = UserFactory()
    client.force_login(user)
    html = client.get(lesson.url).content.decode()
    assert f"/interactive/files/scorm/{package.uuid}/sco1/index.html?page=2&amp;mode=x" in html
    assert "%3F" not in html
    response = client.get(f"/interactive/files/scorm/{package.uuid}/sco1/index.html?page=2&mode=x")
    assert response.status_code == 200


def test_scorm_12_without_a_status_completes_on_finish_by_the_mastery_rule():
    item = {"mastery_score": 80}
    cmi = {"core": {"lesson_status": "not attempted", "score": {"raw": "100"}, "exit": ""}}
    before = _statuses("1.2", cmi, item=item)
    assert before["success_status"] == "passed"  # mastery decides once a score is there
    finished = _statuses("1.2", {"core": {"lesson_status": "not attempted"}}, terminate=True)
    assert finished["completion_status"] == "completed"
    assert _statuses("1.2", cmi, item={}, terminate=True)["completion_status"] == "completed"
    low = {"core": {"lesson_status": "completed", "score": {"raw": "40"}}}
    assert _statuses("1.2", low, item=item)["success_status"] == "failed"


def test_scorm_2004_thresholds_decide_completion_and_success():
    item = {"mastery_score": 80.0, "completion_threshold": 0.75}
    cmi = {
        "completion_status": "incomplete",
        "success_status": "unknown",
        "progress_measure": "0.8",
        "score": {"scaled": "0.85"},
    }
    result = _statuses("2004-3", cmi, item=item)
    assert result["completion_status"] == "completed"
    assert result["success_status"] == "passed"
    cmi.update(progress_measure="0.5", score={"scaled": "0.5"})
    result = _statuses("2004-3", cmi, item=item)
    assert result["completion_status"] == "incomplete"
    assert result["success_status"] == "failed"


def test_scorm_2004_delivery_controls_apply_on_terminate_not_on_suspend():
    item = {"sequencing": {"completionSetByContent": False, "objectiveSetByContent": False}}
    cmi = {"completion_status": "unknown", "success_status": "unknown", "exit": ""}
    assert _statuses("2004-4", cmi, item=item, terminate=True)["completion_status"] == "completed"
    cmi["exit"] = "suspend"
    assert _statuses("2004-4", cmi, item=item, terminate=True)["completion_status"] == "unknown"


def test_the_real_golf_package_gives_its_passing_score_and_sequencing():
    package = upload_file(ScormPackage, FIXTURES / "golf-2004-3rd-master.zip")
    assert package.status == PackageStatus.READY, package.status_message
    sco = package.scos.get()
    assert sco.launch == "shared/launchpage.html"
    organisation = package.manifest["organisations"][0]
    assert organisation["sequencing"]["control"]["flow"] is True
    assert organisation["items"][0]["mastery_score"] == 80.0


SEQUENCED = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="seq" version="1" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3" xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org"><title>Course</title>
      <item identifier="module"><title>Module</title>
        <item identifier="lesson" identifierref="r1"><title>Lesson</title>
          <imsss:sequencing><imsss:objectives>
            <imsss:primaryObjective objectiveID="lesson-done">
              <imsss:mapInfo targetObjectiveID="g-lesson" writeSatisfiedStatus="true"/>
            </imsss:primaryObjective></imsss:objectives></imsss:sequencing>
        </item>
        <item identifier="test" identifierref="r2"><title>Test</title>
          <adlcp:completionThreshold completedByMeasure="true" minProgressMeasure="0.6"/>
          <imsss:sequencing>
            <imsss:sequencingRules><imsss:preConditionRule>
              <imsss:ruleConditions conditionCombination="any">
                <imsss:ruleCondition referencedObjective="prereq" operator="not"
                  condition="satisfied"/>
              </imsss:ruleConditions><imsss:ruleAction action="disabled"/>
            </imsss:preConditionRule></imsss:sequencingRules>
            <imsss:objectives><imsss:primaryObjective objectiveID="test-done"/>
              <imsss:objective objectiveID="prereq">
                <imsss:mapInfo targetObjectiveID="g-lesson" readSatisfiedStatus="true"/>
              </imsss:objective></imsss:objectives>
          </imsss:sequencing>
        </item>
        <imsss:sequencing>
          <imsss:controlMode choice="false" flow="true" forwardOnly="true"/>
        </imsss:sequencing>
      </item>
      <imsss:sequencing><imsss:controlMode choice="true" flow="true"/></imsss:sequencing>
    </organization>
  </organizations>
  <resources>
    <resource identifier="r1" type="webcontent" adlcp:scormType="sco" href="a.html">
      <file href="a.html"/></resource>
    <resource identifier="r2" type="webcontent" adlcp:scormType="sco" href="b.html">
      <file href="b.html"/></resource>
  </resources>
</manifest>"""


def sequenced_files():
    return {"imsmanifest.xml": SEQUENCED, "a.html": "<html></html>", "b.html": "<html></html>"}


def test_sequencing_rules_the_common_tools_write_are_read():
    with SafeArchive(io.BytesIO(b.zip_bytes(sequenced_files()))) as archive:
        manifest = parse_manifest(archive)
    module = manifest.organisations[0].items[0]
    assert module.sequencing["control"] == {
        "choice": False,
        "choiceExit": True,
        "flow": True,
        "forwardOnly": True,
    }
    lesson, test = module.children
    assert lesson.sequencing["objectives"][0] == {
        "id": "lesson-done",
        "primary": True,
        "target": "g-lesson",
        "read": True,
        "write": True,
    }
    assert test.completion_threshold == 0.6
    assert test.sequencing["pre"] == [
        {
            "combination": "any",
            "conditions": [{"condition": "satisfied", "operator": "not", "objective": "prereq"}],
            "action": "disabled",
        }
    ]


def test_the_player_gives_the_table_of_contents_and_the_sequencer_its_data(client, home_page):
    package = upload(
        model=ScormPackage,
        title="Sequenced",
        file=ContentFile(b.zip_bytes(sequenced_files()), "s.zip"),
    )
    lesson = interactive_page(parent=home_page, scorm=[package], title="Sequenced lesson")
    client.force_login(UserFactory())
    html = client.get(lesson.url).content.decode()
    assert 'class="sco-folder-title">Module<' in html
    assert (
        html.index(">Module<")
        < html.index('data-sco-id="lesson"')
        < html.index('data-sco-id="test"')
    )
    assert f'id="scorm-sequencing-{package.uuid}"' in html
    assert 'data-threshold="0.6"' in html
    assert "allow-modals" in html  # a SCO's confirm("resume?") gets a real answer


# --- 5. outside resources ---------------------------------------------------------------


def test_staff_allowed_origins_reach_the_package_policy_and_nothing_else(client):
    package = scorm_package(title="Video")
    package.allowed_origins = "https://www.youtube.com\nhttps://cdn.example.org:8443/"
    package.save()
    sco = package.scos.first()
    policy = client.get(f"/interactive/files/scorm/{package.uuid}/{sco.launch}")[
        "Content-Security-Policy"
    ]
    assert "script-src 'self' 'unsafe-inline' 'unsafe-eval' https://www.youtube.com" in policy
    assert "https://cdn.example.org:8443" in policy
    other = scorm_package(title="Other")
    other_policy = client.get(f"/interactive/files/scorm/{other.uuid}/{other.scos.first().launch}")[
        "Content-Security-Policy"
    ]
    assert "youtube" not in other_policy


def test_an_allowed_origin_cannot_smuggle_policy_text():
    package = scorm_package(title="Sneaky")
    package.allowed_origins = "https://ok.example.org\n'unsafe-hashes'\nhttps://x.org; sandbox\n*"
    assert package.origin_list() == ["https://ok.example.org"]


# --- 6. hole 6: shared libraries ---------------------------------------------------------


def newer_patch(**fields):
    return upload(
        model=H5PContent,
        title="Newer",
        file=ContentFile(b.h5p_bytes(library_patch=9, title="Newer"), "n.h5p"),
        **fields,
    )


def test_a_country_uploader_cannot_replace_a_library_other_countries_use():
    jordan = h5p_content(title="Jordan quiz", library_patch=2)
    jordan.country = country("jo")
    jordan.save()
    vn_uploader = uploader(country_staff("vn"))
    before = storage().open("interactive/h5p/libraries/H5P.BWQuiz-1.0/quiz.js").read()
    content = newer_patch(uploaded_by=vn_uploader, country=country("vn"))
    assert content.status == PackageStatus.READY
    assert H5PLibrary.objects.get().patch_version == 2
    assert storage().open("interactive/h5p/libraries/H5P.BWQuiz-1.0/quiz.js").read() == before
    assert "only global staff may update a shared library" in content.status_message


def test_a_country_uploader_may_update_a_library_only_their_country_uses():
    vietnam = h5p_content(title="Vietnam quiz", library_patch=2)
    vietnam.country = country("vn")
    vietnam.save()
    newer_patch(uploaded_by=uploader(country_staff("vn")), country=country("vn"))
    assert H5PLibrary.objects.get().patch_version == 9


def test_global_staff_update_a_shared_library():
    h5p_content(title="Shared quiz", library_patch=2)
    newer_patch(uploaded_by=global_admin())
    assert H5PLibrary.objects.get().patch_version == 9


# --- 7. upload forms ----------------------------------------------------------------------


def test_a_refused_file_is_not_also_blamed_on_the_title(client, totp_for):
    client.force_login(totp_for(global_admin()))
    files = b.scorm_files()
    del files["imsmanifest.xml"]
    response = client.post(
        SCORM_ADD,
        {"source": SimpleUploadedFile("m.zip", b.zip_bytes(files)), "title": "", "language": "en"},
    )
    page = response.content.decode()
    assert "imsmanifest.xml is missing" in page
    assert "Give the package a title." not in page


def test_the_chosen_file_is_kept_when_another_field_is_wrong(client, totp_for):
    client.force_login(totp_for(global_admin()))
    response = client.post(
        SCORM_ADD,
        {
            "source": SimpleUploadedFile("module.zip", b.scorm_bytes()),
            "title": "Kept",
            "language": "en",
            "allowed_origins": "not an origin",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Write one origin per line" in page
    assert "Kept: module.zip" in page
    token = page.split('name="source__kept" value="', 1)[1].split('"', 1)[0]
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            SCORM_ADD,
            {"source__kept": token, "title": "Kept", "language": "en", "allowed_origins": ""},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    package = ScormPackage.objects.get()
    assert package.status == PackageStatus.READY
    # A forged token keeps nothing.
    response = client.post(SCORM_ADD, {"source__kept": token + "x", "title": "X", "language": "en"})
    assert response.status_code == 200
    assert ScormPackage.objects.count() == 1


def test_the_country_chooser_offers_each_country_once_in_the_editors_language(client, totp_for):
    from wagtail.users.models import UserProfile

    from lms.taxonomy.models import Country

    admin = totp_for(global_admin())
    profile = UserProfile.get_for_user(admin)
    profile.preferred_language = "vi"
    profile.save()
    client.force_login(admin)
    page = client.get(SCORM_ADD).content.decode()
    select = page.split('name="country"', 1)[1].split("</select>", 1)[0]
    canonical = Country.objects.canonical()
    assert select.count("<option") == canonical.count() + 1  # + "every country"
    vietnam = country("vn")
    translated = Country.objects.filter(
        translation_key=vietnam.translation_key, locale__language_code="vi"
    ).first()
    if translated is not None:
        assert translated.name in select


def test_country_staff_pick_their_own_country_from_one_entry(client, totp_for):
    staff = totp_for(uploader(country_staff("vn")))
    client.force_login(staff)
    page = client.get(H5P_ADD).content.decode()
    select = page.split('name="country"', 1)[1].split("</select>", 1)[0]
    assert select.count("<option") == 1
    assert f'value="{country("vn").pk}"' in select
