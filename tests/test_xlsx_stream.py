"""The streaming XLSX writer (decision 0616) read back by two independent readers, openpyxl
and calamine (Rust), and checked as an OOXML package: the values, their types, the sheets,
and hostile text made what Excel and openpyxl accept."""

import io
import posixpath
import tracemalloc
import zipfile

import pytest
from defusedxml import ElementTree
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from python_calamine import CalamineWorkbook

from lms.xlsx_stream import CELL_MAX_UNITS, FRAGMENTS_KEPT, XlsxStream, cell_text, column_letters

CONTENT_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
PACKAGE_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"

ROWS = [
    ["Learner", "Country", "Course", "Rate", "Done", "Enrolled on", "Note"],
    ["a1b2c3d4e5f6", "vn", 7, 42.5, True, "2026-03-01", None],
    ["0f0f0f0f0f0f", "", 12, -0.25, False, "2026-03-02", "  spaces kept  "],
    ["ffffffffffff", "jo", 10**12, 1e-7, True, "", "عربي \u200fRTL"],
]
HOSTILE = {
    "=cmd|' /C calc'!A0": "'=cmd|' /C calc'!A0",
    '=HYPERLINK("http://x","y")': '\'=HYPERLINK("http://x","y")',
    "+1": "'+1",
    "-2+3": "'-2+3",
    "@SUM(A1)": "'@SUM(A1)",
    "bell\x07 and nul\x00 and esc\x1b": "bell and nul and esc",
    "lone \ud800 surrogate": "lone \ufffd surrogate",
    "\u202eevil\u202c \u200f\u0627\u0644\u0639\u0631\u0628\u064a\u0629 שלום": (
        "\u202eevil\u202c \u200f\u0627\u0644\u0639\u0631\u0628\u064a\u0629 שלום"
    ),
    "line\r\nbreak\ttab": "line\r\nbreak\ttab",
    "<b>&amp;</b>": "<b>&amp;</b>",
    "]]>": "]]>",
    "\U0001f600 emoji": "\U0001f600 emoji",
}


def written(*sheets) -> bytes:
    out = io.BytesIO()
    with XlsxStream(out) as book:
        for title, rows in sheets:
            book.add_sheet(title, rows)
    return out.getvalue()


def openpyxl_rows(content: bytes, *, read_only: bool) -> dict[str, list[list]]:
    """Each sheet's rows, padded to the widest (without a stated dimension, as openpyxl's
    write-only mode does not state one either, read-only rows end at their last cell)."""
    book = load_workbook(io.BytesIO(content), read_only=read_only)
    sheets = {}
    for name in book.sheetnames:
        rows = [list(row) for row in book[name].iter_rows(values_only=True)]
        width = max((len(row) for row in rows), default=0)
        sheets[name] = [row + [None] * (width - len(row)) for row in rows]
    return sheets


