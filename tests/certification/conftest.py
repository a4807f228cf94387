import pytest

from certification.models import Requirement
from tests.certification.factories import CandidacyFactory, ProgrammeFactory, assessor, requirement
from tests.taxonomy.factories import country


@pytest.fixture
def programme(db):
    programme = ProgrammeFactory()
    requirement(programme, Requirement.Kind.COURSE, title="Trainer course")
    requirement(programme, Requirement.Kind.OBSERVED_PRACTICE, title="Observed sessions")
    requirement(programme, Requirement.Kind.PORTFOLIO, title="Portfolio", required_count=1)
    requirement(programme, Requirement.Kind.ASSESSMENT, title="Knowledge test")
    return programme


@pytest.fixture
def reviewer(programme):
    return assessor(programme, country=country("kh"))


@pytest.fixture
def candidacy(programme):
    return CandidacyFactory(programme=programme)


@pytest.fixture
def issue(django_capture_on_commit_callbacks):
    """Issue a candidacy's certificate as staff would, running the PDF and email tasks."""
    from certification.services import certificate_issue

    def run(candidacy, *, tasks=False):
        with django_capture_on_commit_callbacks(execute=tasks):
            return certificate_issue(candidacy=candidacy, approved=True)

    return run
