"""The panel of a study as files for research partners: CSV, Parquet (pyarrow) and a data
dictionary. Only factory codes, strata, arms, years and outcome values: no names, no people."""

import csv
import io
import tempfile

from django.utils.translation import gettext as _

from lms.reports.studies.analysis import Panel
from lms.reports.studies.outcomes import OUTCOMES
from lms.spreadsheets import safe_row

# The columns of every panel before the outcomes (the factory's own id stays inside).
BASE_COLUMNS = ("factory", "country", "stratum", "arm", "comparison", "year", "post")


def columns(panel: Panel) -> list[str]:
    return [*BASE_COLUMNS, *panel.outcome_keys]


def dictionary_rows(panel: Panel) -> list[list[str]]:
    """One row per column: name, type, unit, meaning."""
    rows = [
        ["factory", "string", "", _("The factory's code in this study (not its name).")],
        ["country", "string", "", _("ISO 3166 code of the factory's country.")],
        ["stratum", "string", "", _("The stratum the factory was randomised in.")],
        ["arm", "string", "", _("The arm the factory was assigned to.")],
        ["comparison", "boolean", "", _("Whether the arm is the comparison arm.")],
        ["year", "integer", "", _("The calendar year measured.")],
        [
            "post",
            "boolean",
            "",
            _("Whether the year is on or after the year services start (%(year)s).")
            % {"year": panel.study.intervention_year},
        ],
    ]
    for key in panel.outcome_keys:
        outcome = OUTCOMES[key]
        rows.append(
            [
                key,
                "float",
                outcome.unit,
                f"{outcome.label}: {outcome.definition} "
                + _("Empty when the factory has no data in the year."),
            ]
        )
    return rows


def write_csv(panel: Panel) -> tempfile.SpooledTemporaryFile:
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - the caller closes it
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    writer = csv.writer(text)
    names = columns(panel)
    writer.writerow(names)
    for row in panel.rows:
        writer.writerow(safe_row("" if row[name] is None else row[name] for name in names))
    text.flush()
    text.detach()
    out.seek(0)
    return out


def write_dictionary(panel: Panel) -> tempfile.SpooledTemporaryFile:
    out = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115 - the caller closes it
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    writer = csv.writer(text)
    writer.writerow(["column", "type", "unit", "description"])
    for row in dictionary_rows(panel):
        writer.writerow(safe_row(str(cell) for cell in row))
    text.flush()
    text.detach()
    out.seek(0)
    return out


def write_parquet(panel: Panel) -> tempfile.SpooledTemporaryFile:
    import pyarrow as pa
    import pyarrow.parquet as pq

    fields = [
        pa.field("factory", pa.string()),
        pa.field("country", pa.string()),
        pa.field("stratum", pa.string()),
        pa.field("arm", pa.string()),
        pa.field("comparison", pa.bool_()),
        pa.field("year", pa.int16()),
        pa.field("post", pa.bool_()),
    ]
    descriptions = {row[0]: str(row[3]) for row in dictionary_rows(panel)}
    fields += [pa.field(key, pa.float64()) for key in panel.outcome_keys]
    fields = [f.with_metadata({"description": descriptions.get(f.name, "")}) for f in fields]
    schema = pa.schema(fields)
    data = {name: [row[name] for row in panel.rows] for name in schema.names}
    table = pa.table(data, schema=schema)
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - the caller closes it
    pq.write_table(table, out)
    out.seek(0)
    return out
