"""The files assessors and committees attach as evidence (photos, documents): which kinds,
how large. The checks themselves are the core's (lms/uploads.py)."""

from django.conf import settings

from lms.uploads import UploadPolicy, validate_upload

EVIDENCE_EXTENSIONS = ("jpg", "jpeg", "png", "webp", "pdf", "docx", "xlsx", "odt")


def evidence_policy() -> UploadPolicy:
    return UploadPolicy(
        extensions=frozenset(EVIDENCE_EXTENSIONS),
        max_bytes=settings.COMPLIANCE_EVIDENCE_MAX_BYTES,
    )


def validate_evidence_file(file) -> None:
    validate_upload(file, policy=evidence_policy())
