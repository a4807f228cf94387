"""Every worker in their own language (issue 20): on a phone, home, an episode, a comic, a
course, one of its lessons, sign-in and the two-factor setup answer in each of the twelve
languages, with the right ``lang`` and ``dir``, no English sentence of the interface left
(compared with the English page, through the catalogues), content that has no translation
marked with its real language, and nothing serious for axe. Screenshots of the Khmer,
Bengali, Arabic and Amharic home and episode pages are kept under var/artifacts/languages/.

One browser, one live server and one set of pages for all twelve languages: every problem
is collected and reported together at the end."""

import json
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from wagtail.models import Locale

from tests.accounts.factories import PASSWORD, country_staff
from tests.browser.conftest import AXE
from tests.courses import factories as course_factories
from tests.media_library.factories import comic_page, episode_page, ready_video, series_page
from tests.portal.factories import translation_publish

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "var" / "artifacts" / "languages"
SCREENSHOTS = {"km", "bn", "ar", "am"}
SCREENSHOT_PAGES = {"home", "episode"}

# Content translated into these languages (as the demo has it); every other language shows
# the English pages, marked as English.
TRANSLATED = {
    "vi": {"home": "Học tập cùng Better Work", "series": "Cuộc sống trên dây chuyền"},
    "ar": {"home": "التعلم مع بيتر وورك", "series": "الحياة على خط الإنتاج"},
    "km": {"home": "ការរៀនសូត្រ Better Work", "series": "ជីវិតនៅលើខ្សែសង្វាក់"},
    "bn": {"home": "বেটার ওয়ার্কের সাথে শেখা", "series": "লাইনে জীবন"},
}
EPISODE_TITLES = {
    "vi": "Ca làm dài",
    "ar": "الوردية الطويلة",
    "km": "វេនការងារវែង",
    "bn": "দীর্ঘ শিফট",
}
COMIC_TITLES = {
    "vi": "An toàn cháy nổ",
    "ar": "السلامة من الحرائق",
    "km": "សុវត្ថិភាពអគ្គិភ័យ",
    "bn": "অগ্নি নিরাপত্তা",
}

# Every English text this test puts into pages: a catalogue sentence found inside one of them
# is content, not interface, and is not counted against a page.
CONTENT = [
    "Better Work Learning",
    "Life on the Line",
    "The long shift",
    "Lan works late.",
    "Fire safety",
    "A comic",
    "Panel text 1",
    "Panel text 2",
    "Drawing 1",
    "Drawing 2",
    "12-month programme",
    "Module 1",
    "Lesson 1.1",
    "Exits stay unlocked during working hours.",
    "Question 0?",
    "The employer",
    "The worker",
    "The law says so.",
    "What went wrong in the last drill?",
    "Walk your section and mark three hazards.",
    "Training",
]

# Every text node (and the text of labels a screen reader reads) with the language it is
# marked as: [text, lang, dir] of the closest element carrying a ``lang``.
TEXTS_JS = """() => {
    const out = [];
    const marked = (el) => {
        const holder = el.closest('[lang]');
        if (!holder) return ['', ''];
        const withDir = el.closest('[dir]');
        return [holder.getAttribute('lang'), withDir ? withDir.getAttribute('dir') : ''];
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const el = walker.currentNode.parentElement;
        if (!el || el.closest('script, style, template, noscript')) continue;
        const text = walker.currentNode.textContent.replace(/\\s+/g, ' ').trim();
        if (text) out.push([text, ...marked(el)]);
    }
    const attributes = ['aria-label', 'alt', 'placeholder', 'title'];
    for (const el of document.body.querySelectorAll('*')) {
        if (el.closest('script, style, template, noscript')) continue;
        for (const name of attributes) {
            const value = (el.getAttribute(name) || '').replace(/\\s+/g, ' ').trim();
            if (value) out.push([value, ...marked(el)]);
        }
        if (el.matches('input[type=submit], input[type=button]') && el.value) {
            out.push([el.value.trim(), ...marked(el)]);
        }
    }
    out.push([document.title.replace(/\\s+/g, ' ').trim(), ...marked(document.documentElement)]);
    return out;
}"""

HEADING_JS = """() => {
    const h1 = document.querySelector('main h1');
    if (!h1) return null;
    const holder = h1.closest('[lang]');
    const withDir = h1.closest('[dir]');
    return [h1.textContent.replace(/\\s+/g, ' ').trim(), holder && holder.getAttribute('lang'),
            withDir && withDir.getAttribute('dir')];
}"""


def catalogue(language: str) -> dict[str, str]:
    """English sentences (two words or more) of our catalogues for ``language`` and what
    they become in it: the project's own and those it provides for libraries."""
    entries = {}
    for path in (
        ROOT / "locale" / language / "LC_MESSAGES" / "django.po",
        ROOT / "locale" / "vendor" / language / "LC_MESSAGES" / "django.po",
    ):
        if not path.exists():
            continue
        for entry in polib.pofile(str(path)):
            if entry.obsolete or len(entry.msgid.split()) < 2:
                continue
            if entry.msgid_plural:
                translated = entry.msgstr_plural.get(0, "") if not entry.fuzzy else ""
            else:
                translated = entry.msgstr if not entry.fuzzy else ""
            if translated.strip() == entry.msgid.strip():
                continue  # the same in this language (a name, a code)
            entries.setdefault(entry.msgid, translated)
    return {
        msgid: translated
        for msgid, translated in entries.items()
        if not any(msgid in content for content in CONTENT)
    }


