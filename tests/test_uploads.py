"""The core upload checker (lms/uploads.py) against hostile files: each must be refused with a
sentence that names the file and the limit, and honest files must pass untouched."""

import io
import os
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.utils import translation
from PIL import Image, ImageFile

from lms.uploads import UploadPolicy, check_upload, sanitize_filename, validate_upload

EVERYTHING = UploadPolicy(
    extensions=[
        *("jpg", "jpeg", "png", "webp"),
        *("pdf", "docx", "xlsx", "pptx", "odt", "txt"),
        *("mp3", "mp4", "m4a"),
    ],
    max_bytes=5 * 1024 * 1024,
)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
EXCEL_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def refusal(file, policy=EVERYTHING) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        check_upload(file, policy=policy)
    return caught.value


def said(error: ValidationError) -> str:
    """The message as read (sizes are joined to their unit by a no-break space)."""
    return error.messages[0].replace("\xa0", " ")


def picture(fmt="PNG", size=(64, 48)) -> bytes:
    buffer = io.BytesIO()
    noise = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    noise.save(buffer, fmt)
    return buffer.getvalue()


def png_header_only(width, height) -> bytes:
    """A PNG that declares a huge canvas in a few bytes: the classic pixel bomb."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (width + 1) * 4, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def office(main_type=WORD_MAIN, parts=None, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
            f'.org/package/2006/content-types"><Override PartName="/main.xml" '
            f'ContentType="{main_type}"/></Types>',
        )
        for name, data in (parts or {"word/document.xml": b"<w:document/>"}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


# --- honest files pass ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("photo.png", picture("PNG"), "image/png"),
        ("photo.JPG", picture("JPEG"), "image/jpeg"),
        ("photo.webp", picture("WEBP"), "image/webp"),
        ("plan.pdf", PDF, "application/pdf"),
        (
            "minutes.docx",
            office(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "sheet.xlsx",
            office(EXCEL_MAIN, {"xl/workbook.xml": b"<workbook/>"}),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("notes.odt", odt(), "application/vnd.oasis.opendocument.text"),
        ("notes.txt", "Biên bản họp – ملاحظات".encode(), "text/plain"),
        ("notepad.txt", "Unicode from Notepad".encode("utf-16"), "text/plain"),
        ("talk.mp3", b"ID3\x04\x00" + b"\x00" * 64, "audio/mpeg"),
        ("talk.m4a", b"\x00\x00\x00\x20ftypM4A " + b"\x00" * 64, "audio/mp4"),
    ],
)
def test_honest_files_pass_and_are_typed_by_their_content(name, data, content_type):
    checked = check_upload(upload(name, data), policy=EVERYTHING)
    assert checked.content_type == content_type
    assert checked.size == len(data)
    assert checked.is_image == content_type.startswith("image/")
    assert checked.file.read() == data  # rewound for storage


def test_a_big_honest_file_on_disk_is_checked_too():
    data = office(parts={"word/document.xml": os.urandom(200_000)})
    big = TemporaryUploadedFile("report.docx", "application/msword", len(data), None)
    big.write(data)
    big.seek(0)
    assert check_upload(big, policy=EVERYTHING).extension == "docx"


# --- names, kinds and sizes -------------------------------------------------------------------


def test_a_renamed_executable_is_refused_by_its_bytes():
    error = refusal(upload("plans.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64))
    assert error.code == "mismatch"
    assert "The content of “plans.pdf” does not match its type (.pdf)" in error.messages[0]
    assert "a Windows program" in error.messages[0]
    error = refusal(upload("report.docx", b"\x7fELF\x02\x01\x01" + b"\x00" * 64))
    assert "a Linux program" in error.messages[0]


def test_a_double_extension_is_judged_by_the_last_one():
    error = refusal(upload("invoice.pdf.exe", b"MZ" + b"\x00" * 64))
    assert error.code == "kind"
    assert "Accepted: JPEG picture, PNG picture, WebP picture, PDF" in error.messages[0]


def test_the_browsers_content_type_is_never_believed():
    spoofed = upload("letter.pdf", b"MZ" + b"\x00" * 64, content_type="application/pdf")
    assert refusal(spoofed).code == "mismatch"
    png_said_html = upload("chart.png", picture("PNG"), content_type="text/html")
    assert check_upload(png_said_html, policy=EVERYTHING).content_type == "image/png"


def test_a_picture_in_disguise_is_not_a_picture():
    error = refusal(upload("photo.png", b"<svg onload=alert(1)>", "image/png"))
    assert error.code == "not_a_picture"
    assert error.messages == ["“photo.png” is not a picture we can show: it holds plain text."]
    assert "a JPEG picture" in refusal(upload("photo.png", picture("JPEG"))).messages[0]


def test_an_oversized_file_is_refused_naming_the_limit():
    policy = UploadPolicy(extensions=["pdf"], max_bytes=1024)
    error = refusal(upload("scan.pdf", PDF + b"0" * 4096), policy)
    assert error.code == "too_large"
    assert said(error) == "“scan.pdf” is too large: it has 4.0 KB and the limit is 1.0 KB."


def test_an_empty_file_is_refused():
    error = refusal(upload("empty.pdf", b""))
    assert (error.code, error.messages) == ("empty", ["“empty.pdf” is empty."])


def test_a_file_without_an_extension_is_refused():
    assert refusal(upload("README", b"hello")).code == "kind"


def test_a_policy_cannot_accept_a_kind_nobody_checks():
    with pytest.raises(ImproperlyConfigured):
        UploadPolicy(extensions=["pdf", "exe"], max_bytes=1024)


def test_refusals_are_translated():
    with translation.override("vi"):
        message = refusal(upload("empty.pdf", b"")).messages[0]
    assert message != "“empty.pdf” is empty."
    assert "empty.pdf" in message


# --- pictures ---------------------------------------------------------------------------------


def test_a_pixel_bomb_png_is_refused_before_it_is_decoded():
    bomb = png_header_only(60_000, 60_000)  # 3.6 billion pixels in a few hundred bytes
    assert len(bomb) < 5000
    error = refusal(upload("bomb.png", bomb, "image/png"))
    assert error.code == "pixels"
    assert error.messages == [
        "“bomb.png” has too many pixels: pictures may have at most 40 million."
    ]


def test_a_picture_over_the_pixel_limit_is_refused(settings):
    settings.UPLOAD_MAX_IMAGE_PIXELS = 1_000_000
    error = refusal(upload("wide.png", png_header_only(2000, 1000), "image/png"))
    assert "at most 1 million" in error.messages[0]
    policy = UploadPolicy(extensions=["png"], max_bytes=1024**2, max_image_pixels=2_000_000)
    check_upload(upload("wide.png", png_header_only(2000, 1000)), policy=policy)


@pytest.mark.parametrize("lenient_pillow", [False, True])
@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_a_truncated_picture_is_refused(fmt, lenient_pillow, monkeypatch):
    # WeasyPrint sets LOAD_TRUNCATED_IMAGES for the whole process when it is imported.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", lenient_pillow)
    whole = picture(fmt, size=(128, 128))
    error = refusal(upload(f"cut.{fmt.lower()}", whole[: len(whole) // 2]))
    assert error.code == "damaged"
    assert "is damaged or incomplete" in error.messages[0]


def test_a_progressive_jpeg_with_a_camera_trailer_passes():
    buffer = io.BytesIO()
    noise = Image.frombytes("RGB", (200, 150), os.urandom(200 * 150 * 3))
    noise.save(buffer, "JPEG", progressive=True, quality=90)
    data = buffer.getvalue() + b"SEFT trailer written by a phone after the picture"
    assert check_upload(upload("phone.jpg", data), policy=EVERYTHING).is_image
    cut = buffer.getvalue()[: len(buffer.getvalue()) * 3 // 4]
    assert refusal(upload("phone.jpg", cut)).code == "damaged"


def test_a_picture_with_a_broken_checksum_is_refused():
    data = bytearray(picture("PNG"))
    data[40] ^= 0xFF  # inside the first IDAT chunk
    assert refusal(upload("flipped.png", bytes(data))).code == "damaged"


# --- PDF and text -----------------------------------------------------------------------------


def test_a_pdf_cut_off_before_its_end_is_refused():
    error = refusal(upload("cut.pdf", PDF + b"2 0 obj<<" + b"x" * 2048))
    assert error.code == "truncated"


def test_binary_data_is_not_plain_text():
    error = refusal(upload("notes.txt", b"text\x00\x01\x02 with zeros"))
    assert error.code == "mismatch"
    assert refusal(upload("latin.txt", "café".encode("latin-1"))).code == "not_text"


# --- office documents (zip archives) ------------------------------------------------------------


def test_a_zip_bomb_docx_is_refused():
    bomb = office(parts={"word/document.xml": b"\x00" * 30_000_000})
    assert len(bomb) < 100_000
    error = refusal(upload("bomb.docx", bomb))
    assert error.code == "zip_bomb"
    assert "compressed more than 100 times over" in error.messages[0]


def test_a_docx_that_lies_about_its_unpacked_size_is_refused():
    data = bytearray(office(parts={"word/document.xml": b"<w/>" * 250_000}))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("word/document.xml")
    # Say 1000 bytes, in the local header and in the central directory.
    struct.pack_into("<I", data, info.header_offset + 22, 1000)
    central = data.rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 1000)
    assert refusal(upload("liar.docx", bytes(data))).code == "damaged"


def test_a_docx_too_large_unpacked_is_refused(settings):
    settings.UPLOAD_MAX_UNPACKED_BYTES = 100_000
    data = office(parts={"word/document.xml": os.urandom(150_000)})
    error = refusal(upload("big.docx", data))
    assert error.code == "unpacked"
    assert said(error).endswith("would take 146.7 KB; a document may take at most 97.7 KB.")


def test_a_docx_with_too_many_parts_is_refused(settings):
    settings.UPLOAD_MAX_ARCHIVE_ENTRIES = 10
    data = office(parts={f"word/media/{n}.xml": b"<x/>" for n in range(20)})
    error = refusal(upload("many.docx", data))
    assert (error.code, error.params["limit"]) == ("entries", 10)


@pytest.mark.parametrize(
    "part", ["../../etc/cron.d/evil", "/etc/passwd", "C:/Windows/evil.dll", "word\\..\\evil"]
)
def test_a_docx_with_a_part_escaping_the_archive_is_refused(part):
    error = refusal(upload("escape.docx", office(parts={"word/document.xml": b"<w/>", part: b"x"})))
    assert error.code == "unsafe_path"
    assert "points outside the document" in error.messages[0]


def test_a_docx_with_a_symbolic_link_is_refused():
    buffer = io.BytesIO(office())
    with zipfile.ZipFile(buffer, "a") as archive:
        link = zipfile.ZipInfo("word/link")
        link.create_system = 3
        link.external_attr = 0o120777 << 16
        archive.writestr(link, "/etc/passwd")
    assert refusal(upload("link.docx", buffer.getvalue())).code == "unsafe_path"


def test_a_document_with_macros_is_refused():
    data = office(parts={"word/document.xml": b"<w/>", "word/vbaProject.bin": b"\xd0\xcf"})
    assert refusal(upload("macro.docx", data)).code == "macros"
    docm = office("application/vnd.ms-word.document.macroEnabled.main+xml")
    assert "with macros" in refusal(upload("renamed.docx", docm)).messages[0]


def test_an_encrypted_entry_is_refused():
    data = bytearray(office())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("word/document.xml")
    # zipfile cannot write encrypted entries: set the flag by hand, in both headers.
    data[info.header_offset + 6] |= 0x1
    central = data.rfind(b"PK\x01\x02")
    data[central + 8] |= 0x1
    assert refusal(upload("locked.docx", bytes(data))).code == "encrypted"


def test_a_spreadsheet_renamed_docx_and_a_plain_zip_are_refused():
    sheet = office(EXCEL_MAIN, {"xl/workbook.xml": b"<workbook/>"})
    assert "an Excel workbook" in refusal(upload("sheet.docx", sheet)).messages[0]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("setup.exe", b"MZ")
    assert "a zip archive" in refusal(upload("setup.docx", buffer.getvalue())).messages[0]


def test_an_old_or_password_protected_office_file_is_explained():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
    assert "password-protected" in refusal(upload("old.docx", ole)).messages[0]


def test_a_docx_compressed_with_a_method_we_cannot_read_is_refused():
    data = bytearray(office(parts={"word/document.xml": b"<w/>" * 1000}))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("word/document.xml")
    struct.pack_into("<H", data, info.header_offset + 8, 9)  # Deflate64
    central = data.rfind(b"PK\x01\x02")
    struct.pack_into("<H", data, central + 10, 9)
    assert refusal(upload("deflate64.docx", bytes(data))).code == "damaged"


def test_a_truncated_docx_is_refused():
    whole = office(parts={"word/document.xml": os.urandom(20_000)})
    assert refusal(upload("cut.docx", whole[: len(whole) // 2])).code == "damaged"


def test_a_content_types_part_with_entities_is_not_parsed_into_a_document():
    hostile = (
        '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><Types>&b;</Types>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", hostile)
        archive.writestr("word/document.xml", "<w/>")
    assert refusal(upload("entities.docx", buffer.getvalue())).code == "mismatch"


# --- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "safe"),
    [
        ("C:\\Users\\me\\Desktop\\plan.pdf", "plan.pdf"),
        ("../../etc/passwd.txt", "passwd.txt"),
        ("photo.php.PNG", "photo_php.png"),
        ("report\u202egnp.exe", "reportgnp.exe"),
        ("Biên bản họp.pdf", "Biên_bản_họp.pdf"),
        ("ស្វាគមន៍.pdf", "ស្វាគមន៍.pdf"),
        ("تقرير العمل.docx", "تقرير_العمل.docx"),
        (".htaccess", "file.htaccess"),
        ("<script>.txt", "script.txt"),
        ("", "file"),
    ],
)
def test_file_names_are_made_safe(given, safe):
    assert sanitize_filename(given) == safe


def test_long_names_keep_their_extension():
    name = sanitize_filename("a" * 300 + ".pdf", max_length=100)
    assert len(name) == 100
    assert name.endswith(".pdf")


def test_the_checked_upload_carries_the_safe_name():
    checked = check_upload(upload("../my plan.pdf", PDF), policy=EVERYTHING)
    assert checked.name == "my_plan.pdf"


# --- as a model field validator ---------------------------------------------------------------


def test_a_stored_file_is_not_read_again():
    class Stored:
        _committed = True
        name = "old.exe"

    validate_upload(Stored(), policy=EVERYTHING)  # would be refused if it were new
    with pytest.raises(ValidationError):
        validate_upload(upload("new.exe", b"MZ"), policy=EVERYTHING)
