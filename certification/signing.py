"""The issuer's Ed25519 key, its ``did:key`` identifier, and Data Integrity proofs with the
``eddsa-jcs-2022`` cryptosuite (JSON canonicalisation, RFC 8785) for Open Badges 3.0
credentials and the revocation status list."""

import base64
import hashlib
import json
from functools import lru_cache

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
ED25519_PUB_MULTICODEC = b"\xed\x01"


def base58btc(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, remainder = divmod(number, 58)
        out = B58[remainder] + out
    pad = len(data) - len(data.lstrip(b"\0"))
    return "1" * pad + out


def base58btc_decode(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + B58.index(char)
    pad = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * pad + body


def canonical_json(value) -> bytes:
    """RFC 8785 for the documents we make (strings, integers, booleans, lists, objects)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@lru_cache(maxsize=4)
def _private_key(seed_setting: str, secret: str) -> Ed25519PrivateKey:
    if seed_setting:
        padded = seed_setting + "=" * (-len(seed_setting) % 4)
        seed = base64.urlsafe_b64decode(padded)
    else:
        seed = HKDF(
            algorithm=hashes.SHA256(),
            length=32,
            salt=b"betterwork-certification",
            info=b"ob3-issuer-key",
        ).derive(secret.encode())
    return Ed25519PrivateKey.from_private_bytes(seed)


def private_key() -> Ed25519PrivateKey:
    return _private_key(settings.CERTIFICATION_SIGNING_KEY, settings.SECRET_KEY)


def public_key_multibase(public_key: Ed25519PublicKey | None = None) -> str:
    public_key = public_key or private_key().public_key()
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "z" + base58btc(ED25519_PUB_MULTICODEC + raw)


def issuer_did() -> str:
    return f"did:key:{public_key_multibase()}"


def verification_method() -> str:
    return f"{issuer_did()}#{public_key_multibase()}"


def public_key_from_did(did: str) -> Ed25519PublicKey:
    multibase = did.removeprefix("did:key:").split("#")[0]
    decoded = base58btc_decode(multibase[1:])
    if not decoded.startswith(ED25519_PUB_MULTICODEC):
        raise ValueError("not an Ed25519 did:key")
    return Ed25519PublicKey.from_public_bytes(decoded[2:])


def _hash_data(document: dict, proof_config: dict) -> bytes:
    return (
        hashlib.sha256(canonical_json(proof_config)).digest()
        + hashlib.sha256(canonical_json(document)).digest()
    )


def sign(document: dict, *, created: str) -> dict:
    """Return ``document`` with a ``DataIntegrityProof`` (eddsa-jcs-2022) attached."""
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    proof_config = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "created": created,
        "verificationMethod": verification_method(),
        "proofPurpose": "assertionMethod",
        "@context": unsigned["@context"],
    }
    signature = private_key().sign(_hash_data(unsigned, proof_config))
    proof = {k: v for k, v in proof_config.items() if k != "@context"}
    proof["proofValue"] = "z" + base58btc(signature)
    return {**unsigned, "proof": proof}


def verify(document: dict) -> bool:
    """Check a document signed by :func:`sign` against the key in its proof."""
    from cryptography.exceptions import InvalidSignature

    proof = dict(document.get("proof") or {})
    proof_value = proof.pop("proofValue", "")
    if proof.get("cryptosuite") != "eddsa-jcs-2022" or not proof_value.startswith("z"):
        return False
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    proof_config = {**proof, "@context": unsigned["@context"]}
    try:
        public_key_from_did(proof["verificationMethod"]).verify(
            base58btc_decode(proof_value[1:]), _hash_data(unsigned, proof_config)
        )
    except (InvalidSignature, ValueError, KeyError):
        return False
    return True
