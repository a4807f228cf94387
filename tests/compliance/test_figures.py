"""Quality and productivity indicators: monthly figures refused with the reason when they
cannot be true, corrected by sending the month again, and drawn over time with the
assessments marked (mirrored in right-to-left languages)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from compliance import indicators
from compliance.models import MonthlyFigures
from tests.accounts.factories import OrganisationFactory, UserFactory, country_staff
from tests.compliance.factories import FactoryFactory, MonthlyFiguresFactory, published_assessment
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db

GOOD = {
    "employees_women": 780,
    "employees_men": 220,
    "employees_other": 0,
    "turnover_percent": Decimal("3.5"),
    "absenteeism_percent": Decimal("4.1"),
    "overtime_hours_per_worker": Decimal("20"),
    "efficiency_percent": Decimal("71.5"),
    "defect_percent": Decimal("2.2"),
    "lost_time_accidents": 1,
}


@pytest.fixture
def factory_():
    return FactoryFactory(organisation=OrganisationFactory(country=country("vn")))


def test_a_month_is_recorded_once_and_sending_it_again_corrects_it(factory_):
    month = datetime.date(2026, 5, 17)
    indicators.figures_record(factory=factory_, month=month, user=None, **GOOD)
    indicators.figures_record(
        factory=factory_, month=month, user=None, **{**GOOD, "efficiency_percent": Decimal("74")}
    )
    stored = MonthlyFigures.objects.get(factory=factory_)
    assert stored.month == datetime.date(2026, 5, 1)
    assert stored.efficiency_percent == Decimal("74")


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("efficiency_percent", Decimal("180"), "Efficiency above 150"),
        ("overtime_hours_per_worker", Decimal("400"), "not in total"),
        ("absenteeism_percent", Decimal("120"), "cannot be above 100"),
        ("lost_time_accidents", 5000, "more lost-time accidents than people"),
    ],
)
def test_implausible_figures_are_refused_with_the_reason(factory_, field, value, reason):
    with pytest.raises(ValidationError) as error:
        indicators.figures_record(
            factory=factory_,
            month=datetime.date(2026, 4, 1),
            user=None,
            **{**GOOD, field: value},
        )
    assert reason in " ".join(error.value.message_dict[field])
    assert not MonthlyFigures.objects.exists()


def test_a_month_in_the_future_is_refused(factory_):
    with pytest.raises(ValidationError, match="future"):
        indicators.figures_record(
            factory=factory_, month=datetime.date(2099, 1, 1), user=None, **GOOD
        )


def _months(factory_, count, start=datetime.date(2025, 1, 1)):
    rows = []
    for n in range(count):
        month = datetime.date(
            start.year + (start.month - 1 + n) // 12, (start.month - 1 + n) % 12 + 1, 1
        )
        rows.append(
            MonthlyFiguresFactory(factory=factory_, month=month, efficiency_percent=Decimal(60 + n))
        )
    return rows


def test_the_chart_marks_the_assessments_and_mirrors_for_right_to_left(factory_):
    figures = _months(factory_, 6)
    published = published_assessment(
        factory_, non_compliant_codes=("Q.1",), starts_on=datetime.date(2025, 3, 12)
    )
    published.non_compliant_points = 1
    chart = indicators.figures_chart(figures=figures, assessments=[published])
    efficiency = chart.series[0]
    assert len(efficiency.dots) == 6
    xs = [float(x) for x, _y, _v in efficiency.dots]
    assert xs == sorted(xs)  # time runs left to right
    assert [m.label for m in chart.markers] == ["Assessment 2025-03: 1 points non-compliant"]
    marker_x = float(chart.markers[0].x)
    assert xs[1] < marker_x + 0.01
    assert marker_x - 0.01 < xs[3]
    mirrored = indicators.figures_chart(figures=figures, assessments=[published], rtl=True)
    rxs = [float(x) for x, _y, _v in mirrored.series[0].dots]
    assert rxs == sorted(rxs, reverse=True)  # and right to left
    assert mirrored.rtl
    assert abs(float(mirrored.markers[0].x) - (indicators.WIDTH - marker_x)) < 0.1


def test_a_missing_month_breaks_the_line(factory_):
    figures = _months(factory_, 3) + _months(factory_, 2, start=datetime.date(2025, 6, 1))
    chart = indicators.figures_chart(figures=figures, assessments=[])
    assert len(chart.series[0].segments) == 2


def test_no_figures_no_chart():
    assert indicators.figures_chart(figures=[], assessments=[]) is None


# --- the page ----------------------------------------------------------------------------------


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_factory_records_a_month_and_a_wrong_value_comes_back_with_its_reason(factory_):
    manager = UserFactory(organisation=factory_.organisation, roles=["manager"])
    url = reverse("compliance:figures", args=[factory_.pk])
    typed = {
        **{k: str(v) for k, v in GOOD.items()},
        "month": "2026-04",
        "efficiency_percent": "185",
    }
    response = _client(manager).post(url, typed)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Efficiency above 150% is not plausible" in page
    assert 'value="185"' in page
    assert 'value="2026-04"' in page
    assert not MonthlyFigures.objects.exists()
    typed["efficiency_percent"] = "72.5"
    response = _client(manager).post(url, typed)
    assert response.status_code == 302
    assert MonthlyFigures.objects.get().efficiency_percent == Decimal("72.5")


@pytest.mark.parametrize("who", ["worker", "other_manager", "other_staff"])
def test_others_may_neither_see_nor_record_figures(factory_, totp_for, who):
    person = {
        "worker": lambda: UserFactory(organisation=factory_.organisation, roles=["worker"]),
        "other_manager": lambda: UserFactory(roles=["manager"]),
        "other_staff": lambda: totp_for(country_staff("jo")),
    }[who]()
    url = reverse("compliance:figures", args=[factory_.pk])
    assert _client(person).get(url).status_code == 403
    assert _client(person).post(url, {"month": "2026-04", **GOOD}).status_code == 403
    assert not MonthlyFigures.objects.exists()


def test_country_staff_see_the_chart_without_a_form_to_change_it_unless_they_may(
    factory_, totp_for
):
    staff = totp_for(country_staff("vn"))
    _months(factory_, 3)
    response = _client(staff).get(reverse("compliance:figures", args=[factory_.pk]))
    assert response.status_code == 200
    assert "<svg" in response.content.decode()


def test_the_chart_is_mirrored_on_the_arabic_page(factory_):
    manager = UserFactory(organisation=factory_.organisation, roles=["manager"])
    _months(factory_, 3)
    with translation.override("ar"):
        url = reverse("compliance:figures", args=[factory_.pk])
    response = _client(manager).get(url)
    assert response.status_code == 200
    assert 'direction="rtl"' in response.content.decode()


def test_the_figures_page_queries_do_not_grow_with_the_months(
    factory_, django_assert_max_num_queries
):
    manager = UserFactory(organisation=factory_.organisation, roles=["manager"])
    client = _client(manager)
    url = reverse("compliance:figures", args=[factory_.pk])
    _months(factory_, 2)
    client.get(url)  # warm what each process keeps
    with django_assert_max_num_queries(10) as small:
        assert client.get(url).status_code == 200
    _months(factory_, 30, start=datetime.date(2022, 1, 1))
    with django_assert_max_num_queries(10) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
