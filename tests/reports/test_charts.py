"""The server-drawn bar charts: proportional bars, and a mirror image for right-to-left
languages."""

from lms.reports.charts import LABEL_WIDTH, WIDTH, bar_chart
from lms.reports.selectors import Column, Table


def table(rows):
    return Table(
        "t",
        "Title",
        [Column("name", "Name"), Column("a", "A"), Column("b", "B")],
        rows,
        "name",
        ["a", "b"],
    )


def test_bars_are_proportional_to_the_largest_value():
    chart = bar_chart(table([{"name": "x", "a": 10, "b": 5}, {"name": "y", "a": 0, "b": None}]))
    (a, b), (a0, b_none) = (g.bars for g in chart.groups)
    assert float(a.x) == LABEL_WIDTH
    assert float(b.width) == float(a.width) / 2
    assert float(a0.width) == 0
    assert (a.value, b.value, b_none.value) == ("10", "5", "–")
    assert chart.groups[0].label_x == "0"
    assert [item.label for item in chart.legend] == ["A", "B"]


def test_nothing_to_draw_gives_no_chart():
    assert bar_chart(table([])) is None


def test_right_to_left_charts_are_mirrored():
    rows = [{"name": "x", "a": 10, "b": 5}]
    ltr = bar_chart(table(rows))
    rtl = bar_chart(table(rows), rtl=True)
    assert rtl.rtl
    assert not ltr.rtl
    for plain, mirrored in zip(ltr.groups[0].bars, rtl.groups[0].bars, strict=True):
        assert float(mirrored.x) + float(mirrored.width) == WIDTH - float(plain.x)
        assert float(mirrored.value_x) == WIDTH - float(plain.value_x)
    assert float(rtl.groups[0].label_x) == WIDTH
    assert float(rtl.legend[0].x) == WIDTH - float(ltr.legend[0].x) - 12
