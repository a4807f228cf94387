"""What people may attach to posts. The checks themselves are the core's (lms/uploads.py)."""

from django.conf import settings

from lms.uploads import CheckedUpload, UploadPolicy, check_upload

ATTACHMENT_EXTENSIONS = ["jpg", "jpeg", "png", "webp", "pdf", "docx", "xlsx", "pptx", "txt"]


def attachment_policy() -> UploadPolicy:
    return UploadPolicy(
        extensions=ATTACHMENT_EXTENSIONS,
        max_bytes=settings.COMMUNITY_ATTACHMENT_MAX_BYTES,
        max_name_length=150,
    )


def check_attachment(upload) -> CheckedUpload:
    """Return what we will store, or raise ValidationError saying why not."""
    return check_upload(upload, policy=attachment_policy())
