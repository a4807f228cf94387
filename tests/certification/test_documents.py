"""The certificate PDF in the holder's language and script, with its QR code."""

import re
import zlib

import pytest
from django.conf import settings

from certification import documents, openbadges
from tests.certification.factories import CandidacyFactory, trainer

pytestmark = pytest.mark.django_db


def _embedded_fonts(pdf: bytes) -> set[str]:
    names = set(re.findall(rb"/BaseFont\s*/([A-Za-z+\-]+)", pdf))
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            names |= set(re.findall(rb"/BaseFont\s*/([A-Za-z+\-]+)", zlib.decompress(match[1])))
        except zlib.error:
            continue
    return {n.decode().split("+", 1)[-1] for n in names}


@pytest.mark.parametrize(
    ("language", "name", "font"),
    [
        ("km", "សុខ ដារ៉ា", "Noto-Sans-Khmer"),
        ("bn", "ফারহানা রহমান", "Noto-Sans-Bengali"),
        ("ar", "رانيا حداد", "Noto-Naskh-Arabic"),
    ],
)
def test_the_pdf_sets_complex_scripts_in_fonts_that_shape_them(
    programme, issue, language, name, font
):
    holder = trainer(display_name=name, preferred_language=language)
    certificate = issue(CandidacyFactory(programme=programme, candidate=holder))
    assert certificate.language == language
    pdf = documents.certificate_pdf(certificate=certificate)
    assert pdf.startswith(b"%PDF-")
    # The family (regular or bold: untranslated fixed text falls back to English, so the
    # holder's name in bold may be the only text in that script).
    assert any(name == font or name.startswith(f"{font}-") for name in _embedded_fonts(pdf))


def test_the_qr_code_carries_the_public_verification_address(programme, issue):
    certificate = issue(CandidacyFactory(programme=programme))
    url = openbadges.verify_url(certificate)
    assert url.endswith(f"/verify/{certificate.code}/")
    assert url.startswith(settings.CERTIFICATION_PUBLIC_BASE_URL)
    svg = documents.qr_svg(url)
    assert svg.lstrip().startswith("<?xml") or "<svg" in svg[:200]
    assert "<path" in svg


def _modules_painted(path: str, size: int) -> list[list[bool]]:
    """The squares a path of ``M x y h w v 1 h -w z`` rectangles paints, as a matrix."""
    painted = [[False] * size for _ in range(size)]
    for x, y, width in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\3z", path):
        for column in range(int(x), int(x) + int(width)):
            assert not painted[int(y)][column], "a module painted twice"
            painted[int(y)][column] = True
    return painted


@pytest.mark.parametrize("code", ["K7fH2mQp9sLxV3bN8cR4tW6y", "a", "0" * 40])
def test_the_qr_code_paints_exactly_the_dark_modules(code):
    url = f"{settings.CERTIFICATION_PUBLIC_BASE_URL}/verify/{code}/"
    matrix = documents.qr_matrix(url)
    path = re.search(r'<path d="([^"]*)"', documents.qr_svg(url))[1]
    assert re.fullmatch(r"(M\d+ \d+h(\d+)v1h-\2z)+", path)
    assert _modules_painted(path, len(matrix)) == matrix
    assert f'viewBox="0 0 {len(matrix)} {len(matrix)}"' in documents.qr_svg(url)
