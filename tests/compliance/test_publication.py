"""The transparency portal: publication rules (a factory appears after the country's number
of published assessments; drafts and reviews never show; a withdrawn issue disappears at
once), the factory's responses shown only once approved, open data parsed back, public
cache headers and the page cache's invalidation, and queries that stay constant."""

import csv
import datetime
import io
import json

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from compliance import responses, services
from compliance.models import (
    Assessment,
    FactoryResponse,
    Finding,
    PublicIssueChange,
    PublicReportingRule,
)
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.compliance.factories import (
    FactoryFactory,
    answer_all,
    assessment,
    instrument_with_questions,
    published_assessment,
)
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db


def _factory(name, code="vn"):
    return FactoryFactory(
        organisation=OrganisationFactory(name=name, country=country(code)),
        legal_name=f"{name} Co., Ltd.",
    )


def _cycles(factory, instrument, count, *, first_year=2024, non_compliant=("Q.1",)):
    """``count`` published independent assessments, one a year; the last one non-compliant
    on ``non_compliant``, the earlier ones on Q.4 as well."""
    made = []
    for n in range(count):
        codes = non_compliant if n == count - 1 else (*non_compliant, "Q.4")
        made.append(
            published_assessment(
                factory,
                instrument=instrument,
                non_compliant_codes=codes,
                starts_on=datetime.date(first_year + n, 3, 1),
            )
        )
    return made


@pytest.fixture
def world():
    """Vietnam reports publicly (after two assessments): a factory with two published
    cycles (public), one with a single cycle (not yet), and one in Jordan, which has no
    rule (never public)."""
    instrument = instrument_with_questions(6)  # Q.1 and Q.4 are publicly reported
    rule = PublicReportingRule.objects.create(country=country("vn"))
    public = _factory("Mekong Knit")
    _cycles(public, instrument, 2)
    newcomer = _factory("Saigon Denim")
    _cycles(newcomer, instrument, 1)
    jordan = _factory("Amman Apparel", "jo")
    _cycles(jordan, instrument, 2)
    return {
        "instrument": instrument,
        "rule": rule,
        "public": public,
        "newcomer": newcomer,
        "jordan": jordan,
    }


def _text(response):
    return response.content.decode()


def test_a_factory_appears_after_two_published_assessments_and_not_before(client, world):
    listing = _text(client.get(reverse("transparency:factories", args=["vn"])))
    assert "Mekong Knit" in listing
    assert "Saigon Denim" not in listing
    assert client.get(reverse("transparency:factory", args=[world["public"].pk])).status_code == 200
    assert (
        client.get(reverse("transparency:factory", args=[world["newcomer"].pk])).status_code == 404
    )
    # A country without a rule names nobody.
    assert client.get(reverse("transparency:factory", args=[world["jordan"].pk])).status_code == 404
    assert client.get(reverse("transparency:factories", args=["jo"])).status_code == 404
    index = _text(client.get(reverse("transparency:index")))
    assert "/transparency/vn/" in index
    assert "/transparency/jo/" not in index

    world["rule"].min_published_assessments = 1
    world["rule"].save()
    assert "Saigon Denim" in _text(client.get(reverse("transparency:factories", args=["vn"])))


def test_the_factory_page_shows_each_public_issue_of_the_latest_published_assessment(client, world):
    page = _text(client.get(reverse("transparency:factory", args=[world["public"].pk])))
    assert "Mekong Knit" in page
    assert "Q.1" in page
    assert "Q.4" in page
    assert "Q.2" not in page  # not a publicly reported issue
    assert "Non-compliant on 1 of 2 publicly reported issues assessed." in page
    # History: Q.4 was non-compliant in the first cycle, compliant in the latest.
    assert page.count('<th scope="col">2024-03</th>') == 1
    assert page.count('<th scope="col">2025-03</th>') == 1
    # No person: neither the assessors nor the notes.
    item = Assessment.objects.filter(factory=world["public"]).first()
    for assessor in item.assessors.all():
        assert assessor.display_name not in page
        assert assessor.username not in page


def test_a_draft_or_an_assessment_in_review_never_shows(client, world):
    factory = world["public"]
    draft = assessment(factory, instrument=world["instrument"], starts_on=datetime.date(2026, 3, 1))
    answer_all(draft, non_compliant_codes=("Q.1", "Q.4"))
    services.assessment_submit(assessment=draft, user=draft.assessors.first())
    services.assessment_review_start(assessment=draft, user=UserFactory(roles=["global_admin"]))
    page = _text(client.get(reverse("transparency:factory", args=[factory.pk])))
    assert "2026-03" not in page
    assert "Non-compliant on 1 of 2 publicly reported issues assessed." in page
    # A third factory whose only assessments are unpublished or self-assessments never shows,
    # whatever the rule's threshold.
    world["rule"].min_published_assessments = 1
    world["rule"].save()
    hidden = _factory("Draft Only Garments")
    assessment(hidden, instrument=world["instrument"])
    self_check = assessment(hidden, instrument=world["instrument"], kind=Assessment.Kind.SELF)
    answer_all(self_check)
    listing = _text(client.get(reverse("transparency:factories", args=["vn"])))
    assert "Draft Only Garments" not in listing
    assert client.get(reverse("transparency:factory", args=[hidden.pk])).status_code == 404


