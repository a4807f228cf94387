"""Instrument versions to and from XLSX (openpyxl), and factories from a spreadsheet with
likely duplicates proposed instead of created (rapidfuzz).

An instrument workbook has one sheet, "Questions", with a header row naming the columns in
``INSTRUMENT_COLUMNS`` (in any order) and, for each other language the site speaks,
optional ``text [vi]``, ``guidance [vi]``, ``legal_reference [vi]`` columns. Every row is
checked before anything is written: one bad row and nothing is imported, and each bad row
gets its own error naming the row and the reason.
"""

import io
import unicodedata
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale

from compliance.models import Factory, InstrumentVersion, LegalSource, Question
from lms.taxonomy.models import CompliancePoint
from lms.uploads import UploadPolicy, check_upload

INSTRUMENT_COLUMNS = [
    "code",
    "cluster",
    "compliance_point",
    "text",
    "guidance",
    "legal_source",
    "legal_reference",
    "reference_is_example",
    "options",
    "non_compliant_options",
    "publicly_reported",
]
TRANSLATED_COLUMNS = ["text", "guidance", "legal_reference"]
REQUIRED = {
    "code",
    "compliance_point",
    "text",
    "legal_reference",
    "options",
    "non_compliant_options",
}
MAX_ROWS = 2000
SHEET = "Questions"
TRUE = {"yes", "y", "true", "1", "x"}
FALSE = {"no", "n", "false", "0", ""}


