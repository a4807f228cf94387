import pytest

from tests.courses import factories


@pytest.fixture
def training(home_page):
    return factories.section(home_page)


@pytest.fixture
def small_programme(training):
    return factories.programme(training, modules=2, lessons=2)
