"""The evidence candidates upload (portfolio submissions, CPD activities): which kinds, how
large. The checks themselves are the core's (lms/uploads.py)."""

from django.conf import settings

from lms.uploads import UploadPolicy, validate_upload


def evidence_policy() -> UploadPolicy:
    # certification.models imports this module, hence the late import.
    from certification.models import EVIDENCE_EXTENSIONS

    return UploadPolicy(
        extensions=EVIDENCE_EXTENSIONS, max_bytes=settings.CERTIFICATION_EVIDENCE_MAX_BYTES
    )


def validate_evidence_file(file) -> None:
    validate_upload(file, policy=evidence_policy())
