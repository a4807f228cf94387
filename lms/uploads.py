"""The one checker for files people upload as evidence or attachments (decision 0003).

A room describes what it accepts in an :class:`UploadPolicy` (extensions and a size limit)
and calls :func:`check_upload` (forms) or :func:`validate_upload` (model field validators).
The checker trusts neither the file name nor the browser's content type: it reads the first
bytes to learn what the file really is, refuses a name that says otherwise, and then checks
each kind in depth. Pictures are opened with Pillow, their pixels counted before anything is
decoded (decompression bombs) and then decoded in full (truncated or damaged files). PDFs must
end. Office documents are zip archives: their entry names may not escape the archive, their
entries, unpacked size and compression ratio are bounded (zip bombs), macros are refused, and
every entry is read back against its checksum. Text must be UTF-8 (or UTF-16 with a byte
order mark). Every refusal is a translated sentence that names the file and the limit.

Interactive packages (H5P, SCORM) and video or audio masters have their own, stricter checks
in ``media_library``; this module is for the files people attach to their work.
"""

import codecs
import stat
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import IO

from defusedxml import ElementTree
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from lms.sanitizer import strip_bidi_controls

CHUNK = 64 * 1024
# A ratio is only judged for data big enough to hurt: small, repetitive XML parts of an
# ordinary document are often compressed 100 times.
RATIO_FLOOR_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Kind:
    """What an accepted extension must contain."""

    content: str  # what the first bytes say (see _sniff), refined for zip-based documents
    content_type: str  # what we serve it as: never the browser's word
    label: Promise  # for "Accepted: ..." lists
    pillow_format: str = ""


JPEG = Kind("jpeg", "image/jpeg", _("JPEG picture"), "JPEG")
KINDS: dict[str, Kind] = {
    "jpg": JPEG,
    "jpeg": JPEG,
    "png": Kind("png", "image/png", _("PNG picture"), "PNG"),
    "webp": Kind("webp", "image/webp", _("WebP picture"), "WEBP"),
    "pdf": Kind("pdf", "application/pdf", _("PDF")),
    "docx": Kind(
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _("Word document (.docx)"),
    ),
    "xlsx": Kind(
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _("Excel workbook (.xlsx)"),
    ),
    "pptx": Kind(
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _("PowerPoint presentation (.pptx)"),
    ),
    "odt": Kind("odt", "application/vnd.oasis.opendocument.text", _("OpenDocument text (.odt)")),
    "txt": Kind("text", "text/plain", _("plain text (.txt)")),
    "mp4": Kind("isomedia", "video/mp4", _("MP4 video")),
    "m4a": Kind("isomedia", "audio/mp4", _("M4A audio")),
    "mp3": Kind("mp3", "audio/mpeg", _("MP3 audio")),
}
PICTURES = {"jpeg", "png", "webp"}
ZIP_DOCUMENTS = {"docx", "xlsx", "pptx", "odt"}

# What we tell people a file really holds when its name says otherwise.
FOUND = {
    "jpeg": _("a JPEG picture"),
    "png": _("a PNG picture"),
    "webp": _("a WebP picture"),
    "gif": _("a GIF picture"),
    "pdf": _("a PDF"),
    "zip": _("a zip archive"),
    "docx": _("a Word document"),
    "xlsx": _("an Excel workbook"),
    "pptx": _("a PowerPoint presentation"),
    "odt": _("an OpenDocument text"),
    "opendocument": _("another OpenDocument file"),
    "macro": _("an Office document with macros"),
    "ole": _("an old Office file (.doc, .xls, .ppt) or a password-protected document"),
    "isomedia": _("an MP4 video or M4A audio"),
    "mp3": _("an MP3 audio"),
    "windows_program": _("a Windows program"),
    "linux_program": _("a Linux program"),
    "mac_program": _("a Mac program or Java code"),
    "archive": _("a compressed archive"),
    "text": _("plain text"),
    "unknown": _("data of an unknown kind"),
}

