"""Sessions that take sign-ups, and the people around them (learners of one factory, its
manager, the trainer), for the sign-up and calendar tests."""

import datetime as dt

from django.utils import timezone

from courses import registration_services
from courses.models import ClassSession
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.courses import factories
from tests.taxonomy.factories import country


def signup_session(
    cohort, *, capacity=5, starts_in=dt.timedelta(days=7), title="OSH seminar", **fields
) -> ClassSession:
    starts_at = timezone.now() + starts_in
    session = factories.session(cohort, starts_at=starts_at, title=title)
    return registration_services.session_signup_configure(
        session=session, capacity=capacity, **fields
    )


def seminar_world(home_page, *, code="vn", organisation=None, self_enrolment=True):
    """A seminar with a cohort open to a factory, its trainer, and the factory's manager."""
    training = factories.section(home_page)
    seminar = factories.seminar(training, self_enrolment=self_enrolment)
    organisation = organisation or OrganisationFactory(country=country(code))
    trainer = factories.trainer(code)
    cohort = factories.cohort(seminar, trainers=[trainer], code=code, organisation=organisation)
    manager = UserFactory(roles=["manager"], country=country(code), organisation=organisation)
    return {
        "seminar": seminar,
        "organisation": organisation,
        "trainer": trainer,
        "cohort": cohort,
        "manager": manager,
    }


def worker(organisation, code="vn", **kwargs):
    return UserFactory(roles=["worker"], country=country(code), organisation=organisation, **kwargs)
