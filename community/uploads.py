"""Checking files people attach to posts: size, extension and what the bytes really are."""

import secrets
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from lms.sanitizer import strip_bidi_controls

IMAGE_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "txt": "text/plain",
}


@dataclass(frozen=True)
class CheckedUpload:
    file: object
    name: str
    content_type: str
    size: int
    is_image: bool
    token: str


def max_bytes() -> int:
    return getattr(settings, "COMMUNITY_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024)


def check_upload(upload) -> CheckedUpload:
    """Return what we will store, or raise ValidationError saying why not."""
    name = get_valid_filename(strip_bidi_controls(PurePath(upload.name or "file").name))[:150]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if upload.size > max_bytes():
        raise ValidationError(
            _("%(name)s is too large: files may be at most %(limit)s."),
            params={"name": name, "limit": filesizeformat(max_bytes())},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("%(name)s is empty."), params={"name": name}, code="empty")
    if extension in IMAGE_TYPES:
        upload.seek(0)
        try:
            with Image.open(upload) as image:
                image_format = image.format
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
            raise ValidationError(
                _("%(name)s is not a picture we can show."), params={"name": name}, code="image"
            ) from error
        if image_format not in IMAGE_FORMATS:
            raise ValidationError(
                _("%(name)s is not a picture we can show."), params={"name": name}, code="image"
            )
        upload.seek(0)
        return CheckedUpload(
            upload, name, IMAGE_FORMATS[image_format], upload.size, True, secrets.token_hex(8)
        )
    if extension in DOCUMENT_TYPES:
        upload.seek(0)
        head = upload.read(8)
        upload.seek(0)
        looks_right = {
            "pdf": head.startswith(b"%PDF-"),
            "docx": head.startswith(b"PK\x03\x04"),
            "xlsx": head.startswith(b"PK\x03\x04"),
            "pptx": head.startswith(b"PK\x03\x04"),
            "txt": _is_text(upload),
        }[extension]
        if not looks_right:
            raise ValidationError(
                _("%(name)s does not contain what its name says."),
                params={"name": name},
                code="mismatch",
            )
        return CheckedUpload(
            upload, name, DOCUMENT_TYPES[extension], upload.size, False, secrets.token_hex(8)
        )
    raise ValidationError(
        _(
            "%(name)s: only pictures (JPEG, PNG, WebP) and documents (PDF, Word, Excel, "
            "PowerPoint, text) may be attached."
        ),
        params={"name": name},
        code="type",
    )


def _is_text(upload) -> bool:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in data
