import pytest

from media_library.interactive.access import register_access_check, unregister_access_check


@pytest.fixture
def enrolments():
    """A stand-in for courses' enrolment: ``enrolments.add(user, page)`` lets that person
    record results on that page; anyone else on a registered page is refused."""

    class Enrolments:
        def __init__(self):
            self.pairs = set()
            self.calls = 0

        def add(self, user, page):
            self.pairs.add((user.pk, page.pk))

        def __call__(self, user, package, page):
            self.calls += 1
            return (user.pk, page.pk) in self.pairs

    enrolments = Enrolments()
    register_access_check(enrolments)
    yield enrolments
    unregister_access_check(enrolments)


@pytest.fixture(autouse=True)
def _own_package_storage(package_storage):
    """Each test unpacks packages into its own folder."""
