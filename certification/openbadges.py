"""Open Badges for certificates.

- 2.0, hosted verification: the issuer profile, one badge class per programme and one
  assertion per certificate, as JSON-LD at stable public addresses; a revoked assertion
  answers 410 Gone with ``revoked: true``. The badge image is an SVG, "baked" per assertion.
- 3.0: an ``OpenBadgeCredential`` (W3C Verifiable Credentials 2.0 data model) with a
  ``did:key`` issuer, ``validFrom``/``validUntil``, a ``BitstringStatusListEntry`` pointing
  at the public revocation list, and an ``eddsa-rdfc-2022`` Data Integrity proof.
"""

import gzip
import hashlib
import hmac
import uuid
from datetime import UTC, datetime, time

from django.conf import settings
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from certification.models import Certificate, Programme

OB2_CONTEXT = "https://w3id.org/openbadges/v2"
VC2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
STATUS_LIST_MIN_BITS = 131072  # 16 KiB: the privacy floor of the Bitstring Status List spec


def status_list_length(certificates: int) -> int:
    """Entries in the status list for a number of certificates: at least 131,072 and at
    least twice the number of certificates (in blocks of 131,072), so that a random free
    index is found in a try or two and an index says little about when it was issued."""
    blocks = max(1, -(-2 * certificates // STATUS_LIST_MIN_BITS))
    return blocks * STATUS_LIST_MIN_BITS


def public_url(name: str, **kwargs) -> str:
    return settings.CERTIFICATION_PUBLIC_BASE_URL.rstrip("/") + reverse(
        f"certification_api:{name}", kwargs=kwargs
    )


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _end_of_day(day) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=UTC)


def _salt(certificate: Certificate) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"ob-salt:{certificate.code}".encode(), hashlib.sha256
    ).hexdigest()[:16]


def _recipient(certificate: Certificate) -> tuple[str, str, str]:
    """(OB2 type, hashed identity, salt): the holder's email where known, otherwise the
    certificate's verification address."""
    salt = _salt(certificate)
    email = certificate.holder.email
    kind, value = ("email", email.lower()) if email else ("url", verify_url(certificate))
    digest = hashlib.sha256((value + salt).encode()).hexdigest()
    return kind, f"sha256${digest}", salt


def verify_url(certificate: Certificate) -> str:
    return public_url("verify", code=certificate.code)


def issuer_profile() -> dict:
    return {
        "@context": OB2_CONTEXT,
        "type": "Issuer",
        "id": public_url("badge_issuer"),
        "name": settings.CERTIFICATION_ISSUER_NAME,
        "url": settings.CERTIFICATION_PUBLIC_BASE_URL.rstrip("/") + "/",
        "email": settings.CERTIFICATION_ISSUER_EMAIL,  # required by Open Badges 2.0
    }


def badge_class(programme: Programme) -> dict:
    return {
        "@context": OB2_CONTEXT,
        "type": "BadgeClass",
        "id": public_url("badge_class", slug=programme.slug),
        "name": programme.title,
        "description": programme.summary or programme.title,
        "image": public_url("badge_image", slug=programme.slug),
        "criteria": {"narrative": programme.criteria or programme.summary or programme.title},
        "issuer": public_url("badge_issuer"),
        "tags": ["Better Work", programme.get_audience_display()],
    }


def assertion(certificate: Certificate) -> dict:
    """The hosted OB 2.0 assertion; for a revoked certificate, the revocation notice."""
    url = public_url("badge_assertion", code=certificate.code)
    if certificate.revoked_at:
        return {
            "@context": OB2_CONTEXT,
            "type": "Assertion",
            "id": url,
            "revoked": True,
            "revocationReason": certificate.revocation_reason,
        }
    kind, identity, salt = _recipient(certificate)
    return {
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": url,
        "recipient": {"type": kind, "hashed": True, "salt": salt, "identity": identity},
        "badge": public_url("badge_class", slug=certificate.programme.slug),
        "verification": {"type": "hosted"},
        "issuedOn": _iso(certificate.issued_at),
        "expires": _iso(_end_of_day(certificate.expires_on)),
        "image": public_url("badge_baked", code=certificate.code),
        "evidence": verify_url(certificate),
    }