# First bytes, checked in order. ISO media (MP4, M4A) carry "ftyp" at offset 4 instead.
SIGNATURES = [
    (b"%PDF-", "pdf"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"MZ", "windows_program"),
    (b"\x7fELF", "linux_program"),
    (b"\xfe\xed\xfa\xce", "mac_program"),
    (b"\xfe\xed\xfa\xcf", "mac_program"),
    (b"\xce\xfa\xed\xfe", "mac_program"),
    (b"\xcf\xfa\xed\xfe", "mac_program"),
    (b"\xca\xfe\xba\xbe", "mac_program"),
    (b"Rar!\x1a\x07", "archive"),
    (b"7z\xbc\xaf\x27\x1c", "archive"),
    (b"\x1f\x8b", "archive"),
    (b"ID3", "mp3"),
]
TEXT_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)

# The main part of an Office Open XML package names what it is in [Content_Types].xml.
OOXML_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "pptx",
    "application/vnd.ms-word.document.macroEnabled.main+xml": "macro",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml": "macro",
    "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml": "macro",
}
ODF_MIMETYPES = {"application/vnd.oasis.opendocument.text": "odt"}
CONTENT_TYPES_PART = "[Content_Types].xml"
SMALL_PART_BYTES = 1024 * 1024

# What parsers raise on hostile bytes: each means the file is broken, never a server error.
PARSER_ERRORS = (OSError, EOFError, ValueError, struct.error, zlib.error)
PICTURE_ERRORS = (*PARSER_ERRORS, UnidentifiedImageError, SyntaxError)
# NotImplementedError: a compression zipfile lacks (Deflate64); RuntimeError: encryption.
ZIP_ERRORS = (*PARSER_ERRORS, zipfile.BadZipFile, NotImplementedError, RuntimeError)


@dataclass(frozen=True)
class UploadPolicy:
    """What one kind of upload may be. Limits left as ``None`` come from the ``UPLOAD_*``
    settings when a file is checked, so a deployment (or a test) can change them."""

    extensions: frozenset[str]
    max_bytes: int
    max_name_length: int = 100
    max_image_pixels: int | None = None
    max_archive_entries: int | None = None
    max_unpacked_bytes: int | None = None
    max_compression_ratio: int | None = None
    labels: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        extensions = frozenset(e.lower().lstrip(".") for e in self.extensions)
        unknown = extensions - KINDS.keys()
        if unknown:
            raise ImproperlyConfigured(
                f"lms.uploads has no check for {', '.join(sorted(unknown))}; add it to KINDS."
            )
        object.__setattr__(self, "extensions", extensions)
        labels = dict.fromkeys(KINDS[e].label for e in sorted(extensions, key=list(KINDS).index))
        object.__setattr__(self, "labels", tuple(labels))

    def limit(self, name: str) -> int:
        value = getattr(self, name)
        return value if value is not None else getattr(settings, f"UPLOAD_{name.upper()}")


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed: the file (rewound), a safe name, and what it really is."""

    file: IO
    name: str
    extension: str
    content_type: str
    size: int
    is_image: bool


def sanitize_filename(name: str, *, max_length: int = 100) -> str:
    """A file name safe to store and to show: no folders, no control or bidirectional
    characters, only letters (of any script), digits, ``-`` and ``_`` before one final
    extension (``invoice.pdf.exe`` keeps ``.exe``; ``photo.php.png`` becomes
    ``photo_php.png``)."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = strip_bidi_controls(name.replace("\\", "/").rsplit("/", 1)[-1])
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    extension = "".join(c for c in extension.lower() if c.isascii() and c.isalnum())[:10]
    kept = []
    for character in stem:
        if character.isspace() or character == ".":
            kept.append("_")
        elif unicodedata.category(character)[0] in "LMN" or character in "-_":
            kept.append(character)
    stem = "".join(kept).strip("_-") or "file"
    room = max(1, max_length - len(extension) - 1) if extension else max_length
    stem = stem[:room]
    return f"{stem}.{extension}" if extension else stem


