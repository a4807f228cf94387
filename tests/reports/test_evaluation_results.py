"""Evaluation results in the reports: per country, course and trainer, small groups
suppressed and not derivable from what is shown, scoped to the viewer's country; a trainer
sees their own averages only, and never a comment."""

import itertools

import pytest
from django.test import Client
from django.utils import timezone

from courses.evaluations.models import EvaluationAnswer
from lms.reports.disclosure import SUPPRESSED
from lms.reports.evaluations import evaluation_tables, trainer_tables
from tests.accounts.factories import UserFactory, country_staff, global_admin
from tests.courses import factories
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db

_comments = itertools.count()


@pytest.fixture
def training(home_page):
    return factories.section(home_page)


def answers(cohort, count, *, content=4, trainer=5, comment=""):
    for _n in range(count):
        EvaluationAnswer.objects.create(
            target="course",
            course=cohort.course,
            cohort=cohort,
            country=cohort.country,
            content_rating=content,
            trainer_rating=trainer,
            comment=comment and f"{comment} {next(_comments)}",
            month=timezone.localdate().replace(day=1),
        )


@pytest.fixture
def results(training):
    """Vietnam: course A 12 answers and D 6 (trainer Hoa), B 3 (Hoa); Cambodia: C 6."""
    hoa = factories.trainer("vn", display_name="Hoa")
    sok = factories.trainer("kh", display_name="Sok")
    courses = {
        name: factories.seminar(training, title=f"Course {name}", lessons=1) for name in "ABCD"
    }
    answers(factories.cohort(courses["A"], trainers=[hoa]), 12, content=4, comment="Clear")
    answers(factories.cohort(courses["B"], trainers=[hoa]), 3, content=1, comment="Tiny class")
    answers(factories.cohort(courses["D"], trainers=[hoa]), 6, content=3)
    answers(factories.cohort(courses["C"], trainers=[sok], code="kh"), 6, content=5)
    return {"hoa": hoa, "sok": sok, **courses}


def rows(table):
    return {row["label"]: row for row in table.rows}


def test_small_groups_are_suppressed_and_not_derivable_from_the_other_rows(results):
    by_country, by_course, by_trainer = evaluation_tables(country_id=country("vn").pk)
    courses = rows(by_course)
    assert set(courses) == {"Course A", "Course B", "Course D"}  # Cambodia's is not here
    assert courses["Course A"]["answers"] == 10  # rounded to 5
    assert str(courses["Course A"]["content"]) == "4.0"
    assert courses["Course B"]["answers"] == SUPPRESSED
    assert courses["Course B"]["content"] is None
    # B alone would be the country's total minus A and D: D is hidden with it.
    assert courses["Course D"]["answers"] == SUPPRESSED
    assert courses["Course D"]["content"] is None
    vietnam = rows(by_country)[country("vn").name]
    assert vietnam["answers"] == 20  # 21 answers, rounded
    assert rows(by_trainer)["Hoa"]["answers"] == 20


def test_global_staff_see_every_country(results):
    by_country, by_course, _by_trainer = evaluation_tables(country_id=None)
    assert set(rows(by_country)) == {country("vn").name, country("kh").name}
    courses = rows(by_course)
    assert courses["Course A"]["answers"] == 10
    assert courses["Course B"]["answers"] == SUPPRESSED
    # With B's three hidden, one more course (C or D, six answers each) hides with it.
    assert sorted(str(courses[f"Course {name}"]["answers"]) for name in "CD") == ["5", SUPPRESSED]


def test_a_trainer_sees_their_own_averages_with_small_groups_suppressed(results):
    total, per_course = trainer_tables(trainer=results["hoa"])
    assert total.rows[0]["answers"] == 20
    assert set(rows(per_course)) == {"Course A", "Course B", "Course D"}
    assert rows(per_course)["Course B"]["content"] is None
    (sok_total,) = trainer_tables(trainer=results["sok"])[0].rows
    assert sok_total["answers"] == 5
    assert str(sok_total["content"]) == "5.0"


