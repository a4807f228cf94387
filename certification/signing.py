"""The issuer's Ed25519 key, its ``did:key`` identifier, and W3C Data Integrity proofs with
the ``eddsa-rdfc-2022`` cryptosuite for Open Badges 3.0 credentials and the revocation
status list (decision 0401).

Libraries do the work: ``pyld`` canonicalises the JSON-LD (RDF Dataset Canonicalization,
RDFC-1.0, which pyld names URDNA2015) with a document loader that serves the JSON-LD
contexts from ``certification/contexts/`` and never goes to the network; ``multiformats``
encodes the multibase (base58btc) and multicodec (``ed25519-pub``) values; ``cryptography``
signs and verifies Ed25519.
"""

import base64
import copy
import hashlib
import json
from functools import cache, lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from multiformats import multibase, multicodec

CRYPTOSUITE = "eddsa-rdfc-2022"
CONTEXTS_DIR = Path(__file__).resolve().parent / "contexts"
# The JSON-LD contexts our documents use, served from local copies (see contexts/README.md).
CONTEXT_FILES = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-v3p0-context-3.0.3.json",
}


class SigningError(ValueError):
    """A document could not be canonicalised (e.g. it names a context we do not hold)."""


@cache
def _context(url: str) -> dict:
    return json.loads((CONTEXTS_DIR / CONTEXT_FILES[url]).read_text(encoding="utf-8"))


def document_loader(url: str, options=None) -> dict:
    """pyld document loader: our local copies of the contexts, nothing from the network."""
    from pyld import jsonld  # only signing needs it; a page request never does

    if url not in CONTEXT_FILES:
        raise jsonld.JsonLdError(
            f"Context {url} is not held locally; refusing to fetch it.",
            "jsonld.LoadDocumentError",
            code="loading document failed",
        )
    return {"contextUrl": None, "documentUrl": url, "document": copy.deepcopy(_context(url))}


def canonicalize(document: dict) -> bytes:
    """The RDFC-1.0 canonical N-Quads of a JSON-LD document."""
    from pyld import jsonld  # pyld and requests, ~7 MB, loaded by the processes that sign

    try:
        nquads = jsonld.normalize(
            document,
            {
                "algorithm": "URDNA2015",
                "format": "application/n-quads",
                "documentLoader": document_loader,
                "base": None,
            },
        )
    except jsonld.JsonLdError as error:
        raise SigningError(str(error)) from error
    if not nquads:
        raise SigningError("The document has no linked data to sign.")
    return nquads.encode()


# --- keys ---------------------------------------------------------------------------------


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
    """The Multikey form of the public key: multibase base58btc of the multicodec
    ``ed25519-pub`` header and the 32 raw bytes (``z6Mk…``)."""
    public_key = public_key or private_key().public_key()
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return multibase.encode(multicodec.wrap("ed25519-pub", raw), "base58btc")


def issuer_did() -> str:
    return f"did:key:{public_key_multibase()}"


def verification_method() -> str:
    return f"{issuer_did()}#{public_key_multibase()}"


def public_key_from_did(did: str) -> Ed25519PublicKey:
    """The Ed25519 key of a ``did:key`` (or of one of its verification methods)."""
    fingerprint = did.removeprefix("did:key:").split("#")[0]
    try:
        codec, raw = multicodec.unwrap(multibase.decode(fingerprint))
    except (KeyError, ValueError) as error:
        raise ValueError("not a did:key") from error
    if codec.name != "ed25519-pub":
        raise ValueError("not an Ed25519 did:key")
    return Ed25519PublicKey.from_public_bytes(raw)


# --- Data Integrity proofs (eddsa-rdfc-2022) ----------------------------------------------


def _hash_data(unsecured: dict, proof_config: dict) -> bytes:
    """Hashing (vc-di-eddsa 3.3.4): SHA-256 of the canonical proof configuration, then
    SHA-256 of the canonical document."""
    return (
        hashlib.sha256(canonicalize(proof_config)).digest()
        + hashlib.sha256(canonicalize(unsecured)).digest()
    )


def sign(document: dict, *, created: str) -> dict:
    """Return ``document`` with an ``eddsa-rdfc-2022`` ``DataIntegrityProof``.

    As the cryptosuite's Proof Configuration says, the configuration that is signed carries
    the document's ``@context``; the published proof is the proof options plus
    ``proofValue`` and takes its terms from the document's context."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method(),
        "proofPurpose": "assertionMethod",
    }
    proof_config = {"@context": unsecured["@context"], **options}
    signature = private_key().sign(_hash_data(unsecured, proof_config))
    return {
        **unsecured,
        "proof": {**options, "proofValue": multibase.encode(signature, "base58btc")},
    }


def _contexts(value) -> list:
    return value if isinstance(value, list) else [value]


def verify(document: dict) -> bool:
    """Verify an ``eddsa-rdfc-2022`` proof (vc-data-integrity 4.4 and vc-di-eddsa 3.3.2)."""
    proof = document.get("proof")
    if not isinstance(proof, dict):
        return False
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    proof_value = proof.get("proofValue", "")
    if (
        options.get("type") != "DataIntegrityProof"
        or options.get("cryptosuite") != CRYPTOSUITE
        or not isinstance(proof_value, str)
        or not proof_value.startswith("z")
    ):
        return False
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    if "@context" in options:
        # The proof's own context must open the document's, and then stands for it.
        mine, theirs = _contexts(options["@context"]), _contexts(unsecured.get("@context"))
        if theirs[: len(mine)] != mine:
            return False
        unsecured["@context"] = options["@context"]
    proof_config = {**options, "@context": unsecured.get("@context")}
    try:
        signature = multibase.decode(proof_value)
        key = public_key_from_did(options["verificationMethod"])
        key.verify(signature, _hash_data(unsecured, proof_config))
    except (InvalidSignature, ValueError, KeyError, TypeError, SigningError):
        return False
    return True