def check_upload(file, *, policy: UploadPolicy) -> CheckedUpload:
    """Return what may be stored, or raise ValidationError saying why not."""
    name = sanitize_filename(getattr(file, "name", ""), max_length=policy.max_name_length)
    extension = name.rpartition(".")[2] if "." in name else ""
    if extension not in policy.extensions:
        raise ValidationError(
            _("“%(name)s” is not a kind of file accepted here. Accepted: %(kinds)s."),
            code="kind",
            params={"name": name, "kinds": ", ".join(str(label) for label in policy.labels)},
        )
    size = file.size
    if not size:
        raise ValidationError(_("“%(name)s” is empty."), code="empty", params={"name": name})
    if size > policy.max_bytes:
        raise ValidationError(
            _("“%(name)s” is too large: it has %(size)s and the limit is %(limit)s."),
            code="too_large",
            params={
                "name": name,
                "size": filesizeformat(size),
                "limit": filesizeformat(policy.max_bytes),
            },
        )
    kind = KINDS[extension]
    try:
        _check_content(file, name=name, extension=extension, kind=kind, policy=policy)
    finally:
        file.seek(0)
    return CheckedUpload(
        file=file,
        name=name,
        extension=extension,
        content_type=kind.content_type,
        size=size,
        is_image=kind.content in PICTURES,
    )


def validate_upload(value, *, policy: UploadPolicy) -> None:
    """For model field validators: a file already stored was checked when it was sent (and
    is not read back from storage on every later ``full_clean``)."""
    if getattr(value, "_committed", False):
        return
    check_upload(value, policy=policy)


# --- what the bytes are ----------------------------------------------------------------------


def _read_head(file, size=64) -> bytes:
    file.seek(0)
    return file.read(size)


def _sniff(head: bytes) -> str:
    for signature, content in SIGNATURES:
        if head.startswith(signature):
            return content
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp":
        return "isomedia"
    # MPEG audio frame sync, layer III (0xFFFB, 0xFFF3 ...): not the UTF-16 BOM 0xFFFE.
    if len(head) > 1 and head[0] == 0xFF and head[1] & 0xE6 == 0xE2:
        return "mp3"
    if head.startswith(TEXT_BOMS) or b"\x00" not in head:
        return "text"
    return "unknown"


def _mismatch(*, name, extension, found) -> ValidationError:
    if KINDS[extension].content in PICTURES:
        return ValidationError(
            _("“%(name)s” is not a picture we can show: it holds %(found)s."),
            code="not_a_picture",
            params={"name": name, "found": FOUND[found]},
        )
    return ValidationError(
        _(
            "The content of “%(name)s” does not match its type (.%(extension)s): "
            "it holds %(found)s."
        ),
        code="mismatch",
        params={"name": name, "extension": extension, "found": FOUND[found]},
    )


def _check_content(file, *, name, extension, kind, policy):
    found = _sniff(_read_head(file))
    if found == "zip" and kind.content in ZIP_DOCUMENTS:
        _check_zip_document(file, name=name, extension=extension, kind=kind, policy=policy)
        return
    if found == "text" and kind.content != "text":
        found = "text" if _is_text(file) else "unknown"
    if found != kind.content:
        raise _mismatch(name=name, extension=extension, found=found)
    if kind.content in PICTURES:
        _check_picture(file, name=name, kind=kind, policy=policy)
    elif kind.content == "pdf":
        _check_pdf(file, name=name)
    elif kind.content == "text" and not _is_text(file):
        raise ValidationError(
            _("“%(name)s” is not plain text: save it as UTF-8 text and send it again."),
            code="not_text",
            params={"name": name},
        )


# --- pictures --------------------------------------------------------------------------------


