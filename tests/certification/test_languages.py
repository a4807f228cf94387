"""The certificate PDF and the certification e-mails in each of the twelve languages: text
read back (pdfplumber for the PDF) and found in the language's script, with Bengali and
Khmer digits in dates and counts (issue 20, part 5)."""

import io
import re
import unicodedata
from datetime import timedelta

import pdfplumber
import pytest
from django.conf import settings
from django.core import mail

from certification import documents, notifications
from certification.models import Certificate
from tests.certification.factories import CandidacyFactory, trainer

pytestmark = pytest.mark.django_db

# The holder's name in the language's script, and the script's letters: a Unicode range,
# or "latin" (then the text must not be the English fallback).
LANGUAGES = {
    "en": ("Maria Santos", "latin"),
    "vi": ("Nguyễn Thị Thảo", "latin"),
    "id": ("Siti Rahmawati", "latin"),
    "es": ("María López", "latin"),
    "fr": ("Aminata Diallo", "latin"),
    "ht": ("Roseline Pierre", "latin"),
    "st": ("Palesa Mokoena", "latin"),
    "ar": ("رانيا حداد", (0x0600, 0x06FF)),
    "ur": ("عائشہ خان", (0x0600, 0x06FF)),
    "km": ("សុខ ដារ៉ា", (0x1780, 0x17FF)),
    "bn": ("ফারহানা রহমান", (0x0980, 0x09FF)),
    "am": ("ሰላም ታደሰ", (0x1200, 0x137F)),
}
ENGLISH = ("This certifies that", "Valid until", "Congratulations", "Dear ")
LOCAL_DIGITS = {"bn": "০১২৩৪৫৬৭৮৯", "km": "០១២៣៤៥៦៧៨៩"}


def _letters_in_script(text: str, script) -> int:
    low, high = script
    return sum(1 for c in text if low <= ord(c) <= high and unicodedata.category(c)[0] == "L")


def _check_script(text: str, language: str, name: str) -> None:
    text = unicodedata.normalize("NFC", text).replace(unicodedata.normalize("NFC", name), "")
    script = LANGUAGES[language][1]
    if language == "en":
        assert "This certifies that" in text or "Dear " in text
        return
    for sentence in ENGLISH:
        assert sentence not in text, (language, sentence)
    if script == "latin":
        latin = sum(1 for c in text if c.isalpha() and "LATIN" in unicodedata.name(c, ""))
        assert latin > 20, (language, text)
    else:
        assert _letters_in_script(text, script) > 20, (language, text)


def _holder(language):
    name, _script = LANGUAGES[language]
    return trainer(display_name=name, preferred_language=language)


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_certificate_pdf_is_in_the_holders_script(programme, issue, language):
    assert {code for code, _name in settings.LANGUAGES} == set(LANGUAGES)
    certificate = issue(CandidacyFactory(programme=programme, candidate=_holder(language)))
    Certificate.objects.filter(pk=certificate.pk).update(
        issued_on="2026-03-05", expires_on="2028-03-05"
    )
    certificate.refresh_from_db()
    pdf = pdfplumber.open(io.BytesIO(documents.certificate_pdf(certificate=certificate)))
    text = pdf.pages[0].extract_text()
    _check_script(text, language, LANGUAGES[language][0])
    if language in LOCAL_DIGITS:
        # The dates in the language's digits; the serial number and address stay Latin.
        year = "2028".translate(str.maketrans("0123456789", LOCAL_DIGITS[language]))
        assert year in text
        assert "2028" not in text.replace(certificate.serial, "")
        assert certificate.code in text.replace(" ", "") or certificate.code in text


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_certificate_emails_are_in_the_holders_script(programme, issue, language):
    holder = _holder(language)
    certificate = issue(CandidacyFactory(programme=programme, candidate=holder))
    mail.outbox.clear()
    notifications.certificate_event(certificate=certificate, event="issued")
    notifications.certificate_event(certificate=certificate, event="expiring", days_left=30)
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert message.to == [holder.email]
        body = re.sub(r"https?://\S+", "", message.body).replace(certificate.serial, "")
        _check_script(body, language, holder.display_name)
    expiring = mail.outbox[1]
    if language in LOCAL_DIGITS:
        digits = LOCAL_DIGITS[language]
        thirty = "30".translate(str.maketrans("0123456789", digits))
        assert thirty in expiring.subject
        year = str(certificate.expires_on.year).translate(str.maketrans("0123456789", digits))
        assert year in expiring.body
    else:
        assert "30" in expiring.subject


def test_an_arabic_reminder_uses_the_dual_for_two_days(programme, issue):
    certificate = issue(CandidacyFactory(programme=programme, candidate=_holder("ar")))
    subjects = {}
    for days in (1, 2, 7, 30):
        mail.outbox.clear()
        certificate.expires_on = certificate.issued_on + timedelta(days=days)
        notifications.certificate_event(certificate=certificate, event="expiring", days_left=days)
        subjects[days] = mail.outbox[0].subject
    # one, two (dual), few (3-10) and many (11-99) are four different sentences in Arabic
    assert len(set(subjects.values())) == 4, subjects
