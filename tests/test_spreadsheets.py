"""Formula injection (issue 16): every CSV and XLSX cell that starts with =, +, -, @, a tab
or a carriage return is neutralised through one function, in every room's exports."""

import pytest

from lms.spreadsheets import neutralise, safe_row

HOSTILE = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("text", HOSTILE)
def test_text_a_spreadsheet_would_run_is_neutralised(text):
    assert neutralise(text) == "'" + text


def test_other_values_pass_unchanged():
    assert safe_row(["Lan", "", None, -3, 2.5, "a=b", "5"]) == [
        "Lan",
        "",
        None,
        -3,
        2.5,
        "a=b",
        "5",
    ]