class ImportRefused(Exception):
    """Nothing was imported; ``errors`` says why, one sentence per bad row."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


def spreadsheet_policy() -> UploadPolicy:
    return UploadPolicy(extensions=frozenset({"xlsx"}), max_bytes=5 * 1024 * 1024)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()


def _codes(value: str) -> list[str]:
    return [part.strip().lower() for part in value.replace(";", ",").split(",") if part.strip()]


def _flag(value: str, *, row: int, column: str, errors: list) -> bool:
    lowered = value.lower()
    if lowered in TRUE:
        return True
    if lowered not in FALSE:
        errors.append(
            _("Row %(row)s: “%(value)s” in %(column)s is neither yes nor no.")
            % {"row": row, "value": value, "column": column}
        )
    return False


def _read_rows(file) -> tuple[list[str], list[tuple[int, dict]]]:
    from openpyxl import load_workbook  # openpyxl and numpy (~28 MB): only when importing

    checked = check_upload(file, policy=spreadsheet_policy())
    try:
        workbook = load_workbook(checked.file, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise ImportRefused([_("The workbook cannot be read.")]) from error
    sheet = workbook[SHEET] if SHEET in workbook.sheetnames else workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [_cell(h).lower() for h in next(rows, ())]
    body = []
    for number, values in enumerate(rows, start=2):
        if number - 1 > MAX_ROWS:
            raise ImportRefused([_("The sheet has more than %(max)s rows.") % {"max": MAX_ROWS}])
        record = {
            header[i]: _cell(v) for i, v in enumerate(values) if i < len(header) and header[i]
        }
        if any(record.values()):
            body.append((number, record))
    workbook.close()
    return header, body


@dataclass
class ParsedQuestion:
    fields: dict
    translations: dict = field(default_factory=dict)  # language -> {field: text}


def _parse_instrument(header, body) -> list[ParsedQuestion]:
    errors: list = []
    missing = REQUIRED - set(header)
    if missing:
        raise ImportRefused(
            [_("Columns missing: %(columns)s.") % {"columns": ", ".join(sorted(missing))}]
        )
    if not body:
        raise ImportRefused([_("The sheet has no questions.")])
    points = {p.code: p for p in CompliancePoint.objects.canonical().select_related("cluster")}
    languages = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
    seen: dict[str, int] = {}
    parsed = []
    for row, record in body:
        row_errors: list = []
        for column in sorted(REQUIRED):
            if not record.get(column):
                row_errors.append(
                    _("Row %(row)s: %(column)s is empty.") % {"row": row, "column": column}
                )
        code = record.get("code", "")
        if code and code in seen:
            row_errors.append(
                _("Row %(row)s: the code %(code)s is already used in row %(first)s.")
                % {"row": row, "code": code, "first": seen[code]}
            )
        seen.setdefault(code, row)
        point = points.get(record.get("compliance_point", "").lower())
        if record.get("compliance_point") and point is None:
            row_errors.append(
                _("Row %(row)s: no compliance point has the code “%(code)s”.")
                % {"row": row, "code": record["compliance_point"]}
            )
        cluster = record.get("cluster", "").lower()
        if point is not None and cluster and cluster != point.cluster.code:
            row_errors.append(
                _("Row %(row)s: %(point)s belongs to the cluster %(cluster)s, not %(given)s.")
                % {"row": row, "point": point.code, "cluster": point.cluster.code, "given": cluster}
            )
        source = record.get("legal_source", "").lower() or LegalSource.ILO
        if source not in LegalSource.values:
            row_errors.append(
                _("Row %(row)s: the source must be one of %(choices)s.")
                % {"row": row, "choices": ", ".join(LegalSource.values)}
            )
        options = _codes(record.get("options", ""))
        wrong = _codes(record.get("non_compliant_options", ""))
        question = Question(
            code=code,
            compliance_point=point,
            text=record.get("text", ""),
            guidance=record.get("guidance", ""),
            legal_source=source,
            legal_reference=record.get("legal_reference", ""),
            reference_is_example=_flag(
                record.get("reference_is_example", ""),
                row=row,
                column="reference_is_example",
                errors=row_errors,
            ),
            options=options,
            non_compliant_options=wrong,
            publicly_reported=_flag(
                record.get("publicly_reported", ""),
                row=row,
                column="publicly_reported",
                errors=row_errors,
            ),
        )
        if point is not None and options:
            try:
                question.clean()
            except ValidationError as error:
                for messages in error.message_dict.values():
                    row_errors.extend(
                        _("Row %(row)s: %(reason)s") % {"row": row, "reason": m} for m in messages
                    )
        for name, limit in (("code", 30), ("legal_reference", 300)):
            if len(record.get(name, "")) > limit:
                row_errors.append(
                    _("Row %(row)s: %(column)s is longer than %(limit)s characters.")
                    % {"row": row, "column": name, "limit": limit}
                )
        translations = {}
        for language in languages:
            texts = {
                name: record.get(f"{name} [{language}]", "")
                for name in TRANSLATED_COLUMNS
                if record.get(f"{name} [{language}]", "")
            }
            if texts:
                translations[language] = texts
        errors.extend(row_errors)
        parsed.append(
            ParsedQuestion(
                {
                    "code": code,
                    "compliance_point": point,
                    "text": question.text,
                    "guidance": question.guidance,
                    "legal_source": source,
                    "legal_reference": question.legal_reference,
                    "reference_is_example": question.reference_is_example,
                    "options": options,
                    "non_compliant_options": wrong,
                    "publicly_reported": question.publicly_reported,
                },
                translations,
            )
        )
    if errors:
        raise ImportRefused(errors)
    return parsed


@transaction.atomic
def instrument_import(
    *, file, name: str, country=None, number: int | None = None, based_on=None
) -> InstrumentVersion:
    """A new draft version from a workbook, with its translations; all or nothing."""
    header, body = _read_rows(file)
    parsed = _parse_instrument(header, body)
    if number is None:
        latest = (
            InstrumentVersion.objects.canonical()
            .filter(country=country)
            .order_by("-number")
            .values_list("number", flat=True)
            .first()
        )
        number = (latest or 0) + 1
    key = uuid.uuid4()
    default = Locale.get_default()
    instrument = InstrumentVersion(
        locale=default,
        translation_key=key,
        name=name,
        country=country,
        number=number,
        based_on=based_on,
    )
    try:
        instrument.full_clean()
    except ValidationError as error:
        raise ImportRefused(error.messages) from error
    instrument.save()
    question_keys = [uuid.uuid4() for _ in parsed]
    Question.objects.bulk_create(
        Question(
            instrument=instrument,
            locale=default,
            translation_key=question_keys[i],
            sort_order=i,
            **item.fields,
        )
        for i, item in enumerate(parsed)
    )
    languages = sorted({language for item in parsed for language in item.translations})
    for language in languages:
        locale = Locale.objects.filter(language_code=language).first()
        if locale is None:
            continue
        translated = InstrumentVersion.objects.create(
            locale=locale,
            translation_key=key,
            name=name,
            country=country,
            number=number,
            based_on=based_on,
        )
        Question.objects.bulk_create(
            Question(
                instrument=translated,
                locale=locale,
                translation_key=question_keys[i],
                sort_order=i,
                **(item.fields | item.translations.get(language, {})),
            )
            for i, item in enumerate(parsed)
        )
    return instrument


def instrument_export(*, instrument: InstrumentVersion) -> bytes:
    """The version as a workbook that :func:`instrument_import` reads back, with a column
    per translated field and language."""
    instrument = instrument.get_translation(Locale.get_default())
    questions = list(
        instrument.questions.select_related("compliance_point__cluster").order_by(
            "sort_order", "pk"
        )
    )
    translations: dict[str, dict] = {}
    for translated in instrument.get_translations().select_related("locale"):
        language = translated.locale.language_code
        translations[language] = {q.translation_key: q for q in translated.questions.all()}
    languages = sorted(translations)
    from openpyxl import Workbook  # loaded by the exports only, not by every web worker

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    header = list(INSTRUMENT_COLUMNS)
    for language in languages:
        header += [f"{name} [{language}]" for name in TRANSLATED_COLUMNS]
    sheet.append(header)
    for q in questions:
        row = [
            q.code,
            q.compliance_point.cluster.code,
            q.compliance_point.code,
            q.text,
            q.guidance,
            q.legal_source,
            q.legal_reference,
            "yes" if q.reference_is_example else "no",
            ", ".join(q.options),
            ", ".join(q.non_compliant_options),
            "yes" if q.publicly_reported else "no",
        ]
        for language in languages:
            translated = translations[language].get(q.translation_key)
            row += [
                getattr(translated, name, "") if translated else "" for name in TRANSLATED_COLUMNS
            ]
        sheet.append(row)
    sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- factories from a spreadsheet ---------------------------------------------------------------

FACTORY_COLUMNS = [
    "name",
    "legal_name",
    "address",
    "sector",
    "registry_id",
    "workers_women",
    "workers_men",
    "workers_migrant",
    "products",
]
MATCH_THRESHOLD = 88


@dataclass
class FactoryRow:
    row: int
    data: dict
    matches: list = field(default_factory=list)  # (factory, score, why)
    errors: list = field(default_factory=list)


def _normalised(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "").casefold()
    text = "".join(c for c in text if not unicodedata.combining(c))
    for noise in (" co., ltd", " co ltd", " company limited", " jsc", " ltd", " llc", " inc", ","):
        text = text.replace(noise, " ")
    return " ".join(text.split())


def factory_matches(*, name: str, address: str, registry_id: str, candidates) -> list:
    """Existing factories that are probably this one: same registry id, or a name (and
    address) that reads the same once case, accents, punctuation and word order are set
    aside (rapidfuzz token-set ratio)."""
    from rapidfuzz import fuzz

    found = []
    wanted_name, wanted_address = _normalised(name), _normalised(address)
    for factory in candidates:
        if registry_id and factory.registry_id and registry_id == factory.registry_id:
            found.append((factory, 100, "registry"))
            continue
        names = [factory.legal_name, factory.trading_name, factory.organisation.name]
        score = max(fuzz.token_set_ratio(wanted_name, _normalised(n)) for n in names if n)
        if wanted_address and factory.address:
            address_score = fuzz.token_set_ratio(wanted_address, _normalised(factory.address))
            if address_score >= MATCH_THRESHOLD and score >= 70:
                found.append((factory, round((score + address_score) / 2), "name_address"))
                continue
        if score >= MATCH_THRESHOLD:
            found.append((factory, round(score), "name"))
    return sorted(found, key=lambda item: -item[1])


def factory_import_preview(*, file, country) -> list[FactoryRow]:
    """Read a factory list and propose, for each row, the existing factories it probably
    is. Nothing is written."""
    from lms.taxonomy.models import Sector

    header, body = _read_rows(file)
    if "name" not in header:
        raise ImportRefused([_("Columns missing: %(columns)s.") % {"columns": "name"}])
    sectors = {s.code: s for s in Sector.objects.canonical()}
    candidates = list(
        Factory.objects.filter(organisation__country=country).select_related("organisation")
    )
    rows = [_factory_row(number, record, sectors, candidates) for number, record in body]
    _flag_repeats(rows)
    return rows


def _flag_repeats(rows: list[FactoryRow]) -> None:
    """A row that repeats an earlier row of the same file is an error."""
    for index, item in enumerate(rows):
        earlier = [
            Factory(
                legal_name=other.data.get("legal_name") or other.data.get("name", ""),
                trading_name=other.data.get("name", ""),
                address=other.data.get("address", ""),
                registry_id=other.data.get("registry_id", ""),
                organisation=None,
            )
            for other in rows[:index]
        ]
        for factory, score, _why in _matches_without_organisation(item, earlier):
            item.errors.append(
                _("Row %(row)s repeats an earlier row of the file (%(name)s, %(score)s%%).")
                % {"row": item.row, "name": factory.trading_name, "score": score}
            )


def _factory_row(number: int, record: dict, sectors: dict, candidates: list) -> FactoryRow:
    item = FactoryRow(number, record)
    if not record.get("name"):
        item.errors.append(_("Row %(row)s: name is empty.") % {"row": number})
    sector = record.get("sector", "").lower()
    if sector and sector not in sectors:
        item.errors.append(
            _("Row %(row)s: no sector has the code “%(code)s”.") % {"row": number, "code": sector}
        )
    for column in ("workers_women", "workers_men", "workers_migrant"):
        value = record.get(column, "")
        if value and not value.isdigit():
            item.errors.append(
                _("Row %(row)s: %(column)s must be a whole number.")
                % {"row": number, "column": column}
            )
    item.matches = factory_matches(
        name=record.get("name", ""),
        address=record.get("address", ""),
        registry_id=record.get("registry_id", ""),
        candidates=candidates,
    )
    return item


def _matches_without_organisation(item, earlier):
    from rapidfuzz import fuzz

    wanted = _normalised(item.data.get("name", ""))
    found = []
    for factory in earlier:
        if item.data.get("registry_id") and item.data.get("registry_id") == factory.registry_id:
            found.append((factory, 100, "registry"))
            continue
        score = fuzz.token_set_ratio(wanted, _normalised(factory.trading_name))
        if score >= MATCH_THRESHOLD:
            found.append((factory, round(score), "name"))
    return found


@transaction.atomic
def factory_import(*, rows: list[FactoryRow], country, confirmed_new: set[int]) -> list[Factory]:
    """Create the factories of the rows the person confirmed as new (by row number); a row
    with errors, or with a likely match not confirmed, is never created."""
    from compliance.services import factory_create
    from lms.taxonomy.models import Sector

    errors = [e for item in rows for e in item.errors]
    if errors:
        raise ImportRefused(errors)
    sectors = {s.code: s for s in Sector.objects.canonical()}
    created, refused = [], []
    for item in rows:
        if item.matches and item.row not in confirmed_new:
            continue
        data = item.data
        try:
            factory = factory_create(
                name=data["name"],
                legal_name=data.get("legal_name") or data["name"],
                country=country,
                sector=sectors.get(data.get("sector", "").lower()),
                address=data.get("address", ""),
                registry_id=data.get("registry_id", ""),
                products=data.get("products", ""),
                workers_women=int(data.get("workers_women") or 0),
                workers_men=int(data.get("workers_men") or 0),
                workers_migrant=int(data.get("workers_migrant") or 0),
            )
        except ValidationError as error:
            refused.extend(
                _("Row %(row)s: %(reason)s") % {"row": item.row, "reason": message}
                for message in error.messages
            )
        else:
            created.append(factory)
    if refused:
        transaction.set_rollback(True)
        raise ImportRefused(refused)
    return created


def rows_rematched(*, data: list[dict], country) -> list[FactoryRow]:
    """Rows kept from a preview, checked and matched again against the factories that
    exist now."""
    from lms.taxonomy.models import Sector

    sectors = {s.code: s for s in Sector.objects.canonical()}
    candidates = list(
        Factory.objects.filter(organisation__country=country).select_related("organisation")
    )
    rows = [_factory_row(item["row"], item["data"], sectors, candidates) for item in data]
    _flag_repeats(rows)
    return rows
