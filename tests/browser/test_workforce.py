"""The factory manager's workforce page in a real browser: the manager signs in with their
second factor, finds the overdue worker, filters to overdue people without JavaScript, and axe
finds no serious accessibility problem."""

import datetime as dt

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone

from courses.training import training_requirement_create, training_requirements_apply
from lms.accounts.models import Role
from tests.accounts.factories import PASSWORD, OrganisationFactory, UserFactory
from tests.courses import factories as course_factories

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def manager(home_page):
    training = course_factories.section(home_page)
    refresher = course_factories.seminar(training, title="OSH refresher", lessons=1, questions=0)
    factory = OrganisationFactory(name="Dong Nai Footwear", training_days_allocation=16)
    UserFactory(organisation=factory, roles=["worker"], display_name="Trần Văn Hải")
    training_requirement_create(
        course=refresher,
        role=Role.objects.get(code="worker"),
        organisation=factory,
        due_within_days=30,
        recur_every_months=12,
    )
    training_requirements_apply(today=timezone.localdate() - dt.timedelta(days=45))
    person = UserFactory(organisation=factory, roles=["manager"], display_name="Phạm Thu Hà")
    TOTP.activate(person, SECRET)
    return person


def test_the_manager_reads_their_workforce_and_filters_the_overdue(
    live_server, page, axe, login, manager
):
    page.set_default_timeout(90_000)  # the first page of a cold live server, on a busy machine
    login(page, manager.username, PASSWORD)
    page.goto(f"{live_server.url}/en/workforce/")
    assert page.title().startswith("Workforce of Dong Nai Footwear")
    row = page.locator("tbody tr", has_text="Trần Văn Hải")
    assert "OSH refresher: overdue since" in row.inner_text()
    assert axe(page) == []

    page.check("#workforce-overdue")
    page.click(".workforce-filter [type=submit]")
    page.wait_for_load_state()
    assert "overdue=1" in page.url
    names = page.locator("tbody th[scope=row]").all_inner_texts()
    assert names == ["Trần Văn Hải"]
