"""Instruments to and from XLSX (every bad row named, nothing half-imported), and factories
from a spreadsheet with likely duplicates proposed instead of created."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from compliance.models import Factory, InstrumentVersion, Question
from compliance.spreadsheets import (
    INSTRUMENT_COLUMNS,
    ImportRefused,
    factory_import,
    factory_import_preview,
    instrument_export,
    instrument_import,
)
from tests.accounts.factories import OrganisationFactory
from tests.compliance.factories import FactoryFactory, instrument_with_questions
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db

GOOD = {
    "code": "CHI.1.1",
    "cluster": "child-labour",
    "compliance_point": "child-labourers",
    "text": "Are all workers at least 15 years old?",
    "guidance": "Check ID copies against the register.",
    "legal_source": "ilo",
    "legal_reference": "C138, Art. 2",
    "reference_is_example": "no",
    "options": "yes, no",
    "non_compliant_options": "no",
    "publicly_reported": "yes",
}


def _workbook(rows, header=None, name="instrument.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Questions"
    header = header or list(rows[0].keys()) if rows else header
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(column, "") for column in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def test_a_good_sheet_becomes_a_draft_version_with_its_translations():
    rows = [
        GOOD | {"text [vi]": "Tất cả người lao động có từ 15 tuổi trở lên không?"},
        GOOD
        | {
            "code": "OSH.8.1",
            "cluster": "osh",
            "compliance_point": "emergency-preparedness",
            "text": "Are emergency exits unlocked during working hours?",
            "legal_reference": "Labour Code 2019, Art. 133 (example)",
            "legal_source": "national",
            "reference_is_example": "yes",
            "options": "yes, no, na",
            "text [vi]": "",
        },
    ]
    instrument = instrument_import(file=_workbook(rows), name="CAT Vietnam", country=country("vn"))
    assert instrument.status == InstrumentVersion.Status.DRAFT
    assert instrument.number == 1
    questions = list(instrument.questions.order_by("sort_order"))
    assert [q.code for q in questions] == ["CHI.1.1", "OSH.8.1"]
    assert questions[1].reference_is_example
    assert questions[1].options == ["yes", "no", "na"]
    assert questions[0].publicly_reported
    vietnamese = instrument.get_translation(instrument.get_translations().first().locale)
    texts = dict(vietnamese.questions.values_list("code", "text"))
    assert texts["CHI.1.1"].startswith("Tất cả")
    assert texts["OSH.8.1"] == "Are emergency exits unlocked during working hours?"


def test_every_bad_row_is_named_and_nothing_is_imported():
    rows = [
        GOOD,
        GOOD | {"code": "CHI.1.1"},  # the same code again
        GOOD | {"code": "X.1", "compliance_point": "karaoke"},
        GOOD | {"code": "X.2", "cluster": "osh"},  # point of another cluster
        GOOD | {"code": "X.3", "non_compliant_options": "maybe"},
        GOOD | {"code": "X.4", "publicly_reported": "perhaps"},
        GOOD | {"code": "X.5", "text": ""},
    ]
    before = Question.objects.count()
    with pytest.raises(ImportRefused) as refused:
        instrument_import(file=_workbook(rows), name="Broken")
    errors = [str(e) for e in refused.value.errors]
    assert any(e.startswith("Row 3:") and "already used in row 2" in e for e in errors)
    assert any(e.startswith("Row 4:") and "karaoke" in e for e in errors)
    assert any(
        e.startswith("Row 5:") and "belongs to the cluster child-labour" in e for e in errors
    )
    assert any(e.startswith("Row 6:") for e in errors)
    assert any(e.startswith("Row 7:") and "perhaps" in e for e in errors)
    assert any(e.startswith("Row 8:") and "text is empty" in e for e in errors)
    assert Question.objects.count() == before
    assert not InstrumentVersion.objects.filter(name="Broken").exists()


def test_a_sheet_without_the_needed_columns_or_not_a_workbook_is_refused():
    with pytest.raises(ImportRefused, match="Columns missing"):
        instrument_import(file=_workbook([{"code": "A"}]), name="No columns")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        instrument_import(
            file=SimpleUploadedFile("instrument.xlsx", b"%PDF-1.4 not a workbook"), name="Fake"
        )


def test_an_exported_version_imports_back_the_same():
    source = instrument_with_questions(5)
    data = instrument_export(instrument=source)
    sheet = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet[1]][: len(INSTRUMENT_COLUMNS)] == INSTRUMENT_COLUMNS
    copy = instrument_import(
        file=SimpleUploadedFile("export.xlsx", data), name="Round trip", country=country("jo")
    )
    fields = (
        "code",
        "compliance_point_id",
        "text",
        "legal_reference",
        "options",
        "non_compliant_options",
        "publicly_reported",
    )
    assert list(copy.questions.order_by("sort_order").values_list(*fields)) == list(
        source.questions.order_by("sort_order").values_list(*fields)
    )


# --- factories -------------------------------------------------------------------------------


def test_a_factory_written_differently_is_proposed_as_a_match_not_created():
    existing = FactoryFactory(
        organisation=OrganisationFactory(name="Saigon Knit", country=country("vn")),
        legal_name="Saigon Knit Joint Stock Company",
        address="12 Road 3, Tan Binh Industrial Park, Ho Chi Minh City",
        registry_id="",
    )
    registered = FactoryFactory(
        organisation=OrganisationFactory(name="Dong Nai Shoes", country=country("vn")),
        registry_id="VN2021ABC123",
    )
    rows = [
        {"name": "SAIGON KNIT JSC", "address": "12, Road 3 Tan Binh Industrial park, HCMC"},
        {"name": "Completely Different Name", "registry_id": "VN2021ABC123"},
        {"name": "Hanoi Garment One", "address": "5 Nguyen Trai, Hanoi", "sector": "garment"},
        {"name": "Hà Nội Garment One", "address": "5 Nguyen Trai"},
    ]
    header = ["name", "address", "registry_id", "sector"]
    preview = factory_import_preview(file=_workbook(rows, header=header), country=country("vn"))
    assert preview[0].matches[0][0] == existing
    assert preview[1].matches[0][0] == registered
    assert preview[1].matches[0][2] == "registry"
    assert preview[2].matches == []
    assert any("repeats an earlier row" in str(e) for e in preview[3].errors)

    with pytest.raises(ImportRefused):
        factory_import(rows=preview, country=country("vn"), confirmed_new=set())
    assert Factory.objects.count() == 2

    created = factory_import(rows=preview[:3], country=country("vn"), confirmed_new=set())
    assert [f.legal_name for f in created] == ["Hanoi Garment One"]
    assert created[0].organisation.sector.code == "garment"


def test_a_bad_factory_row_says_why():
    rows = [{"name": "", "sector": "spaceships", "workers_women": "many"}]
    header = ["name", "sector", "workers_women"]
    preview = factory_import_preview(file=_workbook(rows, header=header), country=country("jo"))
    errors = " ".join(str(e) for e in preview[0].errors)
    assert "name is empty" in errors
    assert "spaceships" in errors
    assert "whole number" in errors
