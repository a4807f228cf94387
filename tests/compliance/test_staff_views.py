"""Staff pages: instrument versions imported and exported as XLSX, factories imported with
duplicates proposed; who may use them."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from compliance.models import Factory, InstrumentVersion
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.compliance.factories import FactoryFactory, instrument_with_questions
from tests.compliance.test_spreadsheets import GOOD
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db


def _xlsx(rows, name="list.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Questions"
    header = list(rows[0].keys())
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(c, "") for c in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def vn_staff(totp_for):
    return totp_for(UserFactory(roles=["country_staff"], country=country("vn")))


@pytest.mark.parametrize(
    ("roles", "expected"), [(None, 302), (["enterprise_advisor"], 403), (["manager"], 403)]
)
def test_instrument_pages_are_for_staff(client, totp_for, roles, expected):
    if roles:
        client.force_login(totp_for(UserFactory(roles=roles)))
    assert client.get(reverse("compliance:instruments")).status_code == expected


def test_country_staff_import_their_countrys_version_and_every_bad_row_is_shown(client, vn_staff):
    client.force_login(vn_staff)
    url = reverse("compliance:instruments")
    bad = [GOOD, GOOD | {"code": "X.1", "compliance_point": "karaoke"}]
    response = client.post(
        url, {"file": _xlsx(bad), "name": "CAT Vietnam 2027", "country": country("vn").pk}
    )
    assert response.status_code == 400
    assert "Row 3" in response.content.decode()
    assert not InstrumentVersion.objects.filter(name="CAT Vietnam 2027").exists()

    response = client.post(url, {"file": _xlsx([GOOD]), "name": "CAT Vietnam 2027"})
    assert response.status_code == 400  # the global instrument is not theirs
    assert not InstrumentVersion.objects.filter(name="CAT Vietnam 2027").exists()

    response = client.post(
        url, {"file": _xlsx([GOOD]), "name": "CAT Vietnam 2027", "country": country("vn").pk}
    )
    assert response.status_code == 302
    version = InstrumentVersion.objects.get(name="CAT Vietnam 2027")
    assert version.country.code == "vn"
    client.post(reverse("compliance:instrument_activate", args=[version.pk]))
    version.refresh_from_db()
    assert version.status == InstrumentVersion.Status.ACTIVE


def test_a_version_exports_as_a_workbook_but_not_another_countrys(client, vn_staff):
    mine = instrument_with_questions(3, country=country("vn"))
    jordan = instrument_with_questions(3, country=country("jo"))
    client.force_login(vn_staff)
    response = client.get(reverse("compliance:instrument_export", args=[mine.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 4
    assert client.get(reverse("compliance:instrument_export", args=[jordan.pk])).status_code == 404


def test_a_factory_list_is_previewed_then_only_confirmed_rows_are_created(
    client, vn_staff, totp_for
):
    FactoryFactory(organisation=OrganisationFactory(name="Saigon Knit", country=country("vn")))
    url = reverse("compliance:factory_import", args=["vn"])
    client.force_login(vn_staff)
    rows = [{"name": "SAIGON KNIT"}, {"name": "Mekong Apparel"}]
    workbook = Workbook()
    workbook.active.append(["name"])
    for row in rows:
        workbook.active.append([row["name"]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    preview = client.post(url, {"file": SimpleUploadedFile("f.xlsx", buffer.getvalue())})
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "Saigon Knit" in page
    assert Factory.objects.count() == 1
    client.post(url, {"confirm": "1"})
    assert set(Factory.objects.values_list("legal_name", flat=True)) >= {"Mekong Apparel"}
    assert Factory.objects.count() == 2

    jo_staff = totp_for(UserFactory(roles=["country_staff"], country=country("jo")))
    client.force_login(jo_staff)
    assert client.get(url).status_code == 403


def test_country_staff_edit_their_countrys_factory_profiles_in_the_admin(client, vn_staff):
    from compliance.models import Factory

    mine = FactoryFactory(organisation=OrganisationFactory(country=country("vn")))
    theirs = FactoryFactory(organisation=OrganisationFactory(country=country("jo")))
    client.force_login(vn_staff)
    listing = client.get("/admin/factories/")
    assert listing.status_code == 200
    assert mine.legal_name in listing.content.decode()
    assert theirs.legal_name not in listing.content.decode()
    assert client.get(f"/admin/factories/edit/{theirs.pk}/").status_code in {302, 403}
    assert client.get("/admin/factories/new/").status_code in {302, 403}
    response = client.post(
        f"/admin/factories/edit/{mine.pk}/",
        {
            "legal_name": "Renamed Garment Co.",
            "trading_name": "",
            "address": "1 Road",
            "products": "Shirts",
            "registry_id": "VN123",
            "workers_women": "10",
            "workers_men": "5",
            "workers_other": "0",
            "workers_migrant": "1",
        },
    )
    assert response.status_code == 302
    assert Factory.objects.get(pk=mine.pk).legal_name == "Renamed Garment Co."
