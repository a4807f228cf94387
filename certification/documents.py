"""Documents made from a certificate: the QR code to its verification page and the PDF,
laid out in the holder's language (right-to-left for Arabic and Urdu; Noto fonts shape
Khmer, Bengali and Arabic)."""

import base64
import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from certification import openbadges
from certification.models import Certificate
from certification.selectors import localized_programme


def qr_svg(url: str) -> str:
    """An SVG QR code (error correction M: survives a crease or a smudge on paper)."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
        image_factory=qrcode.image.svg.SvgPathImage,
    )
    code.add_data(url)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer)
    return buffer.getvalue().decode()


def qr_data_uri(url: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(url).encode()).decode()


def certificate_pdf(*, certificate: Certificate) -> bytes:
    from weasyprint import HTML

    language = certificate.language or settings.LANGUAGE_CODE
    url = openbadges.verify_url(certificate)
    with translation.override(language):
        html = render_to_string(
            "certification/certificate_pdf.html",
            {
                "certificate": certificate,
                "programme": localized_programme(certificate.programme, language),
                "verify_url": url,
                "qr": qr_data_uri(url),
                "badge": "data:image/svg+xml;base64,"
                + base64.b64encode(openbadges.badge_svg(certificate.programme).encode()).decode(),
                "language": language,
                "direction": "rtl" if language in settings.RTL_LANGUAGES else "ltr",
                "issuer": settings.CERTIFICATION_ISSUER_NAME,
            },
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