def same_in(language: str) -> set[str]:
    """The catalogue's sentences that stay the same in ``language`` (names, codes)."""
    same = set()
    for path in (
        ROOT / "locale" / language / "LC_MESSAGES" / "django.po",
        ROOT / "locale" / "vendor" / language / "LC_MESSAGES" / "django.po",
    ):
        if path.exists():
            same |= {e.msgid for e in polib.pofile(str(path)) if e.msgstr == e.msgid}
    return same


def _pattern(sentence: str) -> re.Pattern:
    words = r"\s+".join(re.escape(word) for word in sentence.split())
    return re.compile(rf"(?<!\w){words}(?!\w)")


def found_in(sentences, texts: list[str]) -> set[str]:
    joined = "\n".join(texts)
    return {s for s in sentences if s.split()[0] in joined and _pattern(s).search(joined)}


@pytest.fixture
def axe():
    """axe-core through the debugger protocol (the site's Content Security Policy forbids
    injected scripts): the serious and critical violations."""
    source = AXE.read_text() + "\n;undefined"

    def run(page):
        page.evaluate(source)
        result = page.evaluate(
            """async () => {
                const r = await axe.run(document,
                    {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']});
                return r.violations.map(v => ({id: v.id, impact: v.impact,
                    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
            }"""
        )
        return [v for v in result if v["impact"] in ("serious", "critical")]

    return run


@pytest.fixture
def content(settings):
    """Home, a series with an episode and a comic, a course with a lesson; home, series,
    episode and comic translated into vi, ar, km and bn, the course into none."""
    from lms.portal.models import HomePage

    settings.ROOT_URLCONF = "tests.media_library.urls_with_media"
    home = HomePage.objects.get(locale__language_code="en")
    for code, _name in settings.LANGUAGES:
        Locale.objects.get_or_create(language_code=code)
    series = series_page(home)
    episode = episode_page(
        series, video=ready_video(title="The long shift"), title="The long shift"
    )
    comic = comic_page(series)
    for code, titles in TRANSLATED.items():
        translation_publish(home, code, title=titles["home"])
        translation_publish(series, code, title=titles["series"])
        translation_publish(episode, code, title=EPISODE_TITLES[code])
        translation_publish(comic, code, title=COMIC_TITLES[code])
    training = course_factories.section(home)
    training.save_revision().publish()
    programme = course_factories.programme(training, modules=1, lessons=1)
    from courses.models import LessonPage

    lesson = LessonPage.objects.descendant_of(programme).first()
    staff = country_staff(username="staff.sokha")
    return {
        "home": "/",
        "episode": episode.url[len("/en") :],
        "comic": comic.url[len("/en") :],
        "course": programme.url[len("/en") :],
        "lesson": lesson.url[len("/en") :],
        "sign-in": "/accounts/login/",
        "staff": staff,
        "translated": {
            "home": set(TRANSLATED),
            "episode": set(TRANSLATED),
            "comic": set(TRANSLATED),
            "course": set(),
            "lesson": set(),
        },
    }


