"""The factory manager's workforce page (issue 22.4): what the manager and HR see of their
own organisation, who is refused (anonymous, a worker, another factory's manager, another
country's staff), the second factor, the exports parsed back, and queries that do not grow
with the number of people."""

import csv
import datetime as dt
import io
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from certification.services import certificate_issue
from courses import services as course_services
from courses.models import TrainingAssignment
from courses.training import training_requirement_create, training_requirements_apply
from lms.accounts.models import Role
from tests.accounts.factories import OrganisationFactory, UserFactory, country_staff
from tests.certification.factories import CandidacyFactory
from tests.courses import factories as course_factories
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(home_page, django_capture_on_commit_callbacks):
    training = course_factories.section(home_page)
    refresher = course_factories.seminar(training, title="OSH refresher", lessons=1, questions=0)
    harassment = course_factories.seminar(training, title="Harassment prevention", lessons=1)
    factory_a = OrganisationFactory(name="Factory A", training_days_allocation=12)
    factory_b = OrganisationFactory(name="Factory B")
    manager = UserFactory(organisation=factory_a, roles=["manager"], display_name="Manager A")
    hr = UserFactory(organisation=factory_a, roles=["hr"], display_name="HR A")
    late = UserFactory(organisation=factory_a, roles=["worker"], display_name="Anh Late")
    done = UserFactory(organisation=factory_a, roles=["worker"], display_name="Binh Done")
    outsider = UserFactory(organisation=factory_b, roles=["worker"], display_name="Other Person")
    training_requirement_create(
        course=refresher,
        role=Role.objects.get(code="worker"),
        organisation=factory_a,
        due_within_days=30,
        recur_every_months=12,
    )
    training_requirements_apply(today=timezone.localdate() - dt.timedelta(days=40))
    with django_capture_on_commit_callbacks(execute=True):  # completion closes the cycle
        for lesson in refresher.get_descendants().specific():
            course_services.lesson_complete(learner=done, lesson=lesson, form_token=uuid.uuid4())
    course_services.enrolment_create(learner=done, course=harassment)
    trainer = course_factories.trainer()
    cohort = course_factories.cohort(refresher, trainers=[trainer], organisation=factory_a)
    for number in range(3):
        session = course_factories.session(
            cohort, starts_at=timezone.now() - dt.timedelta(hours=number + 1), title=f"S{number}"
        )
    course_services.enrolment_create(learner=done, course=refresher, cohort=cohort)
    course_services.attendance_mark(session=session, learner=done, present=True, marked_by=trainer)
    certificate_issue(candidacy=CandidacyFactory(candidate=done), approved=True)
    return {
        "factory_a": factory_a,
        "factory_b": factory_b,
        "manager": manager,
        "hr": hr,
        "late": late,
        "done": done,
        "outsider": outsider,
        "manager_b": UserFactory(organisation=factory_b, roles=["manager"]),
        "staff_vn": country_staff("vn"),
        "staff_kh": country_staff("kh"),
    }


def _url(world, name="portal:workforce", **kwargs):
    return reverse(name, kwargs={"organisation_id": world["factory_a"].pk, **kwargs})


@pytest.mark.parametrize("who", ["manager", "hr", "staff_vn"])
def test_the_manager_hr_and_the_countrys_staff_see_the_organisations_people(
    client, world, second_factor_for_everyone, who
):
    client.force_login(world[who])
    response = client.get(_url(world))
    assert response.status_code == 200
    rows = {str(row.person): row for row in response.context["rows"]}
    assert "Other Person" not in rows
    assert set(rows) == {"Manager A", "HR A", "Anh Late", "Binh Done"}
    late, done = rows["Anh Late"], rows["Binh Done"]
    assert [(item.title, item.overdue) for item in late.required] == [("OSH refresher", True)]
    assert done.required == []  # completed this cycle
    assert (len(done.courses), done.completed, done.sessions_attended) == (2, 1, 1)
    assert done.in_progress == ["Harassment prevention"]
    assert len(done.certificates) == 1
    summary = response.context["summary"]
    assert (summary.people, summary.people_overdue) == (4, 1)
    assert (summary.training_days_used, summary.training_days_allocation) == (3, 12)
    page = response.content.decode()
    assert "Anh Late" in page
    assert "overdue since" in page