def test_a_withdrawn_question_is_hidden_at_once_and_an_added_one_shown(client, world):
    url = reverse("transparency:factory", args=[world["public"].pk])
    PublicIssueChange.objects.create(rule=world["rule"], code="Q.1", reported=False)
    page = _text(client.get(url))
    assert "Q.1" not in page
    assert "Q.4" in page
    data = client.get(reverse("transparency:open_data_json", args=["vn"])).json()
    assert {row["issue_code"] for row in data["rows"]} == {"Q.4"}
    PublicIssueChange.objects.create(rule=world["rule"], code="Q.2", reported=True)
    assert "Q.2" in _text(client.get(url))


def test_the_country_page_gives_the_share_non_compliant_per_issue_and_by_year(client, world):
    second = _factory("Hanoi Garments")
    _cycles(second, world["instrument"], 2, non_compliant=())
    page = _text(client.get(reverse("transparency:country", args=["vn"])))
    # Q.1: Mekong Knit non-compliant, Hanoi Garments compliant, in their latest assessments.
    assert "50% <small>(1/2)</small>" in page
    assert "<svg" in page
    assert "2024" in page
    assert "2025" in page
    assert "Saigon Denim" not in page  # not public: not counted, not named
    arabic = _text(client.get(reverse("transparency:country", args=["vn"]).replace("/en/", "/ar/")))
    assert 'dir="rtl"' in arabic
    assert 'direction="rtl"' in arabic


