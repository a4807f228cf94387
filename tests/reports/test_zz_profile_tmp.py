import cProfile, pstats, time
import pytest

from bench.datasets import reports as d
from tests.courses import factories as courses

pytestmark = pytest.mark.django_db


def test_profile(home_page):
    course = courses.programme(courses.section(home_page), modules=1, lessons=1, checks=0)
    d.learners_build(count=100)
    p = cProfile.Profile()
    p.enable()
    t = time.perf_counter(); d.learners_build(count=20_100); print("learners", time.perf_counter() - t)
    t = time.perf_counter(); d.enrolments_build(course=course); print("enrol", time.perf_counter() - t)
    t = time.perf_counter(); d.statements_build(course=course, per_learner=2); print("statements", time.perf_counter() - t)
    p.disable()
    pstats.Stats(p).sort_stats("tottime").print_stats(25)
