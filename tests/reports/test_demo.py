import pytest

from lms.accounts.models import User
from lms.reports import demo
from lms.reports.models import CoverageTarget

pytestmark = pytest.mark.django_db


def test_demo_sets_targets_and_people_once():
    demo.load()
    demo.load()
    assert CoverageTarget.objects.filter(country__code="jo").count() == 3
    assert CoverageTarget.objects.get(country__code="jo", role="supervisor").percent == 50
    assert User.objects.filter(username__startswith="demo-vn-worker-").count() == 30
