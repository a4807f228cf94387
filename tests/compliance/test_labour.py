"""Labour inspectors, social partners and a factory's public responses: who may see and do
what (anonymous, inspector of another country, union, factory of another country), the
country's rule deciding what inspectors read, and inspections that only staff publish."""

import datetime

import pytest
from django.urls import reverse

from compliance.models import Assessment, FactoryResponse, Finding, PublicReportingRule
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.compliance.factories import (
    FactoryFactory,
    answer_all,
    instrument_with_questions,
    published_assessment,
)
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db

Access = PublicReportingRule.InspectorAccess


def _factory(name, code="vn"):
    return FactoryFactory(organisation=OrganisationFactory(name=name, country=country(code)))


@pytest.fixture
def world(second_factor_for_everyone):
    instrument = instrument_with_questions(6)
    rule = PublicReportingRule.objects.create(
        country=country("vn"), inspector_access=Access.FULL_REPORTS
    )
    public = _factory("Mekong Knit")
    quiet = _factory("Quiet Textiles")  # one cycle: not public
    for year in (2024, 2025):
        published_assessment(
            public,
            instrument=instrument,
            non_compliant_codes=("Q.1",),
            starts_on=datetime.date(year, 3, 1),
        )
    published_assessment(
        quiet,
        instrument=instrument,
        non_compliant_codes=("Q.1",),
        starts_on=datetime.date(2025, 4, 1),
    )
    jordan = _factory("Amman Apparel", "jo")
    return {
        "instrument": instrument,
        "rule": rule,
        "public": public,
        "quiet": quiet,
        "jordan": jordan,
        "inspector": UserFactory(roles=["labour_inspector"], country=country("vn")),
        "jo_inspector": UserFactory(roles=["labour_inspector"], country=country("jo")),
        "union": UserFactory(roles=["social_partner"], country=country("vn")),
        "manager": UserFactory(roles=["manager"], organisation=public.organisation),
        "jo_manager": UserFactory(roles=["manager"], organisation=jordan.organisation),
        "vn_staff": UserFactory(roles=["country_staff"], country=country("vn")),
        "jo_staff": UserFactory(roles=["country_staff"], country=country("jo")),
    }


def _status(client, user, url, method="get", **kwargs):
    client.logout()
    if user is not None:
        client.force_login(user)
    return getattr(client, method)(url, **kwargs).status_code


def test_inspector_pages_are_for_inspectors_of_the_factorys_country(client, world):
    home = reverse("compliance:inspection_home")
    factory_page = reverse("compliance:inspection_factory", args=[world["public"].pk])
    latest = world["public"].assessments.order_by("-starts_on").first()
    report = reverse("compliance:inspection_report", args=[latest.pk])
    for url in (home, factory_page, report):
        assert _status(client, None, url) == 302
        assert _status(client, world["union"], url) == 403
        assert _status(client, world["manager"], url) == 403
    assert _status(client, world["jo_inspector"], factory_page) == 403
    assert _status(client, world["jo_inspector"], report) == 403
    assert _status(client, world["inspector"], home) == 200
    assert _status(client, world["inspector"], factory_page) == 200
    assert _status(client, world["inspector"], report) == 200


def test_the_countrys_rule_decides_what_inspectors_read(client, world):
    latest = world["quiet"].assessments.get()
    client.force_login(world["inspector"])
    home = client.get(reverse("compliance:inspection_home")).content.decode()
    assert "Quiet Textiles" in home  # assessed, though not public
    world["rule"].inspector_access = Access.PUBLIC_ISSUES
    world["rule"].save()
    assert client.get(reverse("compliance:inspection_report", args=[latest.pk])).status_code == 403
    page = client.get(reverse("compliance:inspection_factory", args=[world["quiet"].pk]))
    assert "Q.1" in page.content.decode()
    assert "Q.2" not in page.content.decode()
    world["rule"].inspector_access = Access.NONE
    world["rule"].save()
    home = client.get(reverse("compliance:inspection_home")).content.decode()
    assert "Quiet Textiles" not in home
    assert "Mekong Knit" not in home


