"""Every indicator checked against values worked out by hand from the data set in
conftest.py, and a query budget that does not grow with the data."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Locale

from lms.reports import selectors
from lms.reports.filters import ReportFilters, parse_filters
from tests.accounts.factories import UserFactory, country_staff, global_admin
from tests.reports.conftest import add_learners
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db


def by(rows, key):
    return {row[key]: row for row in rows}


def test_participants_and_completions(data):
    everyone = ReportFilters()
    assert selectors.participation_totals(everyone) == {
        "participants": 5,
        "enrolments": 5,
        "completions": 3,
    }
    gender = by(selectors.participation_by(everyone, "gender"), "value")
    assert (gender["woman"]["participants"], gender["woman"]["completions"]) == (3, 3)
    assert (gender["man"]["participants"], gender["man"]["completions"]) == (2, 0)
    role = by(selectors.participation_by(everyone, "role"), "value")
    assert (role["worker"]["participants"], role["worker"]["completions"]) == (3, 2)
    assert (role["supervisor"]["participants"], role["supervisor"]["completions"]) == (1, 1)
    assert (role["manager"]["participants"], role["manager"]["completions"]) == (1, 0)
    per_country = by(selectors.participation_by(everyone, "country"), "value")
    assert per_country["vn"]["participants"] == 4
    assert per_country["jo"]["participants"] == 1


def test_filters_narrow_the_figures(data):
    vn = country("vn")
    assert selectors.participation_totals(ReportFilters(country=vn))["participants"] == 4
    assert selectors.participation_totals(ReportFilters(role="worker"))["participants"] == 3
    women_vn = ReportFilters(country=vn, gender="woman")
    assert selectors.participation_totals(women_vn) == {
        "participants": 2,
        "enrolments": 2,
        "completions": 2,
    }
    migrants = ReportFilters(migrant_status="migrant")
    assert selectors.participation_totals(migrants)["participants"] == 1
    assert selectors.participation_totals(ReportFilters(cohort=data.cohort_y))["participants"] == 1
    future = ReportFilters(since=dt.date.today() + dt.timedelta(days=1))
    assert selectors.participation_totals(future)["participants"] == 0


def test_training_days_against_allocation(data):
    rows = by(selectors.training_days(ReportFilters()), "name")
    assert rows["Saigon Garments"]["delivered"] == 3
    assert rows["Saigon Garments"]["used_percent"] == 30
    assert rows["Irbid Apparel"]["delivered"] == 1
    assert rows["Irbid Apparel"]["used_percent"] == 25


def test_coverage_against_targets(data):
    rows = {(r["country_code"], r["role"]): r for r in selectors.coverage(ReportFilters())}
    vn_workers = rows[("vn", "worker")]
    assert (vn_workers["people"], vn_workers["trained"]) == (5, 2)
    assert vn_workers["coverage_percent"] == 40
    assert vn_workers["target_percent"] == 20
    assert vn_workers["met"]
    assert rows[("vn", "supervisor")]["target_percent"] == 50
    # The manager enrolled and was marked absent: enrolled is not trained.
    assert rows[("vn", "manager")]["coverage_percent"] == 0
    jo_workers = rows[("jo", "worker")]
    assert jo_workers["target_percent"] == 30  # the country's own target
    assert jo_workers["coverage_percent"] == 100
    jo_managers = rows[("jo", "manager")]
    assert (jo_managers["people"], jo_managers["trained"], jo_managers["met"]) == (1, 0, False)


def test_knowledge_gain_per_course(data):
    (row,) = selectors.knowledge_gain(ReportFilters())
    assert row["course_id"] == data.course.pk
    assert (row["pre"], row["post"], row["gain"]) == (50.0, 85.0, 35.0)
    assert row["learners"] == 2
    (man,) = selectors.knowledge_gain(ReportFilters(gender="man"))
    assert (man["pre"], man["post"], man["gain"]) == (60.0, 90.0, 30.0)


def test_knowledge_gain_per_question(data):
    assert selectors.knowledge_gain_per_question(ReportFilters()) == []
    first, second = selectors.knowledge_gain_per_question(ReportFilters(course=data.course))
    assert first["question"] == "Who pays for protective equipment?"
    assert (first["pre"], first["post"], first["post_answers"]) == (50.0, 100.0, 2)
    assert (second["pre"], second["post"]) == (50.0, 50.0)
    tables = {t.key for t in selectors.indicator_tables(ReportFilters(course=data.course))}
    assert "knowledge_gain_questions" in tables


def test_attendance_rate(data):
    rows = by(selectors.attendance(ReportFilters()), "country_code")
    # vn: 3 sessions x 4 learners = 12 expected; 3 + 2 + 1 present (an absence not counted)
    assert (rows["vn"]["present"], rows["vn"]["expected"], rows["vn"]["rate"]) == (6, 12, 50.0)
    assert (rows["jo"]["present"], rows["jo"]["expected"], rows["jo"]["rate"]) == (1, 1, 100.0)


def test_certificates_and_cpd_hours(data):
    rows = by(selectors.certificates(ReportFilters()), "country_code")
    assert rows["vn"]["issued"] == 2
    assert rows["vn"]["active"] == 1
    assert rows["vn"]["revoked"] == 1
    assert rows["jo"]["issued"] == 1
    assert rows["jo"]["active"] == 1
    (only_vn,) = selectors.certificates(ReportFilters(country=country("vn")))
    assert only_vn["issued"] == 2
    assert selectors.cpd_hours(ReportFilters()) == Decimal("15")
    assert selectors.cpd_hours(ReportFilters(country=country("vn"))) == Decimal("12")


def test_media_reach_and_community(data):
    reach = {(r["language"], r["country_code"]): r for r in selectors.media_reach(ReportFilters())}
    assert (reach[("vi", "vn")]["views"], reach[("vi", "vn")]["completions"]) == (3, 1)
    assert reach[("ar", "jo")]["views"] == 2
    summary = selectors.community_activity(ReportFilters(country=country("vn")))
    assert summary["active_members"] == 2
    assert summary["questions_asked"] == 1
    assert summary["questions_answered"] == 1
    assert summary["median_time_to_first_answer"] == dt.timedelta(hours=2)


def test_country_staff_see_only_their_country(data):
    filters, _form = parse_filters(QueryDict(""), user=country_staff("jo"))
    assert filters.country == country("jo")
    assert selectors.participation_totals(filters)["participants"] == 1
    with pytest.raises(PermissionDenied):
        parse_filters(QueryDict("country=vn"), user=country_staff("jo"))
    with pytest.raises(PermissionDenied):
        parse_filters(QueryDict(""), user=UserFactory(roles=["worker"]))
    everyone, _form = parse_filters(QueryDict(""), user=global_admin())
    assert everyone.country is None


def test_bad_filters_are_reported_and_ignored(data):
    filters, form = parse_filters(
        QueryDict("since=2026-05-01&until=2026-01-01&gender=robot"), user=global_admin()
    )
    assert "until" in form.errors
    assert "gender" in form.errors
    assert filters.until is None
    assert filters.gender == ""
    assert filters.since == dt.date(2026, 5, 1)


def _queries(filters):
    with CaptureQueriesContext(connection) as captured:
        tables = selectors.indicator_tables(filters)
    return len(captured), tables


@pytest.mark.parametrize("scope", ["global", "country"])
def test_indicator_queries_do_not_grow_with_the_data(data, scope, django_assert_max_num_queries):
    filters = ReportFilters(country=country("vn") if scope == "country" else None)
    small, _tables = _queries(filters)
    add_learners(data.course, data.cohort_x, "vn", 30, organisation=data.org_a)
    with django_assert_max_num_queries(small):
        large_tables = selectors.indicator_tables(filters)
    summary = {row["indicator"]: row["value"] for row in large_tables[0].rows}
    assert summary["Participants trained"] == (34 if scope == "country" else 35)
    # Participants come from enrolments and presences, completions from their own
    # snapshots (issue 16): two queries per participation table more than before.
    assert small <= 26


def test_person_filters_reach_certificates_cpd_and_community(data):
    trainers = ReportFilters(role="trainer")
    rows = by(selectors.certificates(trainers), "country_code")
    assert (rows["vn"]["issued"], rows["vn"]["active"], rows["vn"]["revoked"]) == (2, 1, 1)
    assert selectors.cpd_hours(trainers) == Decimal("15")
    assert selectors.certificates(ReportFilters(role="worker")) == []
    assert selectors.cpd_hours(ReportFilters(role="worker")) == Decimal("0")
    # The course filter means the people enrolled in it: w1 and s1 wrote in the forum.
    enrolled = ReportFilters(course=data.course)
    assert selectors.community_activity(enrolled)["active_members"] == 2
    assert selectors.certificates(enrolled) == []
    women_of_a = ReportFilters(organisation=data.org_a, gender="woman")
    assert selectors.community_activity(women_of_a)["active_members"] == 2
    assert selectors.community_activity(women_of_a)["questions_asked"] == 1
    men = ReportFilters(gender="man")
    assert selectors.community_activity(men)["active_members"] == 0


def test_certificates_issued_count_the_period_and_states_its_end(data):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    rows = by(selectors.certificates(ReportFilters(since=tomorrow)), "country_code")
    # Nothing was issued from tomorrow on, but yesterday's certificates still stand then.
    assert (rows["vn"]["issued"], rows["vn"]["active"]) == (0, 1)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    assert selectors.certificates(ReportFilters(until=yesterday)) == []


def test_reach_says_it_follows_only_period_and_country(data):
    def reach_table(filters):
        return next(t for t in selectors.indicator_tables(filters) if t.key == "media_reach")

    assert reach_table(ReportFilters()).note == ""
    narrowed = reach_table(ReportFilters(gender="woman"))
    assert "period and country filters only" in narrowed.note
    assert sum(row["views"] for row in narrowed.rows) == 5


def test_course_titles_follow_the_viewers_language(data):
    from django.utils import translation

    ar = data.course.copy_for_translation(Locale.objects.get(language_code="ar"), copy_parents=True)
    ar.title = "السلامة من الحرائق"
    ar.save_revision().publish()
    with translation.override("ar"):
        (row,) = selectors.knowledge_gain(ReportFilters())
    assert row["course"] == "السلامة من الحرائق"
    with translation.override("vi"):
        (row,) = selectors.knowledge_gain(ReportFilters())
    assert row["course"] == data.course.title
