"""Documents made from a certificate: the QR code to its verification page and the PDF,
laid out in the holder's language (right-to-left for Arabic and Urdu; Noto fonts shape
Khmer, Bengali and Arabic).

The PDF's fixed text is in the holder's language sentence by sentence: a sentence whose
translation the catalogues do not have yet (Khmer and Bengali until their catalogues come)
is printed whole in English, its date too, so no sentence mixes two languages."""

import base64
import threading
from datetime import date
from pathlib import Path

import qrcode
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from certification import openbadges
from certification.models import Certificate
from certification.selectors import localized_programme
from lms.numerals import local_date


def qr_matrix(url: str) -> list[list[bool]]:
    """The QR code's modules, quiet zone included (error correction M: survives a crease or
    a smudge on paper)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(url)
    code.make(fit=True)
    return code.get_matrix()


def qr_svg(url: str) -> str:
    """An SVG QR code drawn as one path with a rectangle per horizontal run of dark modules.

    qrcode's own SVG path has a square per module: WeasyPrint parses and writes every
    number of the path for each PDF, and runs halve them (a fifth of a PDF's time)."""
    matrix = qr_matrix(url)
    size = len(matrix)
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if not row[x]:
                x += 1
                continue
            start = x
            while x < size and row[x]:
                x += 1
            runs.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'width="{size}mm" height="{size}mm"><path d="{"".join(runs)}"/></svg>'
    )


def qr_data_uri(url: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(url).encode()).decode()


# The certificate's fixed sentences (marked for translation here, translated when printed).
CERTIFIES = gettext_noop("This certifies that")
MET = gettext_noop("has met every requirement of this programme.")
SERIAL = gettext_noop("Serial number")
ISSUED = gettext_noop("Issued")
VALID_UNTIL = gettext_noop("Valid until")
SCAN = gettext_noop("Scan to verify")
CODE = gettext_noop("Code")


def _direction(language: str) -> str:
    return "rtl" if language in settings.RTL_LANGUAGES else "ltr"


def has_translation(language: str, message: str) -> bool:
    """Whether the catalogues translate ``message`` into ``language``."""
    if language == settings.LANGUAGE_CODE:
        return True
    with translation.override(language):
        return gettext(message) != message


def sentence(language: str, message: str, *, day: date | None = None) -> dict:
    """One fixed sentence (or a label with its date) in ``language`` if translated, else
    wholly in the site's default language: text, the date, and the language printed."""
    used = language if has_translation(language, message) else settings.LANGUAGE_CODE
    with translation.override(used):
        return {
            "text": gettext(message),
            "date": local_date(day, used) if day else "",
            "lang": used,
            "dir": _direction(used),
        }


def title_size(title: str) -> str:
    """A smaller type for long programme titles, so they wrap within the page."""
    if len(title) > 90:
        return "title-longest"
    if len(title) > 50:
        return "title-long"
    return "title-short"


_local = threading.local()
STYLESHEET = Path(__file__).with_name("certificate_pdf.css")


def font_config():
    """WeasyPrint's font configuration (fontconfig and Pango's font map), made once per
    worker process and thread rather than for every PDF: building it took about half of
    each certificate's rendering time."""
    config = getattr(_local, "font_config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _local.font_config = FontConfiguration()
    return config


def certificate_stylesheet():
    """The certificate's style sheet, read and parsed (selectors compiled, page rules
    collected) once per worker process and thread, then handed to every PDF it renders."""
    stylesheet = getattr(_local, "stylesheet", None)
    if stylesheet is None:
        from weasyprint import CSS

        stylesheet = _local.stylesheet = CSS(
            string=STYLESHEET.read_text(encoding="utf-8"), font_config=font_config()
        )
    return stylesheet


def certificate_pdf(*, certificate: Certificate) -> bytes:
    from weasyprint import HTML

    language = certificate.language or settings.LANGUAGE_CODE
    url = openbadges.verify_url(certificate)
    programme = localized_programme(certificate.programme, language)
    with translation.override(language):
        # The template is compiled once per process (Django's cached template loader).
        html = render_to_string(
            "certification/certificate_pdf.html",
            {
                "certificate": certificate,
                "programme": programme,
                "title_size": title_size(programme.title),
                "verify_url": url,
                "qr": qr_data_uri(url),
                "badge": "data:image/svg+xml;base64,"
                + base64.b64encode(openbadges.badge_svg(certificate.programme).encode()).decode(),
                "language": language,
                "direction": _direction(language),
                "issuer": settings.CERTIFICATION_ISSUER_NAME,
                "text": {
                    "certifies": sentence(language, CERTIFIES),
                    "met": sentence(language, MET),
                    "serial": sentence(language, SERIAL),
                    "issued": sentence(language, ISSUED, day=certificate.issued_on),
                    "valid_until": sentence(language, VALID_UNTIL, day=certificate.expires_on),
                    "scan": sentence(language, SCAN),
                    "code": sentence(language, CODE),
                },
            },
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[certificate_stylesheet()], font_config=font_config()
    )