def test_an_inspection_is_the_inspectors_own_and_only_staff_publish_it(client, world):
    client.force_login(world["inspector"])
    url = reverse("compliance:inspection_create", args=[world["public"].pk])
    response = client.post(url, {"instrument": world["instrument"].pk, "starts_on": "2026-05-04"})
    assert response.status_code == 302
    inspection = Assessment.objects.get(kind=Assessment.Kind.INSPECTION)
    assert list(inspection.assessors.all()) == [world["inspector"]]
    assert client.get(reverse("compliance:assessment", args=[inspection.pk])).status_code == 200
    answer_all(inspection, non_compliant_codes=("Q.4",), user=world["inspector"])
    client.post(reverse("compliance:assessment_step", args=[inspection.pk, "submit"]))
    inspection.refresh_from_db()
    assert inspection.state == Assessment.State.SUBMITTED
    step = reverse("compliance:assessment_step", args=[inspection.pk, "publish"])
    assert client.post(step).status_code == 403
    # Another country's inspector cannot inspect here; a form error keeps what was typed.
    assert _status(client, world["jo_inspector"], url) == 403
    client.force_login(world["inspector"])
    bad = client.post(url, {"instrument": world["instrument"].pk, "starts_on": "not a date"})
    assert bad.status_code == 400
    assert "not a date" in bad.content.decode()

    # Published by staff, it still never shows publicly.
    client.force_login(world["vn_staff"])
    client.post(reverse("compliance:assessment_step", args=[inspection.pk, "review"]))
    client.post(step)
    inspection.refresh_from_db()
    assert inspection.state == Assessment.State.PUBLISHED
    client.logout()
    page = client.get(reverse("transparency:factory", args=[world["public"].pk]))
    assert "2026-05" not in page.content.decode()


def test_social_partners_see_aggregates_and_only_public_factory_names(client, world):
    url = reverse("compliance:partners")
    assert _status(client, None, url) == 302
    assert _status(client, world["manager"], url) == 403
    assert _status(client, world["vn_staff"], url) == 403
    client.force_login(world["union"])
    page = client.get(url).content.decode()
    assert "Mekong Knit" in page
    assert "Quiet Textiles" not in page  # counted, not named
    assert "2 factories have a published assessment" in page
    assert "100%" in page  # both non-compliant on Q.1


def test_a_factory_writes_responses_and_staff_of_its_country_decide(client, world):
    url = reverse("compliance:public_responses", args=[world["public"].pk])
    assert _status(client, None, url) == 302
    assert _status(client, world["jo_manager"], url) == 403
    assert _status(client, world["union"], url) == 403
    assert _status(client, world["inspector"], url) == 403
    client.force_login(world["manager"])
    page = client.get(url).content.decode()
    finding = Finding.objects.get(
        assessment=world["public"].assessments.order_by("-starts_on").first(), question__code="Q.1"
    )
    assert f'value="{finding.pk}"' in page
    empty = client.post(url, {"finding": finding.pk, f"f{finding.pk}-text": ""})
    assert empty.status_code == 400
    client.post(url, {"finding": finding.pk, f"f{finding.pk}-text": "Exit cleared."})
    response = FactoryResponse.objects.get()
    assert response.state == FactoryResponse.State.PENDING

    queue = reverse("compliance:response_queue")
    decide = reverse("compliance:response_decide", args=[response.pk, "approve"])
    assert _status(client, world["manager"], queue) == 403
    assert _status(client, world["jo_staff"], decide, "post") == 403
    response.refresh_from_db()
    assert response.state == FactoryResponse.State.PENDING
    client.force_login(world["vn_staff"])
    assert "Exit cleared." in client.get(queue).content.decode()
    client.post(decide)
    response.refresh_from_db()
    assert response.state == FactoryResponse.State.APPROVED
