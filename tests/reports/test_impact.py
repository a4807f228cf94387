"""Impact indicators beyond training (issue 19, parts 1 and 4): each on a small data set whose
expected values are worked out by hand below, at the four levels (factory, industry,
country, programme), with the suppression rule of shared exports; the dashboard's and the
exports' permissions and query budgets.

The data set (``impact`` fixture). One instrument of four questions:
Q.1 child labourers (publicly reported), Q.2 hazardous work (same cluster: child labour),
Q.3 coercion (forced labour), Q.4 regular hours (working time, publicly reported).

=========  ================  =================================  ==============================
factory    country, sector   published independent assessments  non-compliant questions
=========  ================  =================================  ==============================
A          vn, garment       cycle 1 2024-03-01; 2 2025-03-01   c1: Q.1, Q.3  c2: Q.4
B          vn, garment       cycle 1 2025-04-01                 none
C          vn, footwear      cycle 1 2025-05-01                 Q.1, Q.2, Q.3
D          jo, garment       cycle 1 2024-06-01; 2 2025-06-01   c1: Q.3       c2: Q.2, Q.3
=========  ================  =================================  ==============================

Latest: A {regular hours}, B {}, C {child labourers, hazardous, coercion},
D {hazardous, coercion}.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from defusedxml import ElementTree
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from compliance.models import PlanAction
from courses import services as course_services
from lms.reports.disclosure import SUPPRESSED, shared_table
from lms.reports.filters import ReportFilters
from lms.reports.impact import (
    compliance_by_cluster,
    compliance_by_cycle,
    compliance_by_point,
    compliance_change,
    compliance_summary,
    economic_figures,
    employment,
    factory_against_country,
    factory_training,
    impact_tables,
    productivity_by_country,
    productivity_by_year,
    remediation,
)
from lms.reports.models import CountryEconomicFigure, ReportExport
from lms.reports.tasks import export_build
from lms.taxonomy.models import Cluster, CompliancePoint, Sector
from tests.accounts.factories import OrganisationFactory, UserFactory, country_staff, global_admin
from tests.compliance.factories import (
    FactoryFactory,
    MonthlyFiguresFactory,
    PlanActionFactory,
    instrument_with_questions,
    published_assessment,
)
from tests.courses import factories as courses
from tests.reports.test_dashboard import denied, sign_in
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db

POINTS = ("child-labourers", "hazardous-work", "coercion", "regular-hours")


def sector(code):
    return Sector.objects.canonical().get(code=code)


def point(code):
    return CompliancePoint.objects.canonical().get(code=code).pk


def cluster(code):
    return Cluster.objects.canonical().get(code=code).pk


def make_factory(name, code, sector_code, **kwargs):
    organisation = OrganisationFactory(
        name=name, country=country(code), sector=sector(sector_code), kind="factory"
    )
    return FactoryFactory(organisation=organisation, legal_name=f"{name} Co., Ltd.", **kwargs)


def publish(factory, instrument, cycle, starts_on, non_compliant=()):
    return published_assessment(
        factory,
        instrument=instrument,
        cycle=cycle,
        starts_on=starts_on,
        non_compliant_codes=non_compliant,
    )


def by(rows, key):
    return {row[key]: row for row in rows}


@pytest.fixture
def impact(home_page, settings, tmp_path):
    from types import SimpleNamespace

    settings.MEDIA_ROOT = tmp_path
    instrument = instrument_with_questions(4, points=POINTS)
    a = make_factory("Alpha Garments", "vn", "garment", workers_women=780, workers_men=220)
    b = make_factory(
        "Bravo Garments",
        "vn",
        "garment",
        workers_women=100,
        workers_men=50,
        workers_other=2,
        workers_migrant=10,
    )
    c = make_factory("Charlie Footwear", "vn", "footwear", workers_women=780, workers_men=220)
    d = make_factory("Delta Apparel", "jo", "garment", workers_women=300, workers_men=100)
    publish(a, instrument, 1, dt.date(2024, 3, 1), ("Q.1", "Q.3"))
    publish(a, instrument, 2, dt.date(2025, 3, 1), ("Q.4",))
    publish(b, instrument, 1, dt.date(2025, 4, 1))
    publish(c, instrument, 1, dt.date(2025, 5, 1), ("Q.1", "Q.2", "Q.3"))
    publish(d, instrument, 1, dt.date(2024, 6, 1), ("Q.3",))
    publish(d, instrument, 2, dt.date(2025, 6, 1), ("Q.2", "Q.3"))

    # Remediation: A has 4 actions due in 2025 (2 on time, 1 late, 1 open), D 1 on time;
    # an action due after today is not counted yet.
    done, verified, open_ = PlanAction.Status.DONE, PlanAction.Status.VERIFIED, "open"
    for factory_, due, status, done_on in (
        (a, dt.date(2025, 5, 1), done, dt.date(2025, 4, 20)),
        (a, dt.date(2025, 5, 1), verified, dt.date(2025, 5, 10)),
        (a, dt.date(2025, 6, 1), open_, None),
        (a, dt.date(2025, 7, 1), done, dt.date(2025, 7, 1)),
        (d, dt.date(2025, 8, 1), done, dt.date(2025, 7, 1)),
        (d, timezone.localdate() + dt.timedelta(days=30), open_, None),
    ):
        PlanActionFactory(plan__factory=factory_, due_on=due, status=status, done_on=done_on)

    # Monthly figures (absenteeism 4.0, turnover 3.5, overtime 22.0, one lost-time accident
    # for 1,000 employed each month unless said otherwise).
    for factory_, month, efficiency, defect in (
        (a, dt.date(2024, 1, 1), "60", "3.0"),
        (a, dt.date(2024, 2, 1), "64", "2.0"),
        (a, dt.date(2025, 1, 1), "70", "1.0"),
        (b, dt.date(2024, 1, 1), "50", "4.0"),
        (b, dt.date(2025, 1, 1), "80", "2.0"),
        (b, dt.date(2025, 2, 1), "90", None),
        (d, dt.date(2025, 1, 1), "40", "5.0"),
    ):
        MonthlyFiguresFactory(
            factory=factory_,
            month=month,
            efficiency_percent=Decimal(efficiency),
            defect_percent=Decimal(defect) if defect else None,
        )

    # Training for A: 3 sessions in 2025 (allocation 10 days); of its 2 managers one
    # attended a session, its supervisor none.
    a.organisation.training_days_allocation = Decimal("10")
    a.organisation.save()
    course = courses.programme(courses.section(home_page), modules=1, lessons=1, checks=0)
    trainer = courses.trainer("vn")
    cohort = courses.cohort(course, trainers=[trainer], code="vn", organisation=a.organisation)
    manager = UserFactory(country=country("vn"), roles=["manager"], organisation=a.organisation)
    UserFactory(country=country("vn"), roles=["manager"], organisation=a.organisation)
    UserFactory(country=country("vn"), roles=["supervisor"], organisation=a.organisation)
    courses.enrol(course, [manager], cohort)
    sessions = [
        courses.session(cohort, starts_at=timezone.make_aware(dt.datetime(2025, 5, day, 9)))
        for day in (5, 6, 7)
    ]
    course_services.attendance_mark(
        session=sessions[0], learner=manager, present=True, marked_by=trainer
    )

    CountryEconomicFigure.objects.create(
        country=country("vn"),
        year=2024,
        kind="exports",
        value=Decimal("44000"),
        unit="USD million",
        source="General Statistics Office of Viet Nam, Statistical Yearbook 2024",
    )
    CountryEconomicFigure.objects.create(
        country=country("jo"),
        year=2024,
        kind="fdi",
        value=Decimal("1200"),
        unit="USD million",
        source="Central Bank of Jordan, Annual Report 2024",
    )
    return SimpleNamespace(instrument=instrument, a=a, b=b, c=c, d=d, course=course)


def levels(data):
    """The four levels, as filters."""
    return {
        "factory": ReportFilters(organisation=data.a.organisation),
        "industry": ReportFilters(country=country("vn"), sector=sector("garment")),
        "country": ReportFilters(country=country("vn")),
        "programme": ReportFilters(),
    }


# --- compliance ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "factories", "any_non_compliant", "any_public", "per_factory"),
    [
        # A alone: its latest has regular hours (publicly reported) non-compliant.
        ("factory", 1, 1, 1, 1.0),
        # A and B: 1 + 0 points over 2 factories.
        ("industry", 2, 1, 1, 0.5),
        # A, B, C: 1 + 0 + 3 = 4 points over 3; A (Q.4) and C (Q.1) on public issues.
        ("country", 3, 2, 2, 1.3),
        # Every factory: 1 + 0 + 3 + 2 = 6 points over 4; D's are not public.
        ("programme", 4, 3, 2, 1.5),
    ],
)
def test_the_compliance_summary_at_each_level(
    impact, level, factories, any_non_compliant, any_public, per_factory
):
    summary = compliance_summary(levels(impact)[level])
    assert summary["factories"] == factories
    assert summary["any_non_compliant"] == any_non_compliant
    assert summary["any_public"] == any_public
    assert summary["points_per_factory"] == per_factory


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        # point: (factories assessed, non-compliant, rate %)
        (
            "factory",
            {"child-labourers": (1, 0, 0.0), "regular-hours": (1, 1, 100.0)},
        ),
        ("industry", {"coercion": (2, 0, 0.0), "regular-hours": (2, 1, 50.0)}),
        (
            "country",
            {
                "child-labourers": (3, 1, 33.3),
                "coercion": (3, 1, 33.3),
                "regular-hours": (3, 1, 33.3),
            },
        ),
        (
            "programme",
            {
                "child-labourers": (4, 1, 25.0),
                "hazardous-work": (4, 2, 50.0),
                "coercion": (4, 2, 50.0),
                "regular-hours": (4, 1, 25.0),
            },
        ),
    ],
)
def test_non_compliance_rate_per_compliance_point(impact, level, expected):
    rows = by(compliance_by_point(levels(impact)[level]), "compliance_point_id")
    for code, (assessed, non_compliant, rate) in expected.items():
        row = rows[point(code)]
        assert (row["factories"], row["non_compliant"], row["rate"]) == (
            assessed,
            non_compliant,
            rate,
        ), code


def test_non_compliance_per_cluster_counts_factories_with_any_point_of_it(impact):
    # Programme: child labour = C (2 points) and D (hazardous) → 2 of 4 factories, 3 points.
    rows = by(compliance_by_cluster(ReportFilters()), "cluster_id")
    child = rows[cluster("child-labour")]
    assert (child["factories"], child["non_compliant"], child["rate"]) == (4, 2, 50.0)
    assert child["points"] == 3
    working_time = rows[CompliancePoint.objects.get(pk=point("regular-hours")).cluster_id]
    assert (working_time["non_compliant"], working_time["rate"]) == (1, 25.0)
    # Country (A, B, C): child labour only at C.
    rows = by(compliance_by_cluster(ReportFilters(country=country("vn"))), "cluster_id")
    assert rows[cluster("child-labour")]["rate"] == 33.3
    assert rows[cluster("child-labour")]["points_per_factory"] == 0.7  # 2 points / 3


def test_share_of_factories_non_compliant_on_publicly_reported_issues(impact):
    rows = [r for r in compliance_by_point(ReportFilters()) if r["publicly_reported"]]
    assert {r["compliance_point_id"] for r in rows} == {
        point("child-labourers"),
        point("regular-hours"),
    }
    found = by(rows, "compliance_point_id")
    assert found[point("child-labourers")]["public_rate"] == 25.0  # C of 4
    assert found[point("regular-hours")]["public_rate"] == 25.0  # A of 4
    jordan = by(compliance_by_point(ReportFilters(country=country("jo"))), "compliance_point_id")
    assert jordan[point("child-labourers")]["public_rate"] == 0.0


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        # A: 2 points in cycle 1 → 1 in cycle 2 (improved).
        ("factory", {"factories": 1, "first": 2.0, "latest": 1.0, "change": -1.0, "improved": 1}),
        ("industry", {"factories": 1, "first": 2.0, "latest": 1.0, "change": -1.0, "improved": 1}),
        ("country", {"factories": 1, "first": 2.0, "latest": 1.0, "change": -1.0, "worsened": 0}),
        # A 2 → 1 and D 1 → 2: the means stay at 1.5, one improved and one worsened.
        (
            "programme",
            {
                "factories": 2,
                "first": 1.5,
                "latest": 1.5,
                "change": 0.0,
                "improved": 1,
                "worsened": 1,
            },
        ),
    ],
)
def test_change_between_first_and_latest_cycle(impact, level, expected):
    change = compliance_change(levels(impact)[level])
    assert {key: change[key] for key in expected} == expected


def test_the_period_chooses_the_assessments(impact):
    # Up to the end of 2024: A cycle 1 {child labourers, coercion}, D cycle 1 {coercion}.
    until_2024 = ReportFilters(until=dt.date(2024, 12, 31))
    summary = compliance_summary(until_2024)
    assert (summary["factories"], summary["points_per_factory"]) == (2, 1.5)
    assert (
        by(compliance_by_point(until_2024), "compliance_point_id")[point("coercion")]["rate"]
        == 100.0
    )
    # From 2025 on, nobody has two cycles in the period.
    assert compliance_change(ReportFilters(since=dt.date(2025, 1, 1)))["factories"] == 0


def test_the_trend_over_cycles(impact):
    rows = by(compliance_by_cycle(ReportFilters()), "cycle")
    # Cycle 1: A 2, B 0, C 3, D 1 points; A and C on public issues.
    assert (rows[1]["factories"], rows[1]["points_per_factory"], rows[1]["public_rate"]) == (
        4,
        1.5,
        50.0,
    )
    # Cycle 2: A 1, D 2 points; A on a public issue.
    assert (rows[2]["factories"], rows[2]["points_per_factory"], rows[2]["public_rate"]) == (
        2,
        1.5,
        50.0,
    )


# --- remediation, productivity, employment, economic figures, training -------------------


def test_remediation_is_the_share_of_actions_done_by_their_due_date(impact):
    rows = by(remediation(ReportFilters()), "country_code")
    assert {k: rows["vn"][k] for k in ("due", "on_time", "late", "open", "on_time_rate")} == {
        "due": 4,
        "on_time": 2,  # done 20 April for 1 May, and done on its due day
        "late": 1,
        "open": 1,
        "on_time_rate": 50.0,
    }
    assert rows["jo"]["on_time_rate"] == 100.0  # the action due next month is not counted
    factory = remediation(levels(impact)["factory"])
    assert [(r["due"], r["on_time_rate"]) for r in factory] == [(4, 50.0)]
    assert (
        remediation(ReportFilters(since=dt.date(2025, 6, 1), country=country("vn")))[0]["due"] == 2
    )


@pytest.mark.parametrize(
    ("level", "year", "expected"),
    [
        # (factories, factory-months, median efficiency, median defect rate)
        ("factory", 2024, (1, 2, 62.0, 2.5)),  # A: 60, 64 | 3.0, 2.0
        ("industry", 2025, (2, 3, 80.0, 1.5)),  # A 70, B 80, 90 | 1.0, 2.0 (B's Feb unknown)
        ("country", 2024, (2, 3, 60.0, 3.0)),  # A 60, 64, B 50 | 3.0, 2.0, 4.0
        ("programme", 2025, (3, 4, 75.0, 2.0)),  # 70, 80, 90, 40 | 1.0, 2.0, 5.0
    ],
)
def test_productivity_and_quality_medians_by_year(impact, level, year, expected):
    rows = by(productivity_by_year(levels(impact)[level]), "year")
    row = rows[year]
    assert (row["factories"], row["months"], row["efficiency_percent"], row["defect_percent"]) == (
        expected
    )
    assert row["absenteeism_percent"] == 4.0
    assert row["accidents_per_100"] == 0.1  # 1 accident for 1,000 employed


def test_productivity_by_country_compares_countries(impact):
    rows = by(productivity_by_country(ReportFilters()), "country_code")
    # Viet Nam: 50, 60, 64, 70, 80, 90 → (64 + 70) / 2; defects 1, 2, 2, 3, 4 → 2.
    assert (rows["vn"]["efficiency_percent"], rows["vn"]["defect_percent"]) == (67.0, 2.0)
    assert (rows["jo"]["factories"], rows["jo"]["efficiency_percent"]) == (1, 40.0)


def test_employment_by_gender_from_the_factories_profiles(impact):
    rows = by(employment(ReportFilters()), "country_code")
    vn = rows["vn"]
    # 780 + 100 + 780 women, 220 + 50 + 220 men, 2 other: 2,152; 1,660 / 2,152 = 77.1 %.
    assert (vn["factories"], vn["women"], vn["men"], vn["other"], vn["total"]) == (
        3,
        1660,
        490,
        2,
        2152,
    )
    assert vn["women_share"] == 77.1
    assert employment(levels(impact)["industry"])[0]["total"] == 1000 + 152
    assert employment(levels(impact)["factory"])[0]["women_share"] == 78.0


def test_economic_figures_per_country_and_year_with_their_source(impact):
    figures = economic_figures(ReportFilters(country=country("vn")))
    assert [(f.year, f.kind, f.value, f.unit) for f in figures] == [
        (2024, "exports", Decimal("44000.00"), "USD million")
    ]
    assert "Statistical Yearbook" in figures[0].source
    assert len(economic_figures(ReportFilters())) == 2
    assert economic_figures(ReportFilters(since=dt.date(2025, 1, 1))) == []


def test_a_figure_without_a_source_is_refused(impact):
    figure = CountryEconomicFigure(
        country=country("vn"), year=2023, kind="fdi", value=Decimal("18500"), unit="USD million"
    )
    for source in ("", "   ", "x", "12345678"):
        figure.source = source
        with pytest.raises(ValidationError) as refused:
            figure.full_clean()
        assert "source" in refused.value.message_dict
    figure.source = "Ministry of Planning and Investment, FDI report 2023"
    figure.full_clean()


def test_training_per_factory_against_allocation_and_coverage(impact):
    rows = by(factory_training(ReportFilters(country=country("vn"))), "organisation")
    alpha = rows["Alpha Garments"]
    assert (alpha["delivered"], alpha["allocation"], alpha["used_percent"]) == (
        3,
        Decimal("10"),
        30.0,
    )
    assert (alpha["managers"], alpha["managers_trained"], alpha["managers_percent"]) == (2, 1, 50.0)
    assert (alpha["supervisors"], alpha["supervisors_trained"]) == (1, 0)
    assert rows["Bravo Garments"]["delivered"] == 0
    assert "Delta Apparel" not in rows
    # The period: nothing held in 2024.
    in_2024 = ReportFilters(since=dt.date(2024, 1, 1), until=dt.date(2024, 12, 31))
    assert by(factory_training(in_2024), "organisation")["Alpha Garments"]["managers_trained"] == 0


def test_human_development_is_a_hook_and_shows_no_made_up_numbers(impact):
    tables = {t.key: t for t in impact_tables(ReportFilters())}
    assert tables["human_development"].rows == []
    assert "worker surveys" in tables["human_development"].note


def test_human_development_tables_come_from_the_hook(impact):
    from wagtail import hooks

    from lms.reports.impact import HUMAN_DEVELOPMENT_HOOK
    from lms.reports.selectors import Column, Table

    def survey_tables(filters):
        return [Table("surveys", "Worker surveys", [Column("q", "Question")], [{"q": "Pay"}])]

    with hooks.register_temporarily(HUMAN_DEVELOPMENT_HOOK, survey_tables):
        keys = [t.key for t in impact_tables(ReportFilters())]
    assert "surveys" in keys
    assert "human_development" not in keys


# --- suppression ----------------------------------------------------------------------------


def test_shared_tables_suppress_small_counts_at_every_level(impact):
    for level, filters in levels(impact).items():
        tables = {t.key: shared_table(t) for t in impact_tables(filters)}
        for row in tables["compliance_clusters"].rows:
            # At most 4 factories at every level: counts hidden, no rate from them.
            assert row["factories"] == SUPPRESSED, level
            assert row["rate"] is None, level
        summary = tables["compliance_summary"].rows
        assert all(r["share"] is None for r in summary), level
        assert all(r["value"] is None for r in summary), level
        for row in tables["productivity_years"].rows:
            assert row["efficiency_percent"] is None, level


def test_shared_tables_round_and_recompute_from_published_counts(impact):
    # Five more Vietnamese garment factories, compliant: 8 in the industry.
    for n in range(5):
        extra = make_factory(f"Echo {n}", "vn", "garment")
        publish(extra, impact.instrument, 1, dt.date(2025, 2, 1))
    tables = {t.key: t for t in impact_tables(levels(impact)["country"])}
    clusters = tables["compliance_clusters"]
    shared = shared_table(clusters)
    raw_child = next(r for r in clusters.rows if r["cluster"] == "Child Labour")
    child = next(r for r in shared.rows if r["cluster"] == "Child Labour")
    assert raw_child["factories"] == 8
    assert raw_child["non_compliant"] == 1
    assert child["factories"] == 10  # 8 rounded to a multiple of 5
    assert child["non_compliant"] == SUPPRESSED
    assert child["rate"] is None
    summary = shared_table(tables["compliance_summary"]).rows
    assert summary[0]["factories"] == 10
    assert summary[0]["share"] == 100.0


# --- the dashboard and the exports ----------------------------------------------------------


def test_anonymous_visitors_and_workers_may_not_see_the_impact_dashboard(client, impact):
    response = client.get(reverse("reports_impact"))
    assert response.status_code == 302
    assert "login" in response["Location"]
    client.force_login(UserFactory(roles=["worker"]))
    assert denied(client.get(reverse("reports_impact")))
    assert denied(client.post(reverse("reports_export"), {"format": "csv", "subject": "impact"}))


def test_country_staff_see_only_their_country(client, impact, totp_for):
    sign_in(client, country_staff("jo"), totp_for)
    response = client.get(reverse("reports_impact"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Delta Apparel" in body  # training per factory
    assert "Alpha Garments" not in body
    assert "Central Bank of Jordan" in body
    assert "General Statistics Office" not in body
    assert denied(client.get(reverse("reports_impact"), {"country": "vn"}))
    # Another country's factory as the organisation filter is refused by the form.
    response = client.get(reverse("reports_impact"), {"organisation": impact.a.organisation.pk})
    assert response.context["form"].errors["organisation"]
    assert "Alpha Garments" not in response.content.decode()


def test_the_dashboard_draws_the_indicators_at_each_level(client, impact, totp_for):
    sign_in(client, global_admin(), totp_for)
    body = client.get(reverse("reports_impact")).content.decode()
    assert "Level: Programme." in body
    charts = re.findall(r"<svg class=\"reports-chart__svg\".*?</svg>", body, flags=re.S)
    titles = []
    for svg in charts:
        chart = ElementTree.fromstring(svg)
        titles.append(chart.find("{http://www.w3.org/2000/svg}title").text)
    assert any(t.startswith("Line chart: Compliance over the cycles") for t in titles)
    assert any(t.startswith("Line chart: Productivity and quality by year") for t in titles)
    assert any(t.startswith("Bar chart: Non-compliance by cluster") for t in titles)
    for query, level in (
        ({"organisation": impact.a.organisation.pk}, "Factory"),
        ({"country": "vn", "sector": "garment"}, "Industry (sector within a country)"),
        ({"country": "vn"}, "Country"),
    ):
        body = client.get(reverse("reports_impact"), query).content.decode()
        assert f"Level: {level}." in body


def test_the_dashboard_speaks_arabic_and_mirrors_its_charts(client, impact, totp_for):
    viewer = global_admin(preferred_language="ar")
    sign_in(client, viewer, totp_for)
    body = client.get(reverse("reports_impact")).content.decode()
    assert re.search(r'<html lang="ar" dir="rtl"', body)
    charts = re.findall(r"<svg class=\"reports-chart__svg\".*?</svg>", body, flags=re.S)
    assert charts
    assert all('direction="rtl"' in svg for svg in charts)


def add_factories(impact, count):
    """More factories with assessments, plan actions and monthly figures."""
    for n in range(count):
        extra = make_factory(f"Scale {n}", "vn", "garment")
        publish(extra, impact.instrument, 1, dt.date(2025, 2, 1), ("Q.2",))
        PlanActionFactory(plan__factory=extra, due_on=dt.date(2025, 3, 1), status="open")
        for month in (1, 2):
            MonthlyFiguresFactory(factory=extra, month=dt.date(2025, month, 1))


def test_the_dashboard_queries_do_not_grow_with_the_data(
    client, impact, totp_for, django_assert_max_num_queries
):
    sign_in(client, global_admin(), totp_for)
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("reports_impact")).status_code == 200
    add_factories(impact, 6)
    with django_assert_max_num_queries(len(small)):
        assert client.get(reverse("reports_impact")).status_code == 200


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_are_built_by_the_worker_in_constant_queries(
    impact, fmt, django_assert_max_num_queries
):
    admin = global_admin()

    def build(for_sharing=False):
        export = ReportExport.objects.create(
            requested_by=admin, format=fmt, subject="impact", for_sharing=for_sharing
        )
        export_build(export.pk)
        export.refresh_from_db()
        return export

    with CaptureQueriesContext(connection) as small:
        export = build()
    assert export.status == "ready", export.error
    assert export.file.name.endswith(f".{fmt}")
    if fmt == "csv":
        text = export.file.read().decode("utf-8-sig")
        assert "Non-compliance by compliance point" in text
        assert "Statistical Yearbook 2024" in text
        assert "Learner (pseudonym)" not in text
    add_factories(impact, 6)
    with django_assert_max_num_queries(len(small)):
        assert build(for_sharing=True).status == "ready"


def test_an_impact_export_is_requested_from_the_dashboard(
    client, impact, totp_for, django_capture_on_commit_callbacks
):
    staff = sign_in(client, country_staff("vn"), totp_for)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{reverse('reports_export')}?country=vn",
            {"format": "csv", "subject": "impact", "for_sharing": "on"},
        )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("reports_impact"))
    export = ReportExport.objects.get(requested_by=staff)
    assert (export.subject, export.status, export.for_sharing) == ("impact", "ready", True)
    text = export.file.read().decode("utf-8-sig")
    assert "Delta Apparel" not in text
    assert "<5" in text


# --- the factory page: its own indicators against its country's median --------------------


def test_a_factory_sees_its_indicators_against_its_countrys_median(impact):
    # Only 3 Vietnamese factories: no median is shown (fewer than 5 factories).
    rows = by(factory_against_country(impact.a), "key")
    assert rows["non_compliant_points"]["value"] == 1
    assert rows["non_compliant_points"]["median"] is None
    for n in range(3):
        extra = make_factory(f"Foxtrot {n}", "vn", "garment")
        publish(
            extra, impact.instrument, 1, dt.date(2025, 2, 1), ("Q.1", "Q.2", "Q.3", "Q.4")[: n + 1]
        )
    # Points: A 1, B 0, C 3, Foxtrot 1, 2, 3 → 0 1 1 2 3 3 → median (1 + 2) / 2.
    rows = by(factory_against_country(impact.a), "key")
    assert rows["non_compliant_points"]["median"] == 1.5
    assert rows["non_compliant_points"]["factories"] == 6
    assert rows["non_compliant_points"]["better"] is True  # fewer is better
    assert rows["efficiency_percent"]["median"] is None  # figures of 2 factories only


def test_the_factory_page_shows_the_comparison(client, impact, second_factor_for_everyone):
    for n in range(3):
        extra = make_factory(f"Golf {n}", "vn", "garment")
        publish(extra, impact.instrument, 1, dt.date(2025, 2, 1))
    client.force_login(country_staff("vn"))
    body = client.get(reverse("compliance:factory", args=[impact.a.pk])).content.decode()
    assert "Against the country" in body
    assert "Non-compliant points (latest assessment)" in body
    assert "Median of factories in the country" in body


def test_the_factory_pages_share_the_countrys_figures_until_they_change(
    client, impact, second_factor_for_everyone, django_capture_on_commit_callbacks
):
    client.force_login(country_staff("vn"))
    url = reverse("compliance:factory", args=[impact.a.pk])
    with CaptureQueriesContext(connection) as first:
        (panel,) = client.get(url).context["extra_panels"]
    assert "Median of factories in the country" in panel
    assert "cmp-good" not in panel  # three factories: no median to be better than
    with CaptureQueriesContext(connection) as second:
        client.get(reverse("compliance:factory", args=[impact.b.pk]))
    # Another factory of the country reads the kept figures: not the monthly figures again.
    assert any("compliance_monthlyfigures" in q["sql"] for q in first.captured_queries)
    assert not any("compliance_monthlyfigures" in q["sql"] for q in second.captured_queries)
    # Two more factories make five with a result: the median shows on the next request.
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(2):
            extra = make_factory(f"Hotel {n}", "vn", "garment")
            publish(extra, impact.instrument, 1, dt.date(2025, 2, 1), ("Q.1", "Q.2", "Q.3"))
    (panel,) = client.get(url).context["extra_panels"]
    expected = by(factory_against_country(impact.a), "key")["non_compliant_points"]
    assert (expected["factories"], expected["median"], expected["better"]) == (5, 3.0, True)
    assert "cmp-good" in panel


def test_the_page_shows_the_first_factories_and_the_export_has_them_all(
    client, impact, totp_for, monkeypatch
):
    from lms.reports import views

    monkeypatch.setattr(views, "PAGE_ROWS", 2)
    sign_in(client, global_admin(), totp_for)
    response = client.get(reverse("reports_impact"))
    panels = {table.key: table for table, _chart in response.context["panels"]}
    shown = panels["factory_training"]
    assert [row["organisation"] for row in shown.rows] == ["Delta Apparel", "Alpha Garments"]
    assert "The first 2 of 4 factories are shown; the export has every factory." in shown.note
    # The other tables are whole, and the whole table is what the export writes.
    assert len(panels["compliance_points"].rows) == 4
    whole = next(t for t in impact_tables(ReportFilters()) if t.key == "factory_training")
    assert len(whole.rows) == 4
    export = ReportExport.objects.create(
        requested_by=global_admin(), format="csv", subject="impact", filters={}
    )
    export_build(export.pk)
    export.refresh_from_db()
    with export.file.open("rb") as handle:
        written = handle.read().decode("utf-8-sig")
    assert all(name in written for name in ("Alpha", "Bravo", "Charlie", "Delta"))


@pytest.mark.parametrize("query", [{"organisation": "alpha"}, {"country": "vn"}])
def test_the_filtered_dashboard_queries_do_not_grow_with_the_data(
    client, impact, totp_for, django_assert_max_num_queries, query
):
    sign_in(client, global_admin(), totp_for)
    with CaptureQueriesContext(connection) as small:
        response = client.get(reverse("reports_impact"), query)
    assert not response.context["form"].errors
    add_factories(impact, 6)
    with django_assert_max_num_queries(len(small)):
        response = client.get(reverse("reports_impact"), query)
    assert response.status_code == 200
    assert not response.context["form"].errors
