import pytest
from django.utils import timezone

from courses import selectors
from courses.models import LessonPage
from tests.courses import factories


@pytest.fixture
def training(home_page):
    return factories.section(home_page)


@pytest.fixture
def small_programme(training):
    return factories.programme(training, modules=2, lessons=2)


@pytest.fixture
def release(small_programme):
    """A learner in a cohort that starts today: module 1 is open, module 2 opens in a
    month."""
    trainer = factories.trainer()
    cohort = factories.cohort(small_programme, trainers=[trainer], start_date=timezone.localdate())
    person = factories.learner()
    factories.enrol(small_programme, [person], cohort)
    lessons = list(LessonPage.objects.descendant_of(small_programme).order_by("path"))
    return {
        "programme": small_programme,
        "cohort": cohort,
        "trainer": trainer,
        "learner": person,
        "open": lessons[:2],
        "closed": lessons[2:],
        "opens_on": selectors.add_months(cohort.start_date, 1),
    }
