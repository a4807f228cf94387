"""Certificates count under the holder's attributes when they were issued (issue 16): a
later change of country, organisation, role or gender does not rewrite last year's
certificate figures, and a certificate issued after the change counts under the new
profile. Worked by hand below."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from certification.models import Certificate
from certification.services import certificate_issue
from lms.accounts.models import Role
from lms.records.snapshots import person_snapshot
from lms.reports import selectors
from lms.reports.filters import ReportFilters
from tests.accounts.factories import OrganisationFactory
from tests.certification.factories import CandidacyFactory
from tests.reports.conftest import person
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db

NOW = timezone.now()
TODAY = timezone.localdate(NOW)
LAST_YEAR = {"since": TODAY - dt.timedelta(days=500), "until": TODAY - dt.timedelta(days=300)}
THIS_MONTH = {"since": TODAY - dt.timedelta(days=30), "until": TODAY}


@pytest.fixture(autouse=True)
def clock():
    """The module's dates, read again for each test: a run that crosses midnight would
    otherwise issue today's certificates after yesterday's "this month"."""
    global NOW, TODAY, LAST_YEAR, THIS_MONTH
    NOW = timezone.now()
    TODAY = timezone.localdate(NOW)
    LAST_YEAR = {"since": TODAY - dt.timedelta(days=500), "until": TODAY - dt.timedelta(days=300)}
    THIS_MONTH = {"since": TODAY - dt.timedelta(days=30), "until": TODAY}


ZERO = {"issued": 0, "active": 0, "expiring": 0, "expired": 0, "revoked": 0}


def issue(holder, *, days_ago, expires_in, revoked_days_ago=None):
    """A certificate issued through the service (so with the holder's snapshot of now),
    then dated back: issued ``days_ago``, expiring ``expires_in`` days from today."""
    certificate = certificate_issue(candidacy=CandidacyFactory(candidate=holder), approved=True)
    Certificate.objects.filter(pk=certificate.pk).update(
        issued_at=NOW - dt.timedelta(days=days_ago),
        issued_on=TODAY - dt.timedelta(days=days_ago),
        expires_on=TODAY + dt.timedelta(days=expires_in),
        revoked_at=NOW - dt.timedelta(days=revoked_days_ago) if revoked_days_ago else None,
    )
    return certificate


def by_country(**filters):
    return {r.pop("country_code"): r for r in selectors.certificates(ReportFilters(**filters))}


@pytest.fixture
def cambodia():
    """Dara (woman trainer) and Vuthy (man trainer) of Phnom Penh Knits, Cambodia.

    On the last day of last year's period (today - 300):
    - A, Dara's, issued today - 400, expires today + 330: issued, active.
    - D, Dara's, issued today - 480, expires today - 250: issued, active, expiring (within
      90 days of today - 300).
    - B, Vuthy's, issued today - 600 (before the period), expired today - 350: expired.
    - C, Vuthy's, issued today - 450, revoked today - 320: issued, revoked.
    """
    phnom_penh = OrganisationFactory(country=country("kh"), name="Phnom Penh Knits")
    dara = person("kh", "trainer", gender="woman", organisation=phnom_penh)
    vuthy = person("kh", "trainer", gender="man", organisation=phnom_penh)
    issue(dara, days_ago=400, expires_in=330)
    issue(dara, days_ago=480, expires_in=-250)
    issue(vuthy, days_ago=600, expires_in=-350)
    issue(vuthy, days_ago=450, expires_in=300, revoked_days_ago=320)
    return dara, vuthy, phnom_penh


def last_years_figures(phnom_penh):
    return {
        "all": by_country(**LAST_YEAR),
        "cambodia": by_country(**LAST_YEAR, country=country("kh")),
        "vietnam": by_country(**LAST_YEAR, country=country("vn")),
        "phnom_penh": by_country(**LAST_YEAR, organisation=phnom_penh),
        "trainers": by_country(**LAST_YEAR, role="trainer"),
        "advisors": by_country(**LAST_YEAR, role="enterprise_advisor"),
        "women": by_country(**LAST_YEAR, gender="woman"),
    }


def test_a_profile_change_does_not_rewrite_last_years_certificates(cambodia):
    dara, _vuthy, phnom_penh = cambodia
    everyone = {"issued": 3, "active": 2, "expiring": 1, "expired": 1, "revoked": 1}
    daras = {"issued": 2, "active": 2, "expiring": 1, "expired": 0, "revoked": 0}
    before = last_years_figures(phnom_penh)
    assert before == {
        "all": {"kh": everyone},
        "cambodia": {"kh": everyone},
        "vietnam": {},
        "phnom_penh": {"kh": everyone},
        "trainers": {"kh": everyone},
        "advisors": {},
        "women": {"kh": daras},
    }

    # This year Dara moves to a Hanoi factory in Vietnam as an enterprise advisor.
    hanoi = OrganisationFactory(country=country("vn"), name="Hanoi Garments")
    dara.country = country("vn")
    dara.organisation = hanoi
    dara.save()
    dara.roles.set(Role.objects.filter(code="enterprise_advisor"))

    assert last_years_figures(phnom_penh) == before
    assert by_country(**LAST_YEAR, organisation=hanoi) == {}

    # A certificate issued after the move counts under her new profile.
    issue(dara, days_ago=0, expires_in=730)
    vietnam_now = {"issued": 1, "active": 1, "expiring": 0, "expired": 0, "revoked": 0}
    # On today: A is still active (Cambodia), D and B have expired, C is revoked.
    cambodia_now = {"issued": 0, "active": 1, "expiring": 0, "expired": 2, "revoked": 1}
    assert by_country(**THIS_MONTH) == {"kh": cambodia_now, "vn": vietnam_now}
    assert by_country(**THIS_MONTH, country=country("vn")) == {"vn": vietnam_now}
    assert by_country(**THIS_MONTH, organisation=hanoi) == {"vn": vietnam_now}
    assert by_country(**THIS_MONTH, role="enterprise_advisor") == {"vn": vietnam_now}
    assert by_country(**THIS_MONTH, role="trainer") == {"kh": cambodia_now}
    assert by_country(**THIS_MONTH, organisation=phnom_penh) == {"kh": cambodia_now}
    assert last_years_figures(phnom_penh) == before


def test_certificates_without_a_snapshot_follow_the_live_profile(cambodia):
    """Rows issued before snapshots existed (and not backfilled) fall back to the
    holder's current attributes."""
    dara, _vuthy, phnom_penh = cambodia
    dara.certificates.update(holder_profile=None)
    dara.country = country("vn")
    dara.organisation = OrganisationFactory(country=country("vn"))
    dara.save()
    vuthys = {"issued": 1, "active": 0, "expiring": 0, "expired": 1, "revoked": 1}
    daras = {"issued": 2, "active": 2, "expiring": 1, "expired": 0, "revoked": 0}
    assert by_country(**LAST_YEAR) == {"kh": vuthys, "vn": daras}
    assert by_country(**LAST_YEAR, country=country("kh")) == {"kh": vuthys}
    assert by_country(**LAST_YEAR, organisation=phnom_penh) == {"kh": vuthys}
    assert by_country(**LAST_YEAR, gender="woman") == {"vn": daras}


def test_the_migration_freezes_existing_certificates_at_the_current_profile(cambodia):
    dara, vuthy, _phnom_penh = cambodia
    Certificate.objects.update(holder_profile=None)
    migration = importlib.import_module("certification.migrations.0003_certificate_holder_profile")
    migration.freeze_current_profiles(apps, None)
    assert set(dara.certificates.values_list("holder_profile", flat=True)) == {
        person_snapshot(dara).pk
    }
    assert set(vuthy.certificates.values_list("holder_profile", flat=True)) == {
        person_snapshot(vuthy).pk
    }
    assert person_snapshot(dara).pk != person_snapshot(vuthy).pk
    # A second run changes nothing.
    migration.freeze_current_profiles(apps, None)
    assert Certificate.objects.filter(holder_profile__isnull=True).count() == 0
