"""Checks on files candidates upload as evidence: size, and that the content is what the
name says (a renamed executable is refused)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

# The first bytes each kind of file starts with.
SIGNATURES = {
    "pdf": [b"%PDF-"],
    "png": [b"\x89PNG\r\n\x1a\n"],
    "jpg": [b"\xff\xd8\xff"],
    "jpeg": [b"\xff\xd8\xff"],
    "docx": [b"PK\x03\x04"],
    "odt": [b"PK\x03\x04"],
    "mp3": [b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"],
}
# MP4 and M4A carry "ftyp" at offset 4.
FTYP = {"mp4", "m4a"}


def validate_evidence_file(file) -> None:
    if getattr(file, "_committed", False):
        return  # already in storage: it was checked when it was uploaded
    limit = settings.CERTIFICATION_EVIDENCE_MAX_BYTES
    if file.size > limit:
        raise ValidationError(
            _("This file is too large: the limit is %(limit)s."),
            code="too_large",
            params={"limit": filesizeformat(limit)},
        )
    extension = file.name.rsplit(".", 1)[-1].lower() if "." in file.name else ""
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(16)
    file.seek(position)
    if extension in FTYP:
        ok = head[4:8] == b"ftyp"
    else:
        ok = any(head.startswith(sig) for sig in SIGNATURES.get(extension, [b""]))
    if not ok:
        raise ValidationError(
            _("The content of this file does not match its type (.%(extension)s)."),
            code="mismatch",
            params={"extension": extension},
        )
