"""Statement attachments and signed statements.

- multipart/mixed requests (xAPI 1.0.3 Part Three §1.5.2): the first part is the statements
  as JSON, each further part one attachment's raw content, named by its
  ``X-Experience-API-Hash``. Every part's content must hash to the ``sha2`` it claims, every
  attachment without a ``fileUrl`` must arrive as a part, and no part may be left over.
- signed statements (Part Two §2.6): an attachment of usage type ``.../signature`` whose
  content is a JWS (compact serialisation) signed with RS256, RS384 or RS512. Its payload
  must be the statement itself (what the store and the signature add left aside); when the
  header carries the signer's certificate (``x5c``) the signature is verified with it. We
  use joserfc (docs/decisions/0020-joserfc-for-signed-statements.md).
"""

import base64
import functools
import hashlib
import json
import re
import uuid

from django.utils.translation import gettext as _

from lms.records.models import StatementAttachment
from lms.records.services import StatementInvalid

SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"
SIGNING_ALGORITHMS = ["RS256", "RS384", "RS512"]


@functools.cache
def _registry():
    from joserfc import jws

    class Registry(jws.JWSRegistry):
        # A certificate chain (x5c) in the header outgrows joserfc's default 512 bytes.
        max_header_length = 16 * 1024
        max_payload_length = 512 * 1024

    return Registry(algorithms=SIGNING_ALGORITHMS)


_HASHES = {64: hashlib.sha256, 96: hashlib.sha384, 128: hashlib.sha512}
_BOUNDARY = re.compile(r'boundary="?([^";]+)"?', re.I)


def sha2_of(content: bytes, claimed: str) -> str:
    return _HASHES.get(len(claimed), hashlib.sha256)(content).hexdigest()


def multipart_parse(body: bytes, content_type_header: str) -> tuple[bytes, dict[str, tuple]]:
    """The first part's content and the attachments by their hash: ``{sha2: (content type,
    content)}``. Refuses (400) a body that is not multipart/mixed as xAPI describes it."""
    match = _BOUNDARY.search(content_type_header or "")
    if match is None:
        raise StatementInvalid(_("A multipart/mixed request needs a boundary."))
    delimiter = b"--" + match.group(1).encode()
    chunks = body.split(delimiter)
    if len(chunks) < 3:
        raise StatementInvalid(_("The multipart/mixed body has no parts."))
    parts = []
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            break
        chunk = chunk.removeprefix(b"\r\n")
        head, sep, content = chunk.partition(b"\r\n\r\n")
        if not sep:
            raise StatementInvalid(_("A part of the multipart/mixed body has no headers."))
        headers = {}
        for line in head.decode("latin-1").split("\r\n"):
            name, _colon, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        parts.append((headers, content.removesuffix(b"\r\n")))
    first_headers, first = parts[0]
    if not first_headers.get("content-type", "").startswith("application/json"):
        raise StatementInvalid(_("The first part must be the statements as application/json."))
    attachments = {}
    for headers, content in parts[1:]:
        claimed = headers.get("x-experience-api-hash", "")
        if not claimed:
            raise StatementInvalid(_("Each attachment part needs an X-Experience-API-Hash."))
        if headers.get("content-transfer-encoding", "binary").lower() != "binary":
            raise StatementInvalid(_("Attachment parts must use Content-Transfer-Encoding binary."))
        if sha2_of(content, claimed) != claimed.lower():
            raise StatementInvalid(
                _("An attachment's content does not match its hash %(hash)s.") % {"hash": claimed}
            )
        attachments[claimed.lower()] = (headers.get("content-type", ""), content)
    return first, attachments


def _declared(statements: list[dict]):
    for index, statement in enumerate(statements):
        for attachment in statement.get("attachments") or []:
            if isinstance(attachment, dict):
                yield index, statement, attachment


