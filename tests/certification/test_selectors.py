"""The figures the reports room reads, computed in the database."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from certification import selectors, services
from certification.models import Certificate
from tests.accounts.factories import global_admin
from tests.certification.factories import CandidacyFactory, CPDActivityFactory, trainer
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db


def _certificate(programme, issue, *, code="vn", issued_days_ago=0, validity_days=None):
    candidacy = CandidacyFactory(programme=programme, candidate=trainer(country=country(code)))
    certificate = issue(candidacy)
    issued = timezone.localdate() - timedelta(days=issued_days_ago)
    expires = issued + timedelta(days=validity_days) if validity_days else certificate.expires_on
    Certificate.objects.filter(pk=certificate.pk).update(issued_on=issued, expires_on=expires)
    certificate.refresh_from_db()
    return certificate


def test_certificate_counts_split_issued_active_expiring_expired_and_revoked(
    programme, issue, django_assert_num_queries
):
    _certificate(programme, issue, issued_days_ago=10, validity_days=700)  # active
    _certificate(programme, issue, issued_days_ago=10, validity_days=60)  # active, expiring
    _certificate(programme, issue, issued_days_ago=800, validity_days=700)  # expired
    revoked = _certificate(programme, issue, code="jo", issued_days_ago=5, validity_days=700)
    services.certificate_revoke(certificate=revoked, revoked_by=global_admin(), reason="x")

    with django_assert_num_queries(1):
        counts = selectors.certificate_counts()
    assert counts == {"issued": 4, "active": 2, "expiring": 1, "expired": 1, "revoked": 1}
    assert selectors.certificate_counts(country=country("jo")) == {
        "issued": 1,
        "active": 0,
        "expiring": 0,
        "expired": 0,
        "revoked": 1,
    }
    assert selectors.certificate_counts(country="vn")["issued"] == 3
    # 150 days ago: the revocation had not happened, the fresh ones were not issued, and
    # the now-expired one had 50 days left.
    past = timezone.localdate() - timedelta(days=150)
    assert selectors.certificate_counts(on=past) == {
        "issued": 1,
        "active": 1,
        "expiring": 1,
        "expired": 0,
        "revoked": 0,
    }


def test_cpd_hours_sums_a_period_and_a_country(django_assert_num_queries):
    vn, jo = trainer(country=country("vn")), trainer(country=country("jo"))
    CPDActivityFactory(person=vn, date=date(2026, 1, 10), hours=Decimal("6"))
    CPDActivityFactory(person=vn, date=date(2026, 3, 1), hours=Decimal("2.5"))
    CPDActivityFactory(person=jo, date=date(2026, 2, 1), hours=Decimal("4"))
    with django_assert_num_queries(1):
        assert selectors.cpd_hours() == Decimal("12.5")
    assert selectors.cpd_hours(country=country("vn")) == Decimal("8.5")
    assert selectors.cpd_hours(since=date(2026, 2, 1), until=date(2026, 2, 28)) == Decimal("4")
    assert selectors.cpd_hours(since=date(2027, 1, 1)) == Decimal("0")


def test_requirement_progress_costs_the_same_for_a_big_programme(
    programme, candidacy, django_assert_max_num_queries
):
    from certification.models import Requirement
    from tests.certification.factories import requirement

    with django_assert_max_num_queries(7):
        small = selectors.requirement_progress(candidacy=candidacy)
    for _ in range(10):
        requirement(programme, Requirement.Kind.PORTFOLIO, title="More")
        requirement(programme, Requirement.Kind.COURSE, title="More courses")
    with django_assert_max_num_queries(7):
        big = selectors.requirement_progress(candidacy=candidacy)
    assert len(big) == len(small) + 20


def test_counts_by_country_match_the_per_country_counts(programme, issue):
    _certificate(programme, issue, code="vn")
    _certificate(programme, issue, code="vn", issued_days_ago=800, validity_days=700)
    _certificate(programme, issue, code="jo")
    by_country = selectors.certificate_counts_by_country()
    assert set(by_country) == {"vn", "jo"}
    for code in ("vn", "jo"):
        assert by_country[code] == selectors.certificate_counts(country=code)


def test_the_evaluate_command_issues_what_became_due(programme, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    from certification.models import Requirement

    candidacy = CandidacyFactory(programme=programme)
    # The programme is cut down to its course, which the candidate completed long ago.
    programme.requirements.exclude(kind=Requirement.Kind.COURSE).delete()
    course = programme.requirements.get().course_id
    from certification.models import CourseCompletion

    CourseCompletion.objects.create(
        learner=candidacy.candidate, course_id=course, completed_at=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("certification_evaluate")
    candidacy.refresh_from_db()
    assert candidacy.status == "certified"


def test_reports_count_a_certificate_where_its_holder_was_the_manage_page_where_they_are(
    programme, issue
):
    """A holder who moves from Vietnam to Jordan: the reports' per-country counts keep the
    certificate under Vietnam (the country at issue); the staff's counts, like their
    lists, follow the holder to Jordan."""
    certificate = _certificate(programme, issue, code="vn")
    holder = certificate.holder
    holder.country = country("jo")
    holder.save()
    by_country = selectors.certificate_counts_by_country()
    assert set(by_country) == {"vn"}
    assert by_country["vn"]["issued"] == 1
    assert selectors.certificate_counts_by_country(country="jo") == {}
    assert selectors.certificate_counts(country="vn")["issued"] == 0
    assert selectors.certificate_counts(country="jo")["issued"] == 1