@pytest.mark.parametrize("who", ["late", "manager_b", "staff_kh"])
def test_others_are_refused(client, world, second_factor_for_everyone, who):
    client.force_login(world[who])
    for url in (_url(world), _url(world, "portal:workforce_export", fmt="csv")):
        assert client.get(url).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    response = client.get(_url(world))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_the_page_needs_the_second_factor(client, world):
    client.force_login(world["manager"])  # no authenticator: asked to set one up
    response = client.get(_url(world))
    assert response.status_code == 302
    assert reverse("mfa_activate_totp") in response["Location"]


def test_a_manager_is_taken_to_their_own_organisation(client, world, second_factor_for_everyone):
    client.force_login(world["manager"])
    response = client.get(reverse("portal:workforce_home"))
    assert response["Location"] == _url(world)
    client.force_login(world["late"])
    assert client.get(reverse("portal:workforce_home")).status_code == 403


def test_staff_choose_among_their_countrys_organisations(client, world, second_factor_for_everyone):
    OrganisationFactory(name="Cambodian factory", country=country("kh"))
    client.force_login(world["staff_vn"])
    names = [o.name for o in client.get(reverse("portal:workforce_home")).context["page"]]
    assert {"Factory A", "Factory B"} <= set(names)
    assert "Cambodian factory" not in names


def test_the_overdue_filter_keeps_only_people_overdue(client, world, second_factor_for_everyone):
    client.force_login(world["manager"])
    response = client.get(_url(world), {"overdue": "1"})
    assert [str(row.person) for row in response.context["rows"]] == ["Anh Late"]


def test_the_csv_export_lists_everyone_with_formulas_neutralised(
    client, world, second_factor_for_everyone
):
    world["late"].display_name = "=HYPERLINK(1)"
    world["late"].save()
    client.force_login(world["manager"])
    response = client.get(_url(world, "portal:workforce_export", fmt="csv"))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Name"
    assert len(rows) == 5
    late = next(row for row in rows if row[0].startswith("'="))
    assert late[0] == "'=HYPERLINK(1)"
    assert "OSH refresher" in late[8]


def test_the_xlsx_export_opens_with_everyone(client, world, second_factor_for_everyone):
    client.force_login(world["hr"])
    response = client.get(_url(world, "portal:workforce_export", fmt="xlsx"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 5
    assert {row[0] for row in rows[1:]} == {"Manager A", "HR A", "Anh Late", "Binh Done"}


def test_an_unknown_export_format_is_not_found(client, world, second_factor_for_everyone):
    client.force_login(world["manager"])
    assert client.get(_url(world, "portal:workforce_export", fmt="pdf")).status_code == 404


def test_queries_do_not_grow_with_the_number_of_people(
    client, world, second_factor_for_everyone, django_assert_max_num_queries
):
    """Issue 14: at most ten queries, the same with 3 or 30 more people (session, person,
    organisation, roles, the summary, the page of people with their classes attended, their
    roles, enrolments, certificates, required training)."""
    client.force_login(world["manager"])
    client.get(_url(world))  # warm what each process keeps (taxonomy terms, sites)
    counts = []
    for extra, added in ((3, 3), (30, 27)):
        UserFactory.create_batch(added, organisation=world["factory_a"], roles=["worker"])
        training_requirements_apply(today=timezone.localdate() - dt.timedelta(days=40))
        assert TrainingAssignment.objects.count() >= extra
        with django_assert_max_num_queries(10) as captured:
            response = client.get(_url(world))
        assert len(response.context["rows"]) == 4 + extra
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_the_bench_data_set_builds_and_its_page_opens(
    client, home_page, monkeypatch, second_factor_for_everyone
):
    from bench.scenarios import workforce as bench_workforce

    monkeypatch.setattr(bench_workforce, "PEOPLE", 60)
    bench_workforce.prepare()
    bench_workforce.prepare()  # idempotent
    factory = bench_workforce._factory()
    assert factory.people.count() == 61
    manager = factory.people.get(username=bench_workforce.MANAGER)
    client.force_login(manager)
    response = client.get(bench_workforce.scenarios()[2].path)
    assert response.status_code == 200
    assert response.context["summary"].people_overdue == 20
    assert len(response.context["rows"]) == 20
