"""The public verification page and the Open Badges documents."""

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from certification import openbadges, services, signing
from certification.models import Certificate
from tests.accounts.factories import global_admin
from tests.certification.factories import CandidacyFactory, trainer
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(programme, issue):
    holder = trainer(display_name="Lê Quang Huy", country=country("vn"), email="huy@example.org")
    return issue(CandidacyFactory(programme=programme, candidate=holder))


def test_anyone_can_verify_a_valid_certificate_without_signing_in(client, certificate):
    response = client.get(f"/verify/{certificate.code}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Lê Quang Huy" in body
    assert certificate.serial in body
    assert "verdict-valid" in body


def test_the_page_answers_in_the_visitors_language(client, certificate):
    response = client.get(f"/verify/{certificate.code}/", HTTP_ACCEPT_LANGUAGE="vi")
    assert '<html lang="vi"' in response.content.decode()
    response = client.get(f"/ar/certificates/verify/{certificate.code}/")
    assert 'dir="rtl"' in response.content.decode()


def test_expired_and_revoked_certificates_say_so(client, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(expires_on="2020-01-01")
    assert "verdict-expired" in client.get(f"/verify/{certificate.code}/").content.decode()
    services.certificate_revoke(certificate=certificate, revoked_by=global_admin(), reason="x")
    body = client.get(f"/verify/{certificate.code}/").content.decode()
    assert "verdict-revoked" in body
    assert "was revoked on" in body


def test_an_unknown_code_gets_a_clear_404(client, certificate):
    response = client.get("/verify/not-a-real-code/", HTTP_ACCEPT_LANGUAGE="vi", follow=True)
    assert response.redirect_chain == [("/vi/certificates/verify/not-a-real-code/", 302)]
    assert response.status_code == 404
    response = client.get("/en/certificates/verify/not-a-real-code/")
    assert response.status_code == 404
    assert "No certificate has the code" in response.content.decode()


@override_settings(CERTIFICATION_VERIFY_RATE="3/m")
def test_lookups_are_rate_limited(client, certificate):
    statuses = [client.get(f"/en/certificates/verify/guess-{n}/").status_code for n in range(4)]
    assert statuses == [404, 404, 404, 429]


def test_the_verification_page_costs_the_same_queries_whatever_the_data(
    client, programme, issue, certificate, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        client.get(f"/verify/{certificate.code}/")
    for _ in range(15):
        issue(CandidacyFactory(programme=programme))
    with django_assert_max_num_queries(4):
        assert client.get(f"/verify/{certificate.code}/").status_code == 200


def test_the_hosted_assertion_points_at_its_badge_class_and_issuer(client, certificate):
    url = reverse("certification_api:badge_assertion", args=[certificate.code])
    data = client.get(url).json()
    assert data["type"] == "Assertion"
    assert data["verification"] == {"type": "hosted"}
    assert data["id"].endswith(url)
    assert data["recipient"]["hashed"] is True
    assert data["recipient"]["identity"].startswith("sha256$")
    badge = client.get(reverse("certification_api:badge_class", args=[certificate.programme.slug]))
    assert badge.json()["type"] == "BadgeClass"
    assert data["badge"] == badge.json()["id"]
    issuer = client.get(reverse("certification_api:badge_issuer")).json()
    assert badge.json()["issuer"] == issuer["id"]
    baked = client.get(reverse("certification_api:badge_baked", args=[certificate.code]))
    assert f'verify="{data["id"]}"' in baked.content.decode()


def test_a_revoked_assertion_answers_gone(client, certificate):
    services.certificate_revoke(certificate=certificate, revoked_by=global_admin(), reason="Forged")
    response = client.get(reverse("certification_api:badge_assertion", args=[certificate.code]))
    assert response.status_code == 410
    assert response.json()["revoked"] is True
    assert response.json()["revocationReason"] == "Forged"


def test_the_ob3_credential_is_signed_by_the_did_key_issuer(certificate):
    credential = openbadges.credential(certificate)
    assert credential["issuer"]["id"].startswith("did:key:z6Mk")
    assert credential["validFrom"] < credential["validUntil"]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert signing.verify(credential)
    tampered = {**credential, "validUntil": "2099-12-31T23:59:59Z"}
    assert not signing.verify(tampered)


def test_revocation_shows_in_the_signed_status_list(client, certificate):
    credential = openbadges.credential(certificate)
    index = int(credential["credentialStatus"]["statusListIndex"])
    url = reverse("certification_api:status_list")
    status_list = client.get(url).json()
    assert signing.verify(status_list)
    assert not openbadges.is_revoked_in_list(status_list, index)
    services.certificate_revoke(certificate=certificate, revoked_by=global_admin(), reason="x")
    status_list = client.get(url).json()
    assert openbadges.is_revoked_in_list(status_list, index)
    assert (
        len(openbadges.decode_status_list(status_list["credentialSubject"]["encodedList"])) * 8
        >= 131072
    )


def test_only_the_holder_or_staff_download_the_credential_and_pdf(client, certificate):
    url = reverse("certification:credential", args=[certificate.code])
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(trainer())
    assert client.get(url).status_code == 403
    client.force_login(certificate.holder)
    response = client.get(url)
    assert response.status_code == 200
    assert signing.verify(response.json())
    pdf_url = reverse("certification:certificate_pdf", args=[certificate.code])
    assert client.get(pdf_url).status_code == 302  # being prepared
    services.certificate_pdf_store(certificate=certificate)  # what the worker does
    pdf = client.get(pdf_url)
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")


def test_a_code_typed_in_by_hand_leads_to_the_verification_page(client, certificate):
    url = reverse("certification:verify_lookup")
    assert client.get(url).status_code == 200
    response = client.get(url, {"code": f" {certificate.code} "})
    assert response["Location"] == reverse("certification:verify", args=[certificate.code])


def test_a_configured_signing_key_gives_its_own_did_and_still_verifies(certificate, settings):
    default_did = signing.issuer_did()
    settings.CERTIFICATION_SIGNING_KEY = "3q2-796tvu_erb7v3q2-796tvu_erb7v3q2-796tvu8"
    configured = openbadges.credential(certificate)
    assert configured["issuer"]["id"] != default_did
    assert signing.verify(configured)
    did = configured["issuer"]["id"]
    assert signing.public_key_multibase(signing.public_key_from_did(did)) == did[len("did:key:") :]


@pytest.mark.parametrize(
    "typed",
    [
        "{code}/",
        " {code} / ",
        "{base}/verify/{code}/",
        "{base}/verify/{code}",
        "{base}/en/certificates/verify/{code}/?utm=x#top",
        "verify/{code}/",
    ],
)
def test_the_form_accepts_a_pasted_address_or_a_code_with_its_slash(client, certificate, typed):
    base = settings.CERTIFICATION_PUBLIC_BASE_URL.rstrip("/")
    response = client.get(
        reverse("certification:verify_lookup"),
        {"code": typed.format(code=certificate.code, base=base)},
        follow=True,
    )
    assert response.status_code == 200
    assert certificate.serial in response.content.decode()


@pytest.mark.parametrize(
    "typed",
    ["../../etc/passwd", "<script>alert(1)</script>", "a/b/c%00", "/", "https://x/", "x" * 400],
)
def test_hostile_or_malformed_codes_answer_404(client, certificate, typed):
    response = client.get(reverse("certification:verify_lookup"), {"code": typed}, follow=True)
    assert response.status_code == 404
    body = response.content.decode()
    assert "<script>alert" not in body
    assert "Certificate not found" in body or "No certificate has the code" in body


def test_the_language_switcher_works_on_the_unprefixed_verification_page(client, certificate):
    response = client.get(f"/verify/{certificate.code}/", HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    switcher = body.split('class="language-switcher"', 1)[1].split("</details>", 1)[0]
    assert f'href="/verify/{certificate.code}/"' not in switcher  # that answers in any language
    for language in ("vi", "ar", "km"):
        target = f"/{language}/certificates/verify/{certificate.code}/"
        assert f'href="{target}"' in switcher
        assert f'lang="{language}"' in client.get(target).content.decode()