def calamine_rows(content: bytes) -> dict[str, list[list]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


@pytest.mark.parametrize("read_only", [False, True])
def test_openpyxl_reads_back_every_value_with_its_type(read_only):
    content = written(("summary", [["Title"]]), ("records", ROWS))
    sheets = openpyxl_rows(content, read_only=read_only)
    assert list(sheets) == ["summary", "records"]
    assert sheets["summary"] == [["Title"]]
    records = sheets["records"]
    assert records[0] == ROWS[0]
    assert records[1] == ["a1b2c3d4e5f6", "vn", 7, 42.5, True, "2026-03-01", None]
    assert records[2] == ["0f0f0f0f0f0f", None, 12, -0.25, False, "2026-03-02", "  spaces kept  "]
    assert records[3] == ["ffffffffffff", "jo", 10**12, 1e-7, True, None, "عربي \u200fRTL"]
    assert [type(v) for v in records[1]] == [str, str, int, float, bool, str, type(None)]


def test_calamine_reads_back_the_same_values():
    sheets = calamine_rows(written(("summary", [["Title"]]), ("records", ROWS)))
    assert list(sheets) == ["summary", "records"]
    records = sheets["records"]
    # calamine gives numbers as floats and empty cells as ""
    assert records[1] == ["a1b2c3d4e5f6", "vn", 7.0, 42.5, True, "2026-03-01", ""]
    assert records[2] == ["0f0f0f0f0f0f", "", 12.0, -0.25, False, "2026-03-02", "  spaces kept  "]
    assert records[3] == ["ffffffffffff", "jo", 1e12, 1e-7, True, "", "عربي \u200fRTL"]


def test_the_file_is_a_complete_ooxml_package():
    content = written(("summary", [["x"]]), ("records", ROWS))
    package = zipfile.ZipFile(io.BytesIO(content))
    assert package.testzip() is None
    names = set(package.namelist())
    for name in names:  # every part is well-formed XML
        ElementTree.fromstring(package.read(name))
    types = ElementTree.fromstring(package.read("[Content_Types].xml"))
    defaults = {d.get("Extension") for d in types.iter(f"{CONTENT_TYPES}Default")}
    overrides = {
        o.get("PartName"): o.get("ContentType") for o in types.iter(f"{CONTENT_TYPES}Override")
    }
    assert {"rels", "xml"} <= defaults
    assert all(f"/{name}" in overrides for name in names if name.startswith("xl/worksheets/"))
    assert overrides["/xl/worksheets/sheet2.xml"] == WORKSHEET
    assert all(part[1:] in names for part in overrides)
    # every relationship points at a part of the package
    for rels in (n for n in names if n.endswith(".rels")):
        base = posixpath.dirname(posixpath.dirname(rels))
        for rel in ElementTree.fromstring(package.read(rels)).iter(f"{PACKAGE_RELS}Relationship"):
            assert posixpath.normpath(posixpath.join(base, rel.get("Target"))) in names
    assert "xl/workbook.xml" in names


@pytest.mark.parametrize("reader", ["openpyxl", "calamine"])
def test_hostile_text_is_neutralised_cleaned_and_kept_readable(reader):
    content = written(("records", [[text] for text in HOSTILE]))
    if reader == "openpyxl":
        values = [row[0] for row in openpyxl_rows(content, read_only=True)["records"]]
    else:
        values = [row[0] for row in calamine_rows(content)["records"]]
    assert values == list(HOSTILE.values())


def test_text_longer_than_a_cell_holds_is_cut_to_excels_limit():
    long_latin, long_astral = "x" * 40000, "\U0001f600" * 20000  # 2 UTF-16 units each
    content = written(("records", [[long_latin, long_astral, "y" * 32767]]))
    sheets = openpyxl_rows(content, read_only=True)
    latin, astral, exact = sheets["records"][0]
    assert latin == "x" * CELL_MAX_UNITS
    assert astral == "\U0001f600" * (CELL_MAX_UNITS // 2)  # never half a pair
    assert exact == "y" * 32767


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=40), min_size=1, max_size=6))
def test_any_text_reads_back_as_the_cell_would_hold_it(texts):
    values = openpyxl_rows(written(("s", [texts])), read_only=False)["s"]
    expected = [cell_text(text) or None for text in texts]
    if not any(expected):
        assert values in ([], [[None]])
        return
    while expected[-1] is None:  # a row ends at its last cell
        expected.pop()
    assert values == [expected]


def test_sheet_titles_follow_openpyxl():
    reference = Workbook(write_only=True)
    titles = ["summary", "Summary", "summary", "records", "x" * 40]
    expected = [reference.create_sheet(title=t[:31]).title for t in titles]
    content = written(*[(t[:31], [[1]]) for t in titles])
    assert load_workbook(io.BytesIO(content), read_only=True).sheetnames == expected
    with pytest.raises(ValueError, match="Invalid character"):
        XlsxStream(io.BytesIO()).add_sheet("a/b", [])


def test_wide_rows_get_their_columns_named_beyond_z():
    assert [column_letters(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
    row = list(range(100))
    assert openpyxl_rows(written(("wide", [row])), read_only=False)["wide"] == [row]


def test_values_seen_again_keep_no_more_memory_than_a_bound():
    """Every value distinct, as the learners' pseudonyms are: memory stays flat."""
    out = io.BytesIO()
    tracemalloc.start()
    with XlsxStream(out) as book:
        book.add_sheet("records", ([f"{n:012x}", "vn", n, "2026-01-01"] for n in range(60000)))
        assert all(len(cache) <= FRAGMENTS_KEPT + 1000 for cache in book.caches)
    _size, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # the zip's output is in memory here; the writer's own state is what is bounded
    assert peak - len(out.getvalue()) < 8 * 1024 * 1024
    rows = openpyxl_rows(out.getvalue(), read_only=True)["records"]
    assert len(rows) == 60000
    assert rows[-1] == [f"{59999:012x}", "vn", 59999, "2026-01-01"]
