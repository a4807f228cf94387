"""Numbers, dates and plurals follow the language (issue 20, part 5): Bengali and Khmer
digits from CLDR, Arabic's six plural forms from its catalogue."""

import gettext
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation

from lms.numerals import (
    _CLDR_NUMBERING_SYSTEMS,
    _SMALL_PLAIN,
    local_date,
    local_digits,
    local_number,
    numbering_system,
)

BENGALI_DIGITS = set("০১২৩৪৫৬৭৮৯")
KHMER_DIGITS = set("០១២៣៤៥៦៧៨៩")


def test_the_numbering_system_comes_from_cldr_with_khmer_native():
    assert numbering_system("bn") == "beng"  # CLDR's default for Bengali
    assert numbering_system("km") == "khmr"  # the native system, chosen in settings
    for language in ("en", "vi", "ar", "id", "es", "fr", "am", "ur", "ht", "st"):
        assert numbering_system(language) == "latn", language


def test_the_setting_can_give_a_language_back_its_cldr_default(settings):
    numbering_system.cache_clear()
    settings.NUMBERING_SYSTEMS = {}
    try:
        assert numbering_system("km") == "latn"
    finally:
        numbering_system.cache_clear()


@pytest.mark.parametrize(
    ("language", "expected"),
    [("bn", "২০২৬"), ("km", "២០២៦"), ("en", "2026"), ("ar", "2026"), ("vi", "2026")],
)
def test_digits_are_written_in_the_languages_own_digits(language, expected):
    assert local_digits("2026", language) == expected


def test_numbers_take_cldr_grouping_and_the_languages_digits():
    assert local_number(1234567, "bn") == "১২,৩৪,৫৬৭"  # grouped by lakh and crore
    assert local_number(1234567, "km") == "១,២៣៤,៥៦៧"
    assert local_number(1234567, "en") == "1,234,567"
    assert local_number(12, "km") == "១២"


def test_the_numbering_systems_kept_for_our_languages_are_babels():
    """``lms.numerals`` answers from its own table so that a worker need not read CLDR's
    data (decision 0617); the table must say what Babel says, for every site language."""
    from babel import Locale

    assert {code for code, _name in settings.LANGUAGES} <= set(_CLDR_NUMBERING_SYSTEMS)
    for language, systems in _CLDR_NUMBERING_SYSTEMS.items():
        locale = Locale.parse(language)
        assert systems == {
            "default": locale.default_numbering_system,
            **locale.other_numbering_systems,
        }, language


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_small_whole_numbers_are_written_as_babel_writes_them(language):
    from babel import Locale
    from babel.numbers import format_decimal

    assert language in _SMALL_PLAIN
    locale = Locale.parse(language)
    for value in [*range(1000), 1000, 1234567, -1, -999]:
        assert local_number(value, language) == local_digits(
            format_decimal(value, locale=locale), language
        ), (language, value)
    assert local_number(12.5, language) == local_digits(
        format_decimal(12.5, locale=locale), language
    )


@pytest.mark.parametrize(("language", "digits"), [("bn", BENGALI_DIGITS), ("km", KHMER_DIGITS)])
def test_dates_are_in_the_languages_month_names_and_digits(language, digits):
    text = local_date(date(2028, 3, 5), language)
    assert not any(c.isascii() and c.isdigit() for c in text), text
    assert set("2028".translate(str.maketrans("0123456789", "".join(sorted(digits))))) <= set(text)
    assert "March" not in text


def test_the_template_filters_follow_the_active_language():
    template = Template(
        "{% load numerals %}{{ n|localnumber }} {{ day|date:'Y'|localdigits }} "
        "{{ empty|localnumber }}"
    )
    context = Context({"n": 12, "day": date(2028, 3, 5), "empty": ""})
    with translation.override("bn"):
        assert template.render(context) == "১২ ২০২৮ "
    with translation.override("km"):
        assert template.render(context) == "១២ ២០២៨ "
    with translation.override("en"):
        assert template.render(context) == "12 2028 "


def _catalogue(language):
    return gettext.translation(
        "django", localedir=str(Path(settings.BASE_DIR) / "locale"), languages=[language]
    )


def test_arabic_has_six_plural_forms_in_its_catalogue():
    header = (Path(settings.BASE_DIR) / "locale/ar/LC_MESSAGES/django.po").read_text()
    assert "nplurals=6;" in header
    singular = "Your certificate expires in %(days)s day"
    plural = "Your certificate expires in %(days)s days"
    forms = {n: _catalogue("ar").ngettext(singular, plural, n) for n in (0, 1, 2, 5, 11, 100)}
    assert len(set(forms.values())) >= 4, forms  # zero, one, two, few, many, other