def _check_picture(file, *, name, kind, policy):
    limit = policy.limit("max_image_pixels")
    too_many_pixels = ValidationError(
        _("“%(name)s” has too many pixels: pictures may have at most %(limit)s million."),
        code="pixels",
        params={"name": name, "limit": f"{limit / 1_000_000:g}"},
    )
    damaged = ValidationError(
        _("“%(name)s” is damaged or incomplete: the picture cannot be read. Send it again."),
        code="damaged",
        params={"name": name},
    )
    # Pillow decodes a cut-off JPEG without complaint once anything in the process has set
    # ImageFile.LOAD_TRUNCATED_IMAGES (WeasyPrint does, on import): look for its end ourselves.
    if kind.content == "jpeg" and not _jpeg_is_complete(file):
        raise damaged
    try:
        file.seek(0)
        with Image.open(file, formats=[kind.pillow_format]) as image:
            width, height = image.size
            frames = getattr(image, "n_frames", 1)
            # Counted from the header, before a single pixel is decoded.
            if width * height * frames > limit:
                raise too_many_pixels
            image.verify()
        file.seek(0)
        with Image.open(file, formats=[kind.pillow_format]) as image:
            if image.format == "JPEG":
                # Decode at an eighth of the size: every byte is still read, in 1/64 the memory.
                image.draft(image.mode, (max(1, width // 8), max(1, height // 8)))
            for frame in range(frames):
                image.seek(frame)
                image.load()
    except Image.DecompressionBombError:
        raise too_many_pixels from None
    except PICTURE_ERRORS as error:
        # The first bytes already said this kind of picture: what follows is broken.
        raise damaged from error


def _jpeg_is_complete(file) -> bool:
    """Walk the JPEG's segments to its end-of-image marker. Entropy-coded data after a
    start-of-scan has no length: it runs to the next marker that is neither a stuffed 0xFF00
    nor a restart marker. Data after the end (camera trailers) is allowed."""
    file.seek(0)
    data = file.read()
    position = 2  # after the start-of-image marker
    while position + 1 < len(data):
        if data[position] != 0xFF:
            return False
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte before a marker
            position += 1
        elif marker == 0xD9:
            return True
        elif marker == 0x01 or 0xD0 <= marker <= 0xD7:
            position += 2
        else:
            if position + 4 > len(data):
                return False
            position += 2 + int.from_bytes(data[position + 2 : position + 4], "big")
            if marker == 0xDA:
                position = _end_of_scan(data, position)
    return False


def _end_of_scan(data: bytes, position: int) -> int:
    while (position := data.find(b"\xff", position)) != -1 and position + 1 < len(data):
        following = data[position + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:
            position += 2
        elif following == 0xFF:
            position += 1
        else:
            return position
    return len(data)


# --- PDF -------------------------------------------------------------------------------------


def _check_pdf(file, *, name):
    # A PDF ends with %%EOF (readers look in its last kilobyte); a cut-off upload does not.
    file.seek(max(0, file.size - 1024))
    if b"%%EOF" not in file.read(1024):
        raise ValidationError(
            _("“%(name)s” is incomplete: the PDF stops before its end. Send it again."),
            code="truncated",
            params={"name": name},
        )


# --- plain text ------------------------------------------------------------------------------


def _is_text(file) -> bool:
    head = _read_head(file, 4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        decoder = codecs.getincrementaldecoder("utf-16")()
        nul_allowed = True
    else:
        decoder = codecs.getincrementaldecoder("utf-8-sig")()
        nul_allowed = False
    file.seek(0)
    try:
        while chunk := file.read(CHUNK):
            if "\x00" in decoder.decode(chunk) or (not nul_allowed and b"\x00" in chunk):
                return False
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


# --- zip-based documents ---------------------------------------------------------------------


def _unsafe_entry_name(info: zipfile.ZipInfo) -> bool:
    entry = info.filename
    if "\x00" in entry or "\\" in entry or entry.startswith("/"):
        return True
    if len(entry) > 1 and entry[1] == ":":
        return True
    if any(part == ".." for part in entry.split("/")):
        return True
    return info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16)


def _check_zip_document(file, *, name, extension, kind, policy):
    damaged = ValidationError(
        _("“%(name)s” is damaged: the document cannot be opened. Save it again and resend it."),
        code="damaged",
        params={"name": name},
    )
    file.seek(0)
    try:
        archive = zipfile.ZipFile(file)
    except ZIP_ERRORS as error:
        raise damaged from error
    with archive:
        infos = archive.infolist()
        _check_zip_limits(infos, name=name, policy=policy, damaged=damaged)
        try:
            found = _zip_document_kind(archive)
            if found != kind.content:
                raise _mismatch(name=name, extension=extension, found=found)
            # Each entry read back: zipfile stops at the declared size and checks the CRC,
            # so a damaged entry or one that lies about its size fails here.
            for info in infos:
                if not info.is_dir():
                    with archive.open(info) as stream:
                        while stream.read(CHUNK):
                            pass
        except ZIP_ERRORS as error:
            raise damaged from error


def _check_zip_limits(infos, *, name, policy, damaged):
    max_entries = policy.limit("max_archive_entries")
    if len(infos) > max_entries:
        raise ValidationError(
            _("“%(name)s” holds %(count)s parts; a document may hold at most %(limit)s."),
            code="entries",
            params={"name": name, "count": len(infos), "limit": max_entries},
        )
    max_ratio = policy.limit("max_compression_ratio")
    bomb = ValidationError(
        _(
            "“%(name)s” is compressed more than %(ratio)s times over: this looks like a zip "
            "bomb, so it is refused."
        ),
        code="zip_bomb",
        params={"name": name, "ratio": max_ratio},
    )
    seen, total, compressed = set(), 0, 0
    for info in infos:
        if _unsafe_entry_name(info):
            raise ValidationError(
                _(
                    "“%(name)s” holds a part named “%(part)s” that points outside the document; "
                    "it is refused."
                ),
                code="unsafe_path",
                params={"name": name, "part": strip_bidi_controls(info.filename)[:200]},
            )
        if info.flag_bits & 0x1:
            raise ValidationError(
                _("“%(name)s” is protected by a password. Remove the password and send it again."),
                code="encrypted",
                params={"name": name},
            )
        if info.filename in seen:
            raise damaged
        seen.add(info.filename)
        if info.filename.rsplit("/", 1)[-1].lower() == "vbaproject.bin":
            raise _macros(name)
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > max_ratio * max(
            info.compress_size, 1
        ):
            raise bomb
        total += info.file_size
        compressed += info.compress_size
    max_unpacked = policy.limit("max_unpacked_bytes")
    if total > max_unpacked:
        raise ValidationError(
            _("Unpacked, “%(name)s” would take %(size)s; a document may take at most %(limit)s."),
            code="unpacked",
            params={
                "name": name,
                "size": filesizeformat(total),
                "limit": filesizeformat(max_unpacked),
            },
        )
    if total > RATIO_FLOOR_BYTES and total > max_ratio * max(compressed, 1):
        raise bomb


def _macros(name) -> ValidationError:
    return ValidationError(
        _(
            "“%(name)s” contains macros, which could run programs on a reviewer's computer. "
            "Save it without macros and send it again."
        ),
        code="macros",
        params={"name": name},
    )


def _read_small_part(archive: zipfile.ZipFile, part: str) -> bytes:
    info = archive.getinfo(part)
    if info.file_size > SMALL_PART_BYTES:
        raise zipfile.BadZipFile(f"{part} is too large")
    with archive.open(info) as stream:
        return stream.read(SMALL_PART_BYTES + 1)


def _zip_document_kind(archive: zipfile.ZipFile) -> str:
    """docx, xlsx, pptx, odt, macro, opendocument or zip: what the package says it is."""
    names = set(archive.namelist())
    if "mimetype" in names:
        mimetype = _read_small_part(archive, "mimetype").decode("ascii", "replace").strip()
        if mimetype in ODF_MIMETYPES:
            if any(n.startswith(("Basic/", "Scripts/")) for n in names):
                return "macro"
            return ODF_MIMETYPES[mimetype]
        if mimetype.startswith("application/vnd.oasis.opendocument."):
            return "opendocument"
    if CONTENT_TYPES_PART in names:
        try:
            root = ElementTree.fromstring(_read_small_part(archive, CONTENT_TYPES_PART))
        except (ElementTree.ParseError, ValueError):  # ValueError: defusedxml refused it
            return "zip"
        for element in root:
            found = OOXML_MAIN_TYPES.get(element.get("ContentType", ""))
            if found:
                return found
    return "zip"