def badge_svg(programme: Programme, *, assertion_url: str | None = None) -> str:
    """The programme's badge image; with ``assertion_url`` it is baked (OB 2.0 SVG baking)."""
    title = escape(programme.title)
    prefix = escape(programme.serial_prefix)
    baked = ""
    namespace = ""
    if assertion_url:
        namespace = ' xmlns:openbadges="http://openbadges.org"'
        baked = f'<openbadges:assertion verify="{escape(assertion_url)}"></openbadges:assertion>'
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg"{namespace} viewBox="0 0 240 240" '
        f'width="240" height="240" role="img" aria-label="{title}">{baked}'
        f"<title>{title}</title>"
        '<circle cx="120" cy="120" r="114" fill="#0b5394"/>'
        '<circle cx="120" cy="120" r="98" fill="none" stroke="#f1c232" stroke-width="6"/>'
        '<path d="M84 118l24 24 48-52" fill="none" stroke="#fff" stroke-width="14" '
        'stroke-linecap="round" stroke-linejoin="round"/>'
        f'<text x="120" y="188" font-family="Noto Sans, sans-serif" font-size="22" '
        f'font-weight="700" fill="#fff" text-anchor="middle">{prefix}</text>'
        "</svg>"
    )


def credential(certificate: Certificate) -> dict:
    """The signed Open Badges 3.0 credential of a certificate."""
    from certification import signing  # cryptography and multiformats, for signing only

    programme = certificate.programme
    kind, identity, salt = _recipient(certificate)
    index = certificate.status_index
    status_url = public_url("status_list")
    document = {
        "@context": [VC2_CONTEXT, OB3_CONTEXT],
        "id": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, verify_url(certificate))}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": signing.issuer_did(),
            "type": ["Profile"],
            "name": settings.CERTIFICATION_ISSUER_NAME,
            "url": settings.CERTIFICATION_PUBLIC_BASE_URL.rstrip("/") + "/",
        },
        "validFrom": _iso(certificate.issued_at),
        "validUntil": _iso(_end_of_day(certificate.expires_on)),
        "name": programme.title,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": identity,
                    # Without an email, the hashed verification address (as in OB 2.0) is a
                    # general "identifier", the nearest of the schema's identity types.
                    "identityType": "emailAddress" if kind == "email" else "identifier",
                    "hashed": True,
                    "salt": salt,
                }
            ],
            "achievement": {
                "id": public_url("badge_class", slug=programme.slug),
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": programme.title,
                "description": programme.summary or programme.title,
                "criteria": {"narrative": programme.criteria or programme.summary or "-"},
                "image": {"id": public_url("badge_image", slug=programme.slug), "type": "Image"},
            },
        },
        "credentialStatus": {
            "id": f"{status_url}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(index),
            "statusListCredential": status_url,
        },
        "evidence": [{"id": verify_url(certificate), "type": ["Evidence"]}],
    }
    return signing.sign(document, created=_iso(certificate.issued_at))


def encoded_status_list(revoked_indexes: list[int], *, length: int = STATUS_LIST_MIN_BITS) -> str:
    """Multibase (base64url, no padding) GZIP of the bitstring; bit 0 is the first byte's
    most significant bit."""
    from multiformats import multibase  # about 10 MB, for the status list only

    size = max(length, STATUS_LIST_MIN_BITS, max(revoked_indexes, default=0) + 1)
    size += -size % 8
    bits = bytearray(size // 8)
    for index in revoked_indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    return multibase.encode(gzip.compress(bytes(bits), mtime=0), "base64url")


def decode_status_list(encoded: str) -> bytes:
    from multiformats import multibase

    return gzip.decompress(multibase.decode(encoded))


def status_list_credential() -> dict:
    from certification import signing  # cryptography and multiformats, for signing only

    url = public_url("status_list")
    summary = Certificate.objects.aggregate(count=Count("pk"), highest=Max("status_index"))
    revoked = list(
        Certificate.objects.filter(revoked_at__isnull=False).values_list("status_index", flat=True)
    )
    length = max(status_list_length(summary["count"]), (summary["highest"] or 0) + 1)
    now = _iso(timezone.now())
    document = {
        "@context": [VC2_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": signing.issuer_did(),
        "validFrom": now,
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_status_list(revoked, length=length),
        },
    }
    return signing.sign(document, created=now)


def is_revoked_in_list(status_list: dict, index: int) -> bool:
    bits = decode_status_list(status_list["credentialSubject"]["encodedList"])
    return bool(bits[index // 8] & (0x80 >> (index % 8)))