@pytest.mark.parametrize("days", [0, 1, 2, 5, 11, 100])
def test_the_expiry_email_subject_takes_the_arabic_plural_form_for_the_count(days):
    """The e-mail's subject (ngettext through blocktranslate count) picks the same form as
    GNU gettext does from the compiled catalogue's Plural-Forms."""
    expected = _catalogue("ar").ngettext(
        "Your certificate expires in %(days)s day",
        "Your certificate expires in %(days)s days",
        days,
    ) % {"days": days}
    with translation.override("ar"):
        subject = render_to_string(
            "certification/email/certificate_expiring_subject.txt", {"days_left": days}
        )
    assert subject.strip() == expected


@pytest.mark.parametrize(("language", "digits"), [("bn", BENGALI_DIGITS), ("km", KHMER_DIGITS)])
def test_the_expiry_email_subject_counts_in_local_digits(language, digits):
    with translation.override(language):
        subject = render_to_string(
            "certification/email/certificate_expiring_subject.txt", {"days_left": 30}
        )
    assert not any(c.isascii() and c.isdigit() for c in subject), subject
    assert set(subject) & digits


# --- community digests and compliance e-mails use the same filters (issue 20) -------------


def _western_digits(text: str) -> str:
    return "".join(c for c in text if c.isascii() and c.isdigit())


@pytest.mark.parametrize(("language", "digits"), [("bn", BENGALI_DIGITS), ("km", KHMER_DIGITS)])
def test_the_overdue_actions_email_counts_and_dates_in_local_digits(language, digits):
    from types import SimpleNamespace

    actions = [
        SimpleNamespace(
            description="Unlock the exit",
            due_on=date(2026, 3, 12),
            responsible=None,
            responsible_name="",
        )
    ] * 12
    context = {"factory": "Mekong Knit", "actions": actions, "link": "https://x.test/plan"}
    with translation.override(language):
        subject = render_to_string("compliance/plans/email/overdue_subject.txt", context)
        body = render_to_string("compliance/plans/email/overdue_body.txt", context)
    assert _western_digits(subject) == "", subject
    assert local_number(12, language) in subject  # the count, in the plural form for 12
    assert local_date(date(2026, 3, 12), language) in body
    assert _western_digits(body.replace(context["link"], "")) == "", body


def test_the_overdue_count_keeps_the_factorys_own_name_and_the_plural_form():
    from types import SimpleNamespace

    one = [SimpleNamespace(description="x", due_on=date(2026, 3, 12), responsible=None)]
    with translation.override("km"):
        subject = render_to_string(
            "compliance/plans/email/overdue_subject.txt", {"factory": "Line 7", "actions": one}
        )
    assert "Line 7" in subject  # a name is not a number: its digits stay as written
    assert "១" in subject
    with translation.override("en"):
        subject = render_to_string(
            "compliance/plans/email/overdue_subject.txt", {"factory": "Line 7", "actions": one}
        )
    assert subject.strip() == "Line 7: 1 improvement action is overdue"


@pytest.mark.parametrize("template", ["published_body", "shared_body"])
@pytest.mark.parametrize("language", ["bn", "km"])
def test_assessment_emails_date_in_local_digits(template, language):
    from types import SimpleNamespace

    assessment = SimpleNamespace(starts_on=date(2026, 3, 12), get_kind_display="assessment")
    context = {"factory": "Mekong Knit", "assessment": assessment, "link": ""}
    with translation.override(language):
        body = render_to_string(f"compliance/sharing/email/{template}.txt", context)
    assert local_date(date(2026, 3, 12), language) in body
    assert _western_digits(body) == "", body


@pytest.mark.parametrize("name", ["digest.txt", "digest.html"])
def test_the_community_digest_dates_each_item_in_local_digits(name):
    from datetime import UTC, datetime
    from types import SimpleNamespace

    notification = SimpleNamespace(
        kind="thread",
        actor="Sokha",
        thread=SimpleNamespace(title="Maternity leave rules"),
        created_at=datetime(2026, 3, 12, 9, 0, tzinfo=UTC),
    )
    context = {
        "items": [{"notification": notification, "link": ""}],
        "unsubscribe_url": "",
        "site_url": "",
    }
    with translation.override("km"):
        text = render_to_string(f"community/email/{name}", context)
    assert local_date(date(2026, 3, 12), "km") in text
    assert "2026" not in text
