"""What the project publishes validates against the Open Badges schemas kept in
tests/certification/schemas/ (see the README there for their source and licence)."""

import json
from datetime import datetime
from pathlib import Path

import pytest
from django.urls import reverse
from jsonschema import Draft201909Validator, Draft202012Validator, FormatChecker

from certification import openbadges, services
from tests.accounts.factories import global_admin
from tests.certification.factories import CandidacyFactory, trainer

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).resolve().parent / "schemas"


def _load(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


OB3 = Draft201909Validator(
    _load("ob_v3p0_achievementcredential_schema.json"), format_checker=FormatChecker()
)
OB2_RULES = _load("ob_v2p0_rules.schema.json")


def ob2(definition: str) -> Draft202012Validator:
    schema = {**OB2_RULES, "$ref": f"#/$defs/{definition}"}
    return Draft202012Validator(schema, format_checker=FormatChecker())


def errors(validator, document) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


@pytest.fixture
def holders(programme, issue):
    with_email = issue(
        CandidacyFactory(programme=programme, candidate=trainer(email="mai@example.org"))
    )
    without_email = issue(CandidacyFactory(programme=programme, candidate=trainer(email="")))
    return with_email, without_email


def test_every_ob3_credential_validates_against_the_official_schema(holders):
    for certificate in holders:
        credential = openbadges.credential(certificate)
        assert errors(OB3, credential) == []
        datetime.fromisoformat(credential["validFrom"])
        datetime.fromisoformat(credential["validUntil"])


def test_a_holder_without_email_gets_an_identity_type_the_schema_accepts(holders):
    _, without_email = holders
    (identity,) = openbadges.credential(without_email)["credentialSubject"]["identifier"]
    assert identity["identityType"] == "identifier"
    assert identity["hashed"] is True
    assert identity["identityHash"].startswith("sha256$")
    # What the issue found: "url" is not one of the schema's identity types.
    bad = openbadges.credential(without_email)
    bad["credentialSubject"]["identifier"][0]["identityType"] = "url"
    assert errors(OB3, bad)


def test_the_schema_check_catches_a_missing_field(holders):
    credential = openbadges.credential(holders[0])
    del credential["credentialSubject"]["achievement"]["criteria"]
    assert any("criteria" in message for message in errors(OB3, credential))


def test_ob2_assertion_badge_class_and_issuer_follow_the_2_0_rules(client, holders, settings):
    # Production refuses to start without a real address (lms/settings/production.py).
    settings.CERTIFICATION_ISSUER_EMAIL = "certification@betterwork.example"
    for certificate in holders:
        response = client.get(reverse("certification_api:badge_assertion", args=[certificate.code]))
        assert errors(ob2("Assertion"), response.json()) == []
    slug = holders[0].programme.slug
    badge = client.get(reverse("certification_api:badge_class", args=[slug])).json()
    assert errors(ob2("BadgeClass"), badge) == []
    issuer = client.get(reverse("certification_api:badge_issuer")).json()
    assert errors(ob2("Issuer"), issuer) == []
    assert issuer["email"] == "certification@betterwork.example"


def test_an_issuer_without_email_breaks_the_2_0_rules(settings):
    settings.CERTIFICATION_ISSUER_EMAIL = ""
    assert errors(ob2("Issuer"), openbadges.issuer_profile())


def test_a_revoked_assertion_follows_the_2_0_rules(client, holders):
    certificate = holders[0]
    services.certificate_revoke(certificate=certificate, revoked_by=global_admin(), reason="x")
    response = client.get(reverse("certification_api:badge_assertion", args=[certificate.code]))
    assert response.status_code == 410
    assert errors(ob2("RevokedAssertion"), response.json()) == []
    assert errors(ob2("Assertion"), response.json())


def test_status_indexes_are_random_unique_and_the_list_grows(programme, issue, monkeypatch):
    certificates = [issue(CandidacyFactory(programme=programme)) for _ in range(6)]
    indexes = [c.status_index for c in certificates]
    assert len(set(indexes)) == len(indexes)
    assert sorted(indexes) != list(range(min(indexes), min(indexes) + len(indexes)))
    assert all(0 <= i < openbadges.STATUS_LIST_MIN_BITS for i in indexes)
    assert openbadges.status_list_length(0) == 131072
    assert openbadges.status_list_length(65536) == 131072
    assert openbadges.status_list_length(65537) == 262144
    assert openbadges.status_list_length(200_000) == 524288
    # Past 65,536 certificates new indexes spread over a longer list (past 131,072).
    from certification.models import Certificate

    monkeypatch.setattr(Certificate.objects.__class__, "count", lambda self: 150_000, raising=False)
    drawn = {services.status_index_allocate() for _ in range(200)}
    assert max(drawn) >= 131072
    assert max(drawn) < openbadges.status_list_length(150_001)
