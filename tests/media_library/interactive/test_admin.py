"""Uploading packages in the Wagtail admin needs the dedicated permission; the form shows
every specific reason an archive is refused; country staff keep to their country; the usage
overview lists every package with the pages using it."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from media_library.interactive import package_builders as b
from media_library.interactive.models import H5PContent, PackageStatus, ScormPackage
from tests.accounts.factories import UserFactory, country_staff, global_admin
from tests.media_library.interactive.factories import h5p_content, interactive_page, scorm_package
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db

H5P_ADD = "/admin/snippets/interactive/h5pcontent/add/"
SCORM_ADD = "/admin/snippets/interactive/scormpackage/add/"
USAGE = "/admin/interactive/usage/"


def denied(response) -> bool:
    return response.status_code == 403 or (
        response.status_code == 302
        and (response["Location"] == "/admin/" or "/accounts/login/" in response["Location"])
    )


def uploader(user):
    """Give someone the dedicated permission through a group, as an administrator would."""
    group, _ = Group.objects.get_or_create(name="Interactive package uploaders")
    group.permissions.add(Permission.objects.get(codename="upload_package"))
    user.groups.add(group)
    return user


@pytest.fixture
def vn_staff(totp_for):
    return totp_for(country_staff("vn"))


@pytest.fixture
def vn_uploader(totp_for):
    return totp_for(uploader(country_staff("vn")))


def h5p_upload(data=None, **fields):
    return {
        "source": SimpleUploadedFile("quiz.h5p", data or b.h5p_bytes(), "application/zip"),
        "title": "",
        "language": "en",
        **fields,
    }


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert denied(client.get(H5P_ADD))
    assert denied(client.get(USAGE))


def test_a_worker_cannot_open_the_upload_form(client, totp_for):
    client.force_login(totp_for(UserFactory(roles=["worker"])))
    assert denied(client.get(H5P_ADD))
    assert denied(client.get(USAGE))


def test_country_staff_without_the_permission_cannot_upload(client, vn_staff):
    client.force_login(vn_staff)
    assert denied(client.get(H5P_ADD))
    response = client.post(H5P_ADD, h5p_upload(country=country("vn").pk))
    assert denied(response)
    assert not H5PContent.objects.exists()
    # ... but may see the packages and their usage, to choose them for pages.
    assert client.get(USAGE).status_code == 200


def test_an_uploader_uploads_an_h5p_package_that_is_processed(client, vn_uploader):
    client.force_login(vn_uploader)
    assert client.get(H5P_ADD).status_code == 200
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(H5P_ADD, h5p_upload(country=country("vn").pk))
    assert response.status_code == 302, response.content.decode()[:3000]
    content = H5PContent.objects.get()
    assert content.title == "Workers' rights quiz"  # taken from h5p.json
    assert content.status == PackageStatus.READY
    assert content.uploaded_by == vn_uploader
    assert content.country == country("vn")


def test_the_form_shows_each_specific_reason_and_keeps_the_input(client, vn_uploader):
    client.force_login(vn_uploader)
    files = b.h5p_files()
    files["content/run.exe"] = b"MZ"
    files["../escape.json"] = "{}"
    response = client.post(
        H5P_ADD, h5p_upload(b.zip_bytes(files), title="My quiz", country=country("vn").pk)
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "points outside the package" in page
    assert 'value="My quiz"' in page
    assert not H5PContent.objects.exists()


def test_the_form_speaks_the_editors_language(client, vn_uploader):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(vn_uploader)
    profile.preferred_language = "vi"
    profile.save()
    client.force_login(vn_uploader)
    files = b.h5p_files()
    del files["h5p.json"]
    response = client.post(H5P_ADD, h5p_upload(b.zip_bytes(files), country=country("vn").pk))
    page = response.content.decode()
    assert "h5p.json" in page
    assert "This is not an H5P package" not in page


def test_country_staff_upload_only_for_their_own_country(client, vn_uploader):
    client.force_login(vn_uploader)
    response = client.post(H5P_ADD, h5p_upload(country=country("jo").pk))
    assert response.status_code == 200
    assert not H5PContent.objects.exists()


def test_country_staff_cannot_edit_another_countrys_package(client, vn_uploader):
    jordan = h5p_content(title="Jordan quiz")
    jordan.country = country("jo")
    jordan.save()
    vietnam = h5p_content(title="Vietnam quiz")
    vietnam.country = country("vn")
    vietnam.save()
    client.force_login(vn_uploader)
    assert denied(client.get(f"/admin/snippets/interactive/h5pcontent/edit/{jordan.pk}/"))
    assert (
        client.get(f"/admin/snippets/interactive/h5pcontent/edit/{vietnam.pk}/").status_code == 200
    )
    listing = client.get("/admin/snippets/interactive/h5pcontent/").content.decode()
    assert "Vietnam quiz" in listing
    assert "Jordan quiz" not in listing


def test_a_global_administrator_uploads_a_scorm_package(client, totp_for):
    client.force_login(totp_for(global_admin()))
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            SCORM_ADD,
            {
                "source": SimpleUploadedFile("module.zip", b.scorm_bytes(version="1.2")),
                "title": "",
                "language": "vi",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    package = ScormPackage.objects.get()
    assert package.version == "1.2"
    assert package.status == PackageStatus.READY


def test_a_scorm_upload_without_a_manifest_is_refused_with_the_reason(client, totp_for):
    client.force_login(totp_for(global_admin()))
    files = b.scorm_files()
    del files["imsmanifest.xml"]
    response = client.post(
        SCORM_ADD,
        {"source": SimpleUploadedFile("m.zip", b.zip_bytes(files)), "title": "", "language": "en"},
    )
    assert response.status_code == 200
    assert "imsmanifest.xml is missing" in response.content.decode()


# Issue 14: the usage overview for global staff: session, person, the H5P content and the
# SCORM packages they may see (one query each), the references to all of them and the
# pages using them (one each), the H5P libraries, and the admin's locales and explorable
# root page: 9 (11 before the references and pages of both kinds were read together).
USAGE_QUERIES = 10


def test_the_usage_overview_lists_packages_and_the_pages_using_them_at_two_sizes(
    client, totp_for, home_page, django_assert_max_num_queries
):
    quiz = h5p_content(title="Rights quiz")
    module = scorm_package(title="Overtime module")
    interactive_page(parent=home_page, h5p=[quiz], scorm=[module], title="Lesson on rights")
    client.force_login(totp_for(global_admin()))
    counts = []
    for extra in (0, 6):
        for number in range(extra):
            content = h5p_content(title=f"Extra {number}")
            interactive_page(
                parent=home_page,
                h5p=[content],
                scorm=[scorm_package(title=f"Extra module {number}")],
                title=f"Extra page {number}",
            )
        client.get(USAGE)
        with django_assert_max_num_queries(USAGE_QUERIES) as captured:
            response = client.get(USAGE)
        counts.append(len(captured))
        page = response.content.decode()
        assert "Rights quiz" in page
        assert "Overtime module" in page
        assert "Lesson on rights" in page
        assert "H5P.BWQuiz" in page
        assert page.count("Extra page") == 2 * extra  # under its H5P content and its package
    assert counts[0] == counts[1]


def test_the_overview_lists_a_page_under_the_kind_of_package_it_embeds(client, totp_for, home_page):
    """H5P content and SCORM packages are numbered apart: a page embedding the SCORM
    package that has the same id as an H5P exercise is listed under the package only."""
    quiz = h5p_content(title="Rights quiz")
    module = scorm_package(title="Overtime module")
    # Each table hands out its own ids, and rows other tests committed (or a PostgreSQL
    # sequence that a rollback does not rewind) move one ahead: add unused ones to the
    # other until the two ids meet.
    spare = 0
    while quiz.pk != module.pk and spare < 50:
        spare += 1
        if quiz.pk < module.pk:
            quiz = h5p_content(title=f"Spare quiz {spare}")
        else:
            module = scorm_package(title=f"Spare module {spare}")
    assert quiz.pk == module.pk
    interactive_page(parent=home_page, scorm=[module], title="Only the module")
    client.force_login(totp_for(global_admin()))
    page = client.get(USAGE).content.decode()
    exercises, packages = page.split("SCORM packages</h2>", 1)
    assert "Only the module" not in exercises
    assert "not used yet" in exercises
    assert "Only the module" in packages


def test_country_staff_see_their_countrys_and_shared_packages_in_the_overview(client, vn_staff):
    shared = h5p_content(title="Shared quiz")
    jordan = h5p_content(title="Jordan quiz")
    jordan.country = country("jo")
    jordan.save()
    vietnam = scorm_package(title="Vietnam module")
    vietnam.country = country("vn")
    vietnam.save()
    client.force_login(vn_staff)
    page = client.get(USAGE).content.decode()
    assert shared.title in page
    assert "Vietnam module" in page
    assert "Jordan quiz" not in page
    assert "Upload H5P content" not in page  # no upload permission


def test_the_preview_is_for_people_who_use_the_admin(client, totp_for, vn_staff):
    content = h5p_content()
    url = f"/en/watch/interactive/h5p/{content.uuid}/"
    assert client.get(url).status_code == 302
    client.force_login(UserFactory(roles=["worker"]))
    assert client.get(url).status_code == 403
    client.force_login(vn_staff)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "not recorded" in html
    assert "data-statements-url" not in html
