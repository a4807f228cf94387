"""The files assessors and committees attach as evidence (photos, documents): which kinds,
how large, and how they are handed out once a view has checked permission. The checks
themselves are the core's (lms/uploads.py); the private storage is lms/private_files.py."""

from django.conf import settings

from lms.private_files import private_file_response
from lms.uploads import UploadPolicy, validate_upload

EVIDENCE_EXTENSIONS = ("jpg", "jpeg", "png", "webp", "pdf", "docx", "xlsx", "odt")


def evidence_policy() -> UploadPolicy:
    return UploadPolicy(
        extensions=frozenset(EVIDENCE_EXTENSIONS),
        max_bytes=settings.COMPLIANCE_EVIDENCE_MAX_BYTES,
    )


def validate_evidence_file(file) -> None:
    validate_upload(file, policy=evidence_policy())


def evidence_response(evidence, *, viewer=None):
    """An evidence file, once permission is checked: from private storage (X-Accel-Redirect
    or a signed address in production, lms.private_files), pictures shown, documents saved.
    A file opened by someone other than who uploaded it goes into the audit trail."""
    if viewer is not None and evidence.uploaded_by_id != viewer.pk:
        from lms.accounts.audit import audit_access

        audit_access(actor=viewer, subject=evidence, what="evidence downloaded")
    response = private_file_response(
        evidence.file,
        filename=evidence.original_name,
        as_attachment=not evidence.is_image,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