def attachments_check_parts(statements: list[dict], parts: dict[str, tuple]) -> None:
    """Every attachment without a fileUrl has its part; no part is left over; signatures
    hold."""
    used = set()
    for index, statement, attachment in _declared(statements):
        sha2 = str(attachment.get("sha2", "")).lower()
        if sha2 in parts:
            used.add(sha2)
            if attachment.get("usageType") == SIGNATURE:
                signature_check(statement, parts[sha2][1], index=index)
        elif "fileUrl" not in attachment or attachment.get("usageType") == SIGNATURE:
            raise StatementInvalid(
                _("The attachment %(hash)s was neither sent nor given a fileUrl.") % {"hash": sha2},
                index=index,
            )
    if set(parts) - used:
        raise StatementInvalid(_("A part of the request belongs to no statement's attachment."))


def _comparable(statement: dict) -> dict:
    """What a signature covers: the statement without what the store sets, and without
    the signature attachment itself (Part Two §2.6)."""
    kept = {
        key: value
        for key, value in statement.items()
        if key not in {"authority", "stored", "version", "attachments", "id"}
    }
    others = [a for a in statement.get("attachments") or [] if a.get("usageType") != SIGNATURE]
    if others:
        kept["attachments"] = others
    return kept


def signature_check(statement: dict, content: bytes, *, index: int) -> None:
    def refuse(message):
        raise StatementInvalid(message, index=index, field="attachments")

    # joserfc with cryptography (about 20 MB) only for the few statements that are signed
    from cryptography import x509
    from joserfc import jws
    from joserfc.errors import JoseError
    from joserfc.jwk import RSAKey

    try:
        compact = content.strip()
        extracted = jws.extract_compact(compact, registry=_registry())
        header = extracted.headers()
        if header.get("alg") not in SIGNING_ALGORITHMS:
            refuse(_("A statement signature must use RS256, RS384 or RS512."))
        chain = header.get("x5c")
        if chain:
            certificate = x509.load_der_x509_certificate(base64.b64decode(chain[0]))
            key = RSAKey.import_key(certificate.public_key())
            extracted = jws.deserialize_compact(
                compact, key, algorithms=SIGNING_ALGORITHMS, registry=_registry()
            )
        payload = json.loads(extracted.payload)
    except (JoseError, ValueError, TypeError) as error:
        raise StatementInvalid(
            _("The statement's signature is not a valid JWS."), index=index, field="attachments"
        ) from error
    if not isinstance(payload, dict):
        refuse(_("The statement's signature is not a valid JWS."))
    if (
        "id" in payload
        and "id" in statement
        and str(payload["id"]).lower() != str(statement["id"]).lower()
    ):
        refuse(_("The signed statement has another id."))
    if _comparable(payload) != _comparable(statement):
        refuse(_("The signature does not match the statement it is attached to."))


def attachments_store(parts: dict[str, tuple]) -> None:
    """Keep each attachment's content once (by hash); one query for the known ones."""
    if not parts:
        return
    known = set(
        StatementAttachment.objects.filter(sha2__in=list(parts)).values_list("sha2", flat=True)
    )
    StatementAttachment.objects.bulk_create(
        [
            StatementAttachment(sha2=sha2, content_type=content_type[:200], content=content)
            for sha2, (content_type, content) in parts.items()
            if sha2 not in known
        ],
        ignore_conflicts=True,
    )


def multipart_response_body(result: dict, statements: list[dict]) -> tuple[bytes, str]:
    """A multipart/mixed answer: the JSON first, then each stored attachment the
    statements name, once."""
    boundary = uuid.uuid4().hex
    hashes = []
    for _index, _statement, attachment in _declared(statements):
        sha2 = str(attachment.get("sha2", "")).lower()
        if sha2 and sha2 not in hashes:
            hashes.append(sha2)
    stored = {row.sha2: row for row in StatementAttachment.objects.filter(sha2__in=hashes)}
    lines = [
        f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(),
        json.dumps(result).encode(),
        b"\r\n",
    ]
    for sha2 in hashes:
        row = stored.get(sha2)
        if row is None:
            continue  # a fileUrl-only attachment
        lines += [
            (
                f"--{boundary}\r\nContent-Type: {row.content_type}\r\n"
                f"Content-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {sha2}\r\n\r\n"
            ).encode(),
            bytes(row.content),
            b"\r\n",
        ]
    lines.append(f"--{boundary}--\r\n".encode())
    return b"".join(lines), f'multipart/mixed; boundary="{boundary}"'