def _png(name="fix.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _respond(world, user):
    latest = world["public"].assessments.filter(state=Assessment.State.PUBLISHED)
    finding = Finding.objects.get(
        assessment=latest.order_by("-starts_on").first(), question__code="Q.1"
    )
    return responses.factory_response_submit(
        finding=finding, text="The emergency exit is now clear.", photo=_png(), user=user
    )


def test_a_response_shows_only_once_approved_and_the_factory_is_told_once(
    client, world, django_capture_on_commit_callbacks
):
    factory = world["public"]
    manager = UserFactory(
        roles=["manager"], organisation=factory.organisation, preferred_language="vi"
    )
    url = reverse("transparency:factory", args=[factory.pk])
    response = _respond(world, manager)
    assert "The emergency exit is now clear." not in _text(client.get(url))
    photo_url = reverse("transparency:response_photo", args=[response.pk])
    assert client.get(photo_url).status_code == 404

    staff = UserFactory(roles=["country_staff"], country=country("vn"))
    with django_capture_on_commit_callbacks(execute=True):
        responses.factory_response_approve(response=response, user=staff)
    page = _text(client.get(url))
    assert "The emergency exit is now clear." in page
    assert "not verified" in page
    assert client.get(photo_url).status_code == 200
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [manager.email]
    # A retried task sends nothing more.
    from compliance.tasks import response_decision_notify

    assert response_decision_notify(response.pk) == 0
    assert len(mail.outbox) == 1

    # Rewritten: off the public page until approved again; refused stays off.
    response = _respond(world, manager)
    assert "The emergency exit is now clear." not in _text(client.get(url))
    with django_capture_on_commit_callbacks(execute=True):
        responses.factory_response_refuse(response=response, user=staff, reason="A face shows.")
    assert "The emergency exit is now clear." not in _text(client.get(url))
    assert len(mail.outbox) == 2
    assert "A face shows." in mail.outbox[1].body


def test_a_response_is_gone_when_the_next_assessment_is_published(client, world):
    factory = world["public"]
    manager = UserFactory(roles=["manager"], organisation=factory.organisation)
    response = _respond(world, manager)
    responses.factory_response_approve(response=response, user=UserFactory(roles=["global_admin"]))
    url = reverse("transparency:factory", args=[factory.pk])
    assert "The emergency exit is now clear." in _text(client.get(url))
    published_assessment(
        factory,
        instrument=world["instrument"],
        non_compliant_codes=("Q.1",),
        starts_on=datetime.date(2026, 3, 1),
    )
    assert "The emergency exit is now clear." not in _text(client.get(url))
    photo_url = reverse("transparency:response_photo", args=[response.pk])
    assert client.get(photo_url).status_code == 404


def test_a_response_refuses_a_file_that_is_not_a_picture_and_a_compliant_finding(world):
    factory = world["public"]
    manager = UserFactory(roles=["manager"], organisation=factory.organisation)
    latest = factory.assessments.order_by("-starts_on").first()
    finding = Finding.objects.get(assessment=latest, question__code="Q.1")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        responses.factory_response_submit(
            finding=finding,
            text="Fixed.",
            photo=SimpleUploadedFile("fix.png", b"%PDF-1.4 not a picture"),
            user=manager,
        )
    compliant = Finding.objects.get(assessment=latest, question__code="Q.4")
    with pytest.raises(ValidationError):
        responses.factory_response_submit(finding=compliant, text="Fixed.", user=manager)
    assert not FactoryResponse.objects.exists()


def test_the_open_data_parses_back_as_csv_and_json_with_its_licence(client, world):
    csv_response = client.get(reverse("transparency:open_data_csv", args=["vn"]))
    assert csv_response["Content-Type"].startswith("text/csv")
    assert 'rel="license"' in csv_response["Link"]
    rows = list(csv.DictReader(io.StringIO(csv_response.content.decode())))
    assert {(r["factory"], r["issue_code"], r["status"]) for r in rows} == {
        ("Mekong Knit Co., Ltd.", "Q.1", "non_compliant"),
        ("Mekong Knit Co., Ltd.", "Q.4", "compliant"),
    }
    data = json.loads(client.get(reverse("transparency:open_data_json", args=["vn"])).content)
    assert data["licence"]["name"] == "CC BY 4.0"
    assert data["licence"]["url"].startswith("https://creativecommons.org/licenses/by/4.0")
    assert [(r["factory"], r["issue_code"]) for r in data["rows"]] == [
        (r["factory"], r["issue_code"]) for r in rows
    ]
    assert all(r["factory_id"] == world["public"].pk for r in data["rows"])


def test_a_formula_in_a_factory_name_is_neutralised_in_the_csv(client, world):
    world["public"].legal_name = "=HYPERLINK(1)"
    world["public"].save()
    body = client.get(reverse("transparency:open_data_csv", args=["vn"])).content.decode()
    assert "'=HYPERLINK(1)" in body


@pytest.mark.parametrize(
    "name", ["index", "country", "factories", "factory", "open_data_csv", "open_data_json"]
)
def test_public_pages_say_cache_control_public(client, world, name):
    args = {"index": [], "factory": [world["public"].pk]}.get(name, ["vn"])
    response = client.get(reverse(f"transparency:{name}", args=args))
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    assert "private" not in response["Cache-Control"]


def test_the_page_cache_serves_the_factory_page_until_an_assessment_is_published(
    client, world, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_ENABLED = True
    url = reverse("transparency:factory", args=[world["public"].pk])
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    # Answering questions of a draft does not end the cached page...
    draft = assessment(
        world["public"], instrument=world["instrument"], starts_on=datetime.date(2026, 3, 1)
    )
    answer_all(draft, non_compliant_codes=("Q.4",))
    assert client.get(url)["X-Page-Cache"] == "hit"
    # ...publishing it does.
    services.assessment_submit(assessment=draft, user=draft.assessors.first())
    reviewer = UserFactory(roles=["global_admin"])
    services.assessment_review_start(assessment=draft, user=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_publish(assessment=draft, user=reviewer)
    fresh = client.get(url)
    assert fresh["X-Page-Cache"] == "miss"
    assert "2026-03" in fresh.content.decode()
    # A rule changed: withdrawing an issue shows on the next request.
    PublicIssueChange.objects.create(rule=world["rule"], code="Q.4", reported=False)
    after = client.get(url)
    assert after["X-Page-Cache"] == "miss"
    assert "Q.4" not in after.content.decode()


def test_the_page_cache_drops_the_page_when_a_response_is_approved(
    client, world, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_ENABLED = True
    manager = UserFactory(roles=["manager"], organisation=world["public"].organisation)
    response = _respond(world, manager)
    url = reverse("transparency:factory", args=[world["public"].pk])
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        responses.factory_response_approve(
            response=response, user=UserFactory(roles=["global_admin"])
        )
    after = client.get(url)
    assert after["X-Page-Cache"] == "miss"
    assert "The emergency exit is now clear." in after.content.decode()


# --- queries ----------------------------------------------------------------------------------


PAGES = ["index", "country", "factories", "factory", "open_data_csv", "open_data_json"]


def _queries_per_page(world) -> dict[str, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    counts = {}
    for name in PAGES:
        args = {"index": [], "factory": [world["public"].pk]}.get(name, ["vn"])
        for language in ("en", "vi"):
            client = Client()  # a new visitor, without the cookies of the last page
            # Reversed in the page's own language: a response leaves its language active in
            # this thread, and a URL reversed under it would measure another language's page.
            with translation.override(language):
                url = reverse(f"transparency:{name}", args=args)
            client.get(url)  # the process's lookups of locales and sites are warm
            with CaptureQueriesContext(connection) as context:
                assert client.get(url).status_code == 200
            counts[f"{name}.{language}"] = len(context)
    return counts


def test_public_page_queries_do_not_grow_with_factories_or_cycles(world):
    """Each page at two sizes: the same number of queries (and a small one)."""
    small = _queries_per_page(world)
    for n in range(5):
        _cycles(_factory(f"Extra Factory {n}"), world["instrument"], 3)
    _cycles(world["public"], world["instrument"], 3, first_year=2010)
    large = _queries_per_page(world)
    assert large == small
    assert max(large.values()) <= 20