def test_every_page_in_every_language(live_server, playwright_browser, axe, login, content):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    phone = {"viewport": {"width": 360, "height": 740}}
    visitor_context = playwright_browser.new_context(**phone)
    staff_context = playwright_browser.new_context(**phone)
    visitor = visitor_context.new_page()
    staff_page = staff_context.new_page()
    for tab in (visitor, staff_page):
        tab.set_default_timeout(15000)

    problems: list[str] = []
    english_texts: dict[str, list[str]] = {}
    compared: dict[str, int] = {}  # catalogue sentences compared on each page

    # A staff member without an authenticator is sent to set one up before the admin.
    staff = content["staff"]
    login(staff_page, staff.username, PASSWORD)
    staff_page.goto(f"{live_server.url}/admin/")
    if "/accounts/reauthenticate/" in staff_page.url:
        # Setting up an authenticator asks for the password once more first.
        staff_page.fill("input[name=password]", PASSWORD)
        staff_page.click("main form [type=submit]")
        staff_page.wait_for_load_state()
    if "/accounts/2fa/totp/activate/" not in staff_page.url:
        problems.append(f"staff without TOTP were not sent to set it up: {staff_page.url}")

    pages = ["home", "episode", "comic", "course", "lesson", "sign-in", "two-factor"]
    languages = [code for code, _name in settings.LANGUAGES]
    assert languages[0] == "en", "the English pages are the reference: English comes first"
    for language in languages:
        direction = "rtl" if language in settings.RTL_LANGUAGES else "ltr"
        sentences = catalogue(language) if language != "en" else {}
        for name in pages:
            where = f"[{language}] {name}"
            tab = staff_page if name == "two-factor" else visitor
            path = "/accounts/2fa/totp/activate/" if name == "two-factor" else content[name]
            response = tab.goto(f"{live_server.url}/{language}{path}")
            if name == "two-factor" and "/reauthenticate/" in tab.url:
                # The password asked again before the secret is shown.
                tab.fill("input[name=password]", PASSWORD)
                tab.click("main form [type=submit]")
                tab.wait_for_load_state()
                response = tab.goto(f"{live_server.url}/{language}{path}")
            if response is None or response.status != 200:
                problems.append(f"{where}: answered {response and response.status} at {tab.url}")
                continue
            if f"/{language}/" not in tab.url:
                problems.append(f"{where}: ended on {tab.url}")
            html = tab.locator("html")
            if html.get_attribute("lang") != language:
                problems.append(f"{where}: html lang={html.get_attribute('lang')!r}")
            if html.get_attribute("dir") != direction:
                problems.append(f"{where}: html dir={html.get_attribute('dir')!r}")

            texts = tab.evaluate(TEXTS_JS)
            if language == "en":
                english_texts[name] = [text for text, _lang, _dir in texts]
            else:
                _check_interface(
                    problems, compared, where, language, sentences, english_texts[name], texts
                )
                if name in content["translated"]:
                    _check_fallback(problems, where, language, tab, content["translated"][name])

            violations = axe(tab)
            if violations:
                problems.append(f"{where}: axe found {violations}")
            if language in SCREENSHOTS and name in SCREENSHOT_PAGES:
                tab.screenshot(path=str(ARTIFACTS / f"{language}-{name}.png"), full_page=True)

    visitor_context.close()
    staff_context.close()
    (ARTIFACTS / "compared.json").write_text(json.dumps(compared, indent=1))
    assert not problems, f"{len(problems)} problems in the twelve languages:\n" + "\n".join(
        problems
    )


def _check_interface(problems, compared, where, language, sentences, english, texts):
    """No English sentence of the catalogue that the English page shows is left on this
    page."""
    on_english_page = found_in(sentences, english)
    if len(on_english_page) < 5:
        problems.append(
            f"{where}: only {sorted(on_english_page)} of the catalogue found on the English "
            "page: the comparison would prove nothing"
        )
    compared[where] = len(on_english_page)
    left = found_in(on_english_page, [text for text, _lang, _dir in texts])
    if left:
        problems.append(f"{where}: English left: {sorted(left)}")
    # English the catalogue lacks (a string marked after the catalogues were made, or not
    # marked at all): a text of two words or more the same as on the English page, in a part
    # of the page that says it is in this language.
    unchanged = {
        text
        for text, lang, _dir in texts
        if lang == language and len(text.split()) >= 2 and text in set(english)
    }
    same = same_in(language)
    unchanged -= same | {str(name) for _code, name in settings.LANGUAGES}
    # A sentence the same in this language once its placeholders are filled ("Episode 1" is
    # Indonesian as well as English).
    patterns = [
        re.compile("^" + re.sub(r"%\\\(\w+\\\)s", ".+", re.escape(msgid)) + "$")
        for msgid in same
        if "%(" in msgid
    ]
    unchanged = {t for t in unchanged if not any(p.match(t) for p in patterns)}
    unchanged = {t for t in unchanged if not any(t in c or c in t for c in CONTENT)}
    if unchanged:
        problems.append(f"{where}: English missing from the catalogue: {sorted(unchanged)}")


def _check_fallback(problems, where, language, tab, translated_into):
    """The page's title is in this language, or marked with the language it is really in."""
    heading = tab.evaluate(HEADING_JS)
    if heading is None:
        problems.append(f"{where}: no heading")
        return
    text, lang, direction = heading
    if language in translated_into:
        if lang != language:
            problems.append(f"{where}: translated heading {text!r} marked lang={lang!r}")
    elif (lang, direction) != ("en", "ltr"):
        problems.append(
            f"{where}: English fallback heading {text!r} marked lang={lang!r} dir={direction!r}"
        )


def _mislabelled(language, sentences, english, texts) -> set[str]:
    """The interface sentences in ``language`` found inside an element marked as another
    language (which a screen reader then reads with that language's voice)."""
    translations = {sentences[s] for s in found_in(sentences, english) if sentences[s]}
    foreign = [text for text, lang, _dir in texts if lang and lang != language]
    return found_in(translations, foreign)


def test_the_interface_around_fallback_content_keeps_the_readers_language(
    live_server, playwright_browser, content
):
    """An untranslated course and lesson on a Khmer page: their English title and text are
    marked English, the Khmer interface around them is not."""
    context = playwright_browser.new_context(viewport={"width": 360, "height": 740})
    tab = context.new_page()
    sentences = catalogue("km")
    found = {}
    for name in ("course", "lesson"):
        tab.goto(f"{live_server.url}/en{content[name]}")
        english = [text for text, _lang, _dir in tab.evaluate(TEXTS_JS)]
        tab.goto(f"{live_server.url}/km{content[name]}")
        found[name] = sorted(_mislabelled("km", sentences, english, tab.evaluate(TEXTS_JS)))
    context.close()
    assert found == {"course": [], "lesson": []}
