"""Small-count suppression that cannot be undone (issue 16): an attacker holding any two
shared exports of the data set (with a planted group of one) subtracts cells, subtracts
visible cells from totals and multiplies percentages back, and never recovers a count
from 1 to 4. The rule is in lms.reports.disclosure and docs/rooms/reports.md."""

import itertools

import pytest

from lms.reports import selectors
from lms.reports.disclosure import SUPPRESSED, shared_table
from lms.reports.filters import ReportFilters
from lms.reports.selectors import Column, Table
from tests.courses import factories as courses
from tests.reports.conftest import person
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db

SMALL = range(1, 5)


def numeric(value):
    return isinstance(value, int | float) and not isinstance(value, bool)


@pytest.fixture
def planted(data):
    """One Cambodian worker, enrolled and present: a group of one."""
    sokha = person("kh", "worker", gender="woman")
    cohort = courses.cohort(data.course, trainers=[courses.trainer("kh")], code="kh")
    courses.enrol(data.course, [sokha], cohort)
    return sokha


def filter_sets(data):
    yield ReportFilters()
    for code in ("vn", "jo", "kh"):
        yield ReportFilters(country=country(code))
    for gender in ("woman", "man"):
        yield ReportFilters(gender=gender)
    for role in ("worker", "supervisor", "manager"):
        yield ReportFilters(role=role)
    yield ReportFilters(migrant_status="migrant")
    yield ReportFilters(organisation=data.org_a)
    yield ReportFilters(cohort=data.cohort_x)
    yield ReportFilters(course=data.course)


def shared_exports(data):
    return [
        {table.key: shared_table(table) for table in selectors.indicator_tables(f)}
        for f in filter_sets(data)
    ]


def cells(table):
    """``{(row label, column key): value}`` for the count and derived columns."""
    label = table.columns[0].key
    return {
        (str(row.get(label)), column.key): row.get(column.key)
        for row in table.rows
        for column in table.columns[1:]
    }


def test_the_planted_group_is_really_small(planted):
    (kh,) = (
        r for r in selectors.participation_by(ReportFilters(), "country") if r["value"] == "kh"
    )
    assert kh["participants"] == 1


def test_no_pair_of_shared_exports_gives_back_a_small_count(data, planted):
    exports = shared_exports(data)
    count_columns = {
        (key, column.key)
        for export in exports
        for key, table in export.items()
        for column in table.columns
        if column.count
    }
    for first, second in itertools.combinations(exports, 2):
        for key in first.keys() & second.keys():
            a, b = cells(first[key]), cells(second[key])
            for cell in a.keys() & b.keys():
                if (key, cell[1]) not in count_columns:
                    continue
                if numeric(a[cell]) and numeric(b[cell]):
                    assert abs(a[cell] - b[cell]) not in SMALL, (key, cell, a[cell], b[cell])


def test_no_total_minus_visible_cells_gives_back_a_small_count(data, planted):
    for export in shared_exports(data):
        summary = {row["indicator"]: row["value"] for row in export["summary"].rows}
        totals = {
            "participants": summary["Participants trained"],
            "completions": summary["Completions"],
        }
        for dimension in ("country", "gender", "migrant_status"):  # each person counted once
            table = export[f"participants_{dimension}"]
            for column, total in totals.items():
                values = [row[column] for row in table.rows]
                if not numeric(total) or SUPPRESSED not in values:
                    continue
                rest = total - sum(v for v in values if numeric(v))
                assert rest not in SMALL, (dimension, column, values, total)


def test_no_derived_figure_gives_back_a_small_count(data, planted):
    for export in shared_exports(data):
        for row in export["training_days"].rows:
            if numeric(row["used_percent"]):
                days = round(row["used_percent"] * float(row["allocation"]) / 100)
                assert days not in SMALL
                assert days == row["delivered"]
        for row in export["coverage"].rows:
            if row["trained"] == SUPPRESSED:
                assert row["coverage_percent"] is None
        for row in export["knowledge_gain"].rows:
            if row["learners"] == SUPPRESSED:
                assert (row["pre"], row["post"], row["gain"]) == (None, None, None)
        for row in export["attendance"].rows:
            if SUPPRESSED in (row["present"], row["expected"]):
                assert row["rate"] is None


def test_community_and_cpd_counts_are_suppressed_too(data, planted):
    export = {t.key: shared_table(t) for t in selectors.indicator_tables(ReportFilters())}
    values = {row["indicator"]: row["value"] for row in export["cpd_community"].rows}
    assert values["Active community members"] == SUPPRESSED  # 2 people
    assert values["Questions asked"] == SUPPRESSED
    assert values["Median hours to a first answer"] is None  # from one answer


def test_secondary_suppression_hides_enough_in_each_column():
    """Cambodia 4 is hidden; the total 37 is shown: hiding Cambodia alone would give it
    back (37 - 11 - 22 = 4), so the smallest other cell is hidden too and the two hide
    15 together."""
    table = Table(
        "participants_country",
        "By country",
        [Column("group", "Group"), Column("participants", "Participants", count=True)],
        [
            {"group": "Cambodia", "participants": 4},
            {"group": "Jordan", "participants": 11},
            {"group": "Vietnam", "participants": 22},
        ],
    )
    shared = {row["group"]: row["participants"] for row in shared_table(table).rows}
    assert shared == {"Cambodia": SUPPRESSED, "Jordan": SUPPRESSED, "Vietnam": 20}
