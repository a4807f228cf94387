"""The interface catalogues: English is the source, Vietnamese and Arabic must be complete.

A string someone marks for translation and extracts with `make messages` but leaves untranslated
(empty or fuzzy) in vi or ar fails here, as does a translation that drops or renames a
placeholder, and a vi/ar catalogue that lags behind the English one. See locale/README.md.
"""

import re
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils.html import escape

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
SOURCE_LANGUAGE = "en"
# Every language in LANGUAGES has a catalogue (without one Django does not recognise a prefix
# such as /st/), and every catalogue is complete (locale/README.md has the review status).
ALL_LANGUAGES = [code for code, _name in settings.LANGUAGES]
TRANSLATED_LANGUAGES = [code for code in ALL_LANGUAGES if code != SOURCE_LANGUAGE]
COMPLETE_LANGUAGES = TRANSLATED_LANGUAGES
PLURAL_FORMS = {
    "en": 2, "vi": 1, "ar": 6, "km": 1, "bn": 2, "id": 1,
    "es": 2, "fr": 2, "am": 2, "ur": 2, "ht": 2, "st": 2,
}  # fmt: skip
DOMAINS = ("django", "djangojs")

# %(name)s, %s, %d, %.2f ... ("%%", a literal percent sign, is removed first); {name}, {0}, {}.
PERCENT_PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[#0\- +]*(?:\d+|\*)?(?:\.\d+)?[sdifeEgGxXoruc]")
BRACE_PLACEHOLDER = re.compile(r"\{\w*\}")
HTML_TAG = re.compile(r"</?([a-zA-Z][\w-]*)")


def catalogue_path(language, domain):
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po"


def present_domains():
    """django always; djangojs once `make messages` has found a string in the JavaScript."""
    return [d for d in DOMAINS if d == "django" or catalogue_path(SOURCE_LANGUAGE, d).exists()]


def load(language, domain):
    return polib.pofile(str(catalogue_path(language, domain)))


def placeholders(text):
    text = text.replace("%%", "")
    return Counter(PERCENT_PLACEHOLDER.findall(text)) + Counter(BRACE_PLACEHOLDER.findall(text))


def html_tags(text):
    return Counter(HTML_TAG.findall(text))


def live(catalogue):
    return [entry for entry in catalogue if not entry.obsolete]


def label(entry):
    where = ", ".join(f"{path}:{line}" for path, line in entry.occurrences[:2])
    return f"{entry.msgid!r} ({where})"


def translations_of(entry):
    """(what the translation must match, translated text) for every form of the entry."""
    if entry.msgid_plural:
        return [(entry.msgid_plural, text) for _, text in sorted(entry.msgstr_plural.items())]
    return [(entry.msgid, entry.msgstr)]


# --- every catalogue exists, with a proper header --------------------------------------------


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_catalogue_exists(language, domain):
    if domain not in present_domains():
        pytest.skip(f"no {domain} strings extracted yet (no locale/en/LC_MESSAGES/{domain}.po)")
    assert catalogue_path(language, domain).exists(), (
        f"locale/{language}/LC_MESSAGES/{domain}.po is missing: run `make messages`"
    )


@pytest.mark.parametrize("domain", present_domains())
@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_catalogue_header(language, domain):
    catalogue = load(language, domain)
    assert catalogue.metadata.get("Language") == language
    assert "charset=UTF-8" in catalogue.metadata.get("Content-Type", "")
    assert not catalogue.metadata_is_fuzzy, "remove the `#, fuzzy` flag above the header"
    match = re.search(r"nplurals\s*=\s*(\d+)", catalogue.metadata.get("Plural-Forms", ""))
    assert match, "the header has no Plural-Forms"
    assert int(match.group(1)) == PLURAL_FORMS[language], "wrong Plural-Forms header"


# --- English is the source --------------------------------------------------------------------


@pytest.mark.parametrize("domain", present_domains())
def test_english_is_the_source(domain):
    """English text lives in the code; a msgstr in en would silently override it."""
    overridden = [
        label(entry)
        for entry in live(load(SOURCE_LANGUAGE, domain))
        if entry.msgstr or any(entry.msgstr_plural.values())
    ]
    assert not overridden, "en msgstr must stay empty:\n" + "\n".join(overridden)


# --- vi and ar are complete and correct -------------------------------------------------------


@pytest.mark.parametrize("domain", present_domains())
@pytest.mark.parametrize("language", COMPLETE_LANGUAGES)
def test_every_source_string_is_in_the_catalogue(language, domain):
    """The vi/ar catalogue is not older than the English one: `make messages` updates all three."""
    source = {(e.msgctxt, e.msgid) for e in live(load(SOURCE_LANGUAGE, domain))}
    translated = {(e.msgctxt, e.msgid) for e in live(load(language, domain))}
    missing = sorted(msgid for _, msgid in source - translated)
    assert not missing, (
        f"{len(missing)} strings of the en catalogue are missing from {language}; "
        "run `make messages` and translate them:\n" + "\n".join(missing)
    )


@pytest.mark.parametrize("domain", present_domains())
@pytest.mark.parametrize("language", COMPLETE_LANGUAGES)
def test_no_string_is_untranslated_or_fuzzy(language, domain):
    problems = []
    for entry in live(load(language, domain)):
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {label(entry)}")
        elif entry.msgid_plural:
            forms = entry.msgstr_plural
            if len(forms) != PLURAL_FORMS[language] or not all(forms.values()):
                problems.append(f"needs all {PLURAL_FORMS[language]} plural forms: {label(entry)}")
        elif not entry.msgstr:
            problems.append(f"untranslated: {label(entry)}")
    assert not problems, f"{language}/{domain}.po:\n" + "\n".join(problems)


@pytest.mark.parametrize("domain", present_domains())
@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_placeholders_and_tags_are_kept(language, domain):
    problems = []
    for entry in live(load(language, domain)):
        for source, text in translations_of(entry):
            if not text:
                continue  # reported by test_no_string_is_untranslated_or_fuzzy
            if placeholders(text) != placeholders(source):
                problems.append(
                    f"placeholders {sorted(placeholders(text))} instead of "
                    f"{sorted(placeholders(source))}: {label(entry)} -> {text!r}"
                )
            if html_tags(text) != html_tags(source):
                problems.append(f"HTML tags differ: {label(entry)} -> {text!r}")
    assert not problems, f"{language}/{domain}.po:\n" + "\n".join(problems)


@pytest.mark.parametrize("domain", present_domains())
@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_compiled_catalogue_is_current(language, domain):
    """The site reads the .mo files: they must hold what the .po holds (compare contents, not
    timestamps, since `make messages` rewrites every .po)."""
    po = catalogue_path(language, domain)
    mo = po.with_suffix(".mo")
    hint = f"{mo.relative_to(LOCALE_DIR.parent)} is missing or stale: run `make messages-compile`"
    assert mo.exists(), hint

    def contents(catalogue):
        return {
            (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
            for e in catalogue
            if e.msgid
            and not e.obsolete
            and "fuzzy" not in e.flags
            and (e.msgstr or (all(e.msgstr_plural.values()) and e.msgstr_plural))
        }

    assert contents(polib.mofile(str(mo))) == contents(load(language, domain)), hint


# --- the translations reach the page ----------------------------------------------------------

# Interface strings of site/templates/base.html that an anonymous visitor sees.
BASE_STRINGS = (
    "Skip to content",
    "Better Work Learning",
    "Browse",
    "Search",
    "Sign in",
    "Join",
    "Search the site",
    "Better Work is a partnership of the International Labour Organization and the "
    "International Finance Corporation.",
)

# Pinned by hand, so that a catalogue whose msgstr merely repeats the English still fails.
KNOWN = {
    "vi": {
        "Skip to content": "Chuyển đến nội dung chính",
        "Sign in": "Đăng nhập",
    },
    "ar": {
        "Skip to content": "الانتقال إلى المحتوى",
        "Sign in": "تسجيل الدخول",
    },
    "km": {
        "Skip to content": "រំលងទៅខ្លឹមសារ",
        "Sign in": "ចូលគណនី",
    },
}


@pytest.mark.parametrize(("language", "direction"), [("vi", "ltr"), ("ar", "rtl"), ("km", "ltr")])
def test_home_page_renders_in_the_language(client, home_page, language, direction):
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    html = response.content.decode()

    html_tag = re.search(r"<html[^>]*>", html).group(0)
    assert f'lang="{language}"' in html_tag
    assert f'dir="{direction}"' in html_tag
    for english, translated in KNOWN[language].items():
        assert escape(translated) in html, f"{english!r} is not shown in {language}"

    catalogue = {e.msgid: e.msgstr for e in live(load(language, "django"))}
    for english in BASE_STRINGS:
        assert catalogue.get(english), f"{english!r} is not translated into {language}"
        assert escape(catalogue[english]) in html, f"{english!r} is not shown in {language}"
    assert "Skip to content" not in html
    assert "International Labour Organization" not in html


def test_english_home_page_is_left_to_right(client, home_page):
    html = client.get("/en/").content.decode()
    html_tag = re.search(r"<html[^>]*>", html).group(0)
    assert 'lang="en"' in html_tag
    assert 'dir="ltr"' in html_tag
    assert "Skip to content" in html


# --- catalogues we provide for libraries (locale/vendor/) -------------------------------------

VENDOR_DIR = LOCALE_DIR / "vendor"


def vendor_catalogues():
    return sorted(VENDOR_DIR.glob("*/LC_MESSAGES/django.po"))


def test_vendor_catalogues_exist_for_the_complete_languages_allauth_lacks():
    import allauth

    allauth_locale = Path(allauth.__file__).parent / "locale"
    for language in COMPLETE_LANGUAGES:
        if not (allauth_locale / language).exists():
            assert (VENDOR_DIR / language / "LC_MESSAGES" / "django.po").exists(), language


@pytest.mark.parametrize("path", vendor_catalogues(), ids=lambda p: p.parts[-3])
def test_vendor_catalogue_is_correct(path):
    language = path.parts[-3]
    catalogue = polib.pofile(str(path))
    assert catalogue.metadata.get("Language") == language
    problems = []
    for entry in live(catalogue):
        for source, text in translations_of(entry):
            if not text:
                if language in COMPLETE_LANGUAGES:
                    problems.append(f"untranslated: {entry.msgid!r}")
                continue
            if placeholders(text) != placeholders(source):
                problems.append(f"placeholders differ: {entry.msgid!r} -> {text!r}")
            if html_tags(text) != html_tags(source):
                problems.append(f"HTML tags differ: {entry.msgid!r} -> {text!r}")
    assert not problems, f"{path}:\n" + "\n".join(problems)


def test_sign_in_and_two_factor_pages_speak_vietnamese(client, django_user_model):
    html = client.get("/vi/accounts/login/").content.decode()
    assert "Forgot your password?" not in html
    assert escape("Quên mật khẩu?") in html or escape("Bạn quên mật khẩu?") in html
    user = django_user_model.objects.create_user(username="lan", password="a-long-passphrase-1")
    client.force_login(user)
    # Setting up TOTP first asks for the password again (allauth's reauthentication).
    response = client.get("/vi/accounts/2fa/totp/activate/", follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Please reauthenticate" not in html
    assert "Confirm Access" not in html
    assert escape("Xác nhận quyền truy cập") in html