def test_a_trainer_with_fewer_than_five_answers_sees_no_average(training):
    trainer = factories.trainer()
    course = factories.seminar(training, lessons=1)
    answers(factories.cohort(course, trainers=[trainer]), 4, trainer=1)
    (total,) = trainer_tables(trainer=trainer)[0].rows
    assert total["answers"] == SUPPRESSED
    assert total["content"] is None
    assert total["trainer"] is None


def sign_in(client, user, totp_for):
    totp_for(user)
    client.force_login(user)


def test_country_staff_see_their_country_with_comments_of_large_groups(client, results, totp_for):
    sign_in(client, country_staff("vn", is_staff=True), totp_for)
    response = client.get("/admin/reports/evaluations/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Course A" in html
    assert "Course C" not in html
    assert "Clear" in html
    assert "Tiny class" not in html  # a comment from a class of three stays hidden


def test_staff_of_another_country_are_refused_it(client, results, totp_for):
    sign_in(client, country_staff("kh", is_staff=True), totp_for)
    response = client.get(f"/admin/reports/evaluations/?country={country('vn').pk}")
    # Wagtail answers a refusal inside the admin with a redirect to its dashboard.
    assert response.status_code in (302, 403)
    assert response.status_code == 403 or response["Location"] == "/admin/"
    own = client.get("/admin/reports/evaluations/")
    assert own.status_code == 200


def test_people_without_reports_are_refused(client, results, totp_for):
    sign_in(client, UserFactory(roles=["worker"], is_staff=True), totp_for)
    assert client.get("/admin/reports/evaluations/").status_code in (302, 403)


def test_the_trainer_page_shows_their_own_only_and_no_comments(client, results):
    client.force_login(results["hoa"])
    html = client.get("/en/reports/evaluations/mine/").content.decode()
    assert "Course A" in html
    assert "Course C" not in html
    assert "Clear" not in html
    client.force_login(results["sok"])
    html = client.get("/en/reports/evaluations/mine/").content.decode()
    assert "Course C" in html
    assert "Course A" not in html


def test_the_trainer_page_is_refused_to_a_worker_and_asks_a_visitor_to_sign_in(client):
    client.force_login(factories.learner())
    assert client.get("/en/reports/evaluations/mine/").status_code == 403
    client.logout()
    response = client.get("/en/reports/evaluations/mine/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_results_pages_cost_ten_queries_at_most_however_many_answers(
    client, training, home_page, totp_for, django_assert_max_num_queries
):
    """Issue 14: the same queries with one course or eight, for global staff, for country
    staff who edit their country's section, and for a trainer's own page. The admin pages:
    session, person (with their roles and admin profile), permissions (country staff), the
    three tables, the comments, and the admin's own: locales, the explorer's start page
    (global staff) or page and collection permissions (country staff); the country choices
    come from the terms the process keeps (decision 0035)."""
    from lms.portal.services import country_page_create, country_page_permissions_grant

    trainer = factories.trainer("vn", display_name="Hoa")
    sign_in(client, global_admin(is_staff=True), totp_for)
    staff = Client()
    sign_in(staff, country_staff("vn", is_staff=True), totp_for)
    country_page_permissions_grant(
        page=country_page_create(parent=home_page, country=country("vn"), title="Viet Nam")
    )
    own = Client()
    own.force_login(trainer)
    counts, created = {}, 0
    for size in (1, 8):
        while created < size:
            course = factories.seminar(training, title=f"Course {created}", lessons=1)
            answers(factories.cohort(course, trainers=[trainer]), 5 + created, comment="Fine")
            created += 1
        pages = {}
        for who, reader in (("global", client), ("country", staff)):
            reader.get("/admin/reports/evaluations/")
            with django_assert_max_num_queries(10) as pages[who]:
                response = reader.get("/admin/reports/evaluations/")
            assert response.status_code == 200
            assert "Hoa" in response.content.decode()
            assert f"Course {size - 1}" in response.content.decode()
        own.get("/en/reports/evaluations/mine/")
        with django_assert_max_num_queries(10) as pages["trainer"]:
            response = own.get("/en/reports/evaluations/mine/")
        assert response.status_code == 200
        assert f"Course {size - 1}" in response.content.decode()
        counts[size] = {who: len(captured) for who, captured in pages.items()}
    assert counts[1] == counts[8]
