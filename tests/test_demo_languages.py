"""The demo speaks Khmer and Bengali (and Vietnamese and Arabic): its pages are translations
made by wagtail-localize, and a Khmer worker walks home -> episode -> course -> lesson in
Khmer. Issue 20, part 4."""

import re

import pytest
from wagtail.models import Page, Revision
from wagtail_localize.models import StringTranslation, Translation

pytestmark = pytest.mark.django_db

LANGUAGES = ("vi", "ar", "km", "bn")
KHMER = re.compile("[\u1780-\u17ff]")
BENGALI = re.compile("[\u0980-\u09ff]")
SCRIPTS = {"km": KHMER, "bn": BENGALI}


def _load(settings, capture):
    from courses import demo as courses_demo
    from lms.portal import demo as portal_demo
    from media_library import demo as media_demo

    settings.MEDIA_DEMO_VIDEOS_IN_BACKGROUND = True  # no renditions: not what is tested
    # wagtail-localize publishes a translation when the transaction commits.
    with capture(execute=True):
        portal_demo.load_pages()
        videos = media_demo.load_videos()
        media_demo.load_series(videos)
        media_demo.load_comic()
        seminar = courses_demo.load_seminar()
        sst = courses_demo.load_supervisor_training()
        kit = courses_demo.load_induction_kit()
        courses_demo.embed_lesson_media()
        # The programme (in vi and ar only) is tests/courses/test_demo.py's.
        courses_demo.translate_courses(None, seminar, sst, kit)
    return kit, seminar, sst


def _journey_pages(kit, seminar, sst):
    from media_library.models import ComicPage, EpisodePage, SeriesPage

    english = {"locale__language_code": "en"}
    pages = [Page.objects.get(depth=2, **english).specific]
    pages += list(SeriesPage.objects.filter(**english))
    pages += list(EpisodePage.objects.filter(**english))
    pages += list(ComicPage.objects.filter(**english))
    for course in (kit, seminar, sst):
        pages.append(course)
        pages += [page.specific for page in course.get_children()]
    return pages


def _every_page_has_live_translations_made_by_wagtail_localize(demo):
    kit, seminar, sst = demo
    pages = _journey_pages(kit, seminar, sst)
    # home, series, 3 episodes, comic; kit + 3 lessons, seminar + 2, training + 6
    assert len(pages) == 1 + 1 + 3 + 1 + (1 + 3) + (1 + 2) + (1 + 6)
    for page in pages:
        for language in LANGUAGES:
            translation = Translation.objects.filter(
                source__object_id=page.translation_key,
                source__locale__language_code="en",
                target_locale__language_code=language,
            ).first()
            assert translation is not None, (page, language)
            target = page.get_translation(translation.target_locale)
            assert target.live, (page, language)
            assert target.title != page.title, (page, language)
            script = SCRIPTS.get(language)
            if script:
                assert script.search(target.title), (page, language, target.title)
    # Every translated segment is in wagtail-localize's translation memory, as if an editor
    # had typed it in the translation editor.
    assert StringTranslation.objects.filter(locale__language_code="km").count() > 150
    assert StringTranslation.objects.filter(locale__language_code="bn").count() > 150


def _episodes_have_captions_in_every_content_language():
    from media_library.models import Caption

    for video_captions in Caption.objects.values_list("video", "language"):
        assert video_captions
    languages = {}
    for video, language in Caption.objects.values_list("video", "language"):
        languages.setdefault(video, set()).add(language)
    assert len(languages) == 3
    assert all(found >= {"en", *LANGUAGES} for found in languages.values())
    khmer = Caption.objects.filter(language="km").first()
    assert KHMER.search(khmer.vtt)
    assert BENGALI.search(Caption.objects.filter(language="bn").first().vtt)


def _english_words(html: str) -> list[str]:
    """Words of four or more Latin letters in the page's main text."""
    main = html.split('<main id="main"', 1)[1].split(">", 1)[1].split("</main>", 1)[0]
    text = re.sub(r"<[^>]+>", " ", main)
    return re.findall(r"\b[A-Za-z]{4,}\b", text)


def _a_worker_walks_home_episode_course_lesson_in_their_language(demo, client, language):
    from courses.models import LessonPage
    from media_library.models import EpisodePage

    kit = demo[0]
    script = SCRIPTS[language]
    home = client.get(f"/{language}/")
    assert home.status_code == 200
    assert f'lang="{language}"' in home.content.decode()
    episode = EpisodePage.objects.get(slug="the-long-shift", locale__language_code=language)
    course = kit.get_translation(episode.locale)
    lesson = LessonPage.objects.child_of(course).order_by("path").first()
    for page in (episode, course, lesson):
        assert page.url.startswith(f"/{language}/"), page.url
    for url in (episode.url, course.url, lesson.url):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        main = html.split('<main id="main"', 1)[1]
        assert len(script.findall(main)) > 40, url
        # No English sentence of the content left in the page (brand names aside).
        words = [w for w in _english_words(html) if w not in {"Better", "Work"}]
        assert len(words) <= 3, (url, words)
    assert script.search(client.get(episode.url).content.decode().split("<h1", 1)[1][:200])


def test_the_demo_speaks_khmer_and_bengali_through_wagtail_localize(
    settings, django_capture_on_commit_callbacks, home_page, client
):
    """One load of the demo (it is slow: videos, pages in five languages), then every
    check, then a second load that must change nothing."""
    demo = _load(settings, django_capture_on_commit_callbacks)
    _every_page_has_live_translations_made_by_wagtail_localize(demo)
    _episodes_have_captions_in_every_content_language()
    for language in ("km", "bn"):
        _a_worker_walks_home_episode_course_lesson_in_their_language(demo, client, language)

    revisions = Revision.objects.count()
    translations = StringTranslation.objects.count()
    _load(settings, django_capture_on_commit_callbacks)
    assert Revision.objects.count() == revisions
    assert StringTranslation.objects.count() == translations
