"""Issue 21.1: people with roles from CSV or XLSX, a preview with each row's errors, then all
rows or none, within the uploader's reach."""

import pytest
import tablib
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile

from lms.accounts.models import User
from tests.accounts.factories import OrganisationFactory, UserFactory, country_staff
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db

URL = "/admin/people/import/"


@pytest.fixture
def vn_staff(totp_for):
    return totp_for(country_staff("vn"))


def csv_file(text, name="people.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_bad_rows_are_shown_with_their_errors_and_nobody_is_added(client, vn_staff):
    UserFactory(username="taken.name")
    OrganisationFactory(country=country("jo"), name="Amman Apparel")
    client.force_login(vn_staff)
    rows = "\n".join(
        [
            "username,display_name,email,country,organisation,roles",
            "new.worker,Lan,,,,worker",
            "taken.name,Dup,,,,worker",
            "boss,Boss,,,,global_admin",
            "peer,Peer,,,,country_staff",
            "abroad,Rania,,jo,,trainer",
            "wrongorg,Thu,,,Amman Apparel,worker",
            "bademail,Mai,not-an-email,,,worker",
            "odd,Odd,,,,wizard",
        ]
    )
    response = client.post(URL, {"file": csv_file(rows)})
    assert response.status_code == 400
    page = response.content.decode()
    for expected in (
        "The username taken.name is taken.",
        "You cannot give or take away these roles: Global administrator.",
        "You cannot give or take away these roles: Country programme staff.",
        "You can only place people in your own country.",
        "No organisation called “Amman Apparel” in this country.",
        "“not-an-email” is not an email address.",
        "Unknown roles: wizard.",
    ):
        assert expected in page, expected
    assert 'name="payload"' not in page
    assert not User.objects.filter(username="new.worker").exists()


def test_a_good_xlsx_file_is_previewed_then_added_with_roles_and_recorded(client, vn_staff):
    factory = OrganisationFactory(country=country("vn"), name="Saigon Stitch")
    dataset = tablib.Dataset(headers=["username", "display_name", "organisation", "roles"])
    dataset.append(["lan.trainer", "Lan", "Saigon Stitch", "trainer, assessor"])
    dataset.append(["hoa.worker", "Hoa", "Saigon Stitch", "worker"])
    client.force_login(vn_staff)
    upload = SimpleUploadedFile("people.xlsx", dataset.export("xlsx"))
    preview = client.post(URL, {"file": upload})
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "lan.trainer" in page
    assert not User.objects.filter(username="lan.trainer").exists()
    payload = page.split('name="payload" value="')[1].split('"')[0]
    response = client.post(URL, {"payload": payload})
    assert response.status_code == 302
    lan = User.objects.get(username="lan.trainer")
    assert lan.role_codes() == {"trainer", "assessor"}
    assert (lan.country, lan.organisation) == (country("vn"), factory)
    assert LogEntry.objects.get_for_object(lan).filter(actor=vn_staff).exists()
    assert User.objects.get(username="hoa.worker").role_codes() == {"worker"}
    # The same preview cannot be replayed to add anyone twice.
    assert client.post(URL, {"payload": payload}).status_code == 400
    assert User.objects.filter(username="lan.trainer").count() == 1


def test_a_tampered_preview_or_a_worker_is_refused(client, vn_staff):
    client.force_login(vn_staff)
    response = client.post(URL, {"payload": "forged:payload"})
    assert response.status_code == 302
    assert not User.objects.filter(username="forged").exists()
    worker = UserFactory(roles=["worker"])
    client.force_login(worker)
    assert client.get(URL).status_code in (302, 403)
