"""A worker on a phone: choose a rendition, turn on Arabic captions, save a comic for
offline, reload with the network off and read it."""

import pytest
from django.core.files import File
from wagtail.models import Locale

from lms.portal.models import HomePage
from media_library import services
from tests.media_library.factories import comic_page, episode_page, series_page, tiny_clip

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def axe():
    """Like the shared fixture, but injects axe-core through the debugger protocol, which the
    site's Content Security Policy (no inline scripts) does not block."""
    from tests.browser.conftest import AXE

    source = AXE.read_text()

    def run(page):
        page.evaluate(source + "\n;undefined")
        result = page.evaluate(
            """async () => {
                const r = await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa']});
                return r.violations.map(v => ({id: v.id, impact: v.impact,
                    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
            }"""
        )
        return [v for v in result if v["impact"] in ("serious", "critical")]

    return run


def _home() -> HomePage:
    """The English home page; made here when a transactional test before this one flushed
    the rows the migrations load."""
    from wagtail.models import Collection, Page, Site

    for code in ("en", "ar"):
        Locale.objects.get_or_create(language_code=code)
    if not Collection.get_first_root_node():
        Collection.add_root(name="Root")
    home = HomePage.objects.filter(locale__language_code="en").first()
    if home is None:
        root = Page.get_first_root_node() or Page.add_root(
            instance=Page(title="Root", slug="root", locale=Locale.objects.get(language_code="en"))
        )
        home = root.add_child(instance=HomePage(title="Home", slug="home"))
        Site.objects.update_or_create(
            is_default_site=True, defaults={"root_page": home, "hostname": "localhost"}
        )
    return home


@pytest.fixture
def media_site(settings):
    settings.ROOT_URLCONF = "tests.media_library.urls_with_media"


@pytest.fixture
def episode(tmp_path, media_site):
    clip = tiny_clip(tmp_path / "clip.mp4", seconds=2, size="640x360")
    with open(clip, "rb") as handle:
        video = services.video_create(
            title="The long shift",
            master=File(handle, name="clip.mp4"),
            captions={
                "en": "WEBVTT\n\n00:00.000 --> 00:02.000\nEveryone stays until ten.\n",
                "ar": "WEBVTT\n\n00:00.000 --> 00:02.000\nالجميع يبقى حتى العاشرة.\n",
            },
        )
    return episode_page(series_page(_home()), video=video)


def test_a_worker_chooses_a_rendition_and_turns_on_arabic_captions(page, live_server, episode, axe):
    page.goto(live_server.url + episode.url)

    page.get_by_label("Audio only", exact=False).check()
    assert page.eval_on_selector("video source", "s => s.getAttribute('src')").endswith("audio.m4a")
    page.get_by_label("Low", exact=False).check()
    assert page.eval_on_selector("video source", "s => s.getAttribute('src')").endswith("low.mp4")
    assert "Low" in page.locator("[data-save-size]").inner_text() or page.locator(
        "[data-save-size]"
    ).inner_text().startswith("Size")

    page.select_option("[data-captions]", "ar")
    modes = page.evaluate(
        "() => Array.from(document.querySelector('video').textTracks)"
        ".map(t => [t.language, t.mode])"
    )
    assert ["ar", "showing"] in modes
    assert ["en", "disabled"] in modes
    assert axe(page) == []

    # Save the low rendition; with the network off it is served in byte ranges, so it plays.
    page.evaluate("() => navigator.serviceWorker.ready")
    page.reload()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.get_by_label("Low", exact=False).check()
    page.click("[data-save]")
    page.wait_for_function(
        "() => Object.keys(JSON.parse(localStorage.getItem('bw-saved-index') || '{}')).length"
    )
    page.context.set_offline(True)
    page.reload()
    low = page.eval_on_selector("video source", "s => s.src")
    ranged = page.evaluate(
        "async (url) => { const r = await fetch(url, {headers: {Range: 'bytes=0-99'}});"
        " return [r.status, (await r.arrayBuffer()).byteLength]; }",
        low,
    )
    assert ranged == [206, 100]
    page.context.set_offline(False)


def test_a_worker_saves_a_comic_and_reads_it_with_the_network_off(
    page, browser_context, live_server, media_site, axe
):
    comic = comic_page(_home(), panels=3)
    arabic = comic.copy_for_translation(Locale.objects.get(language_code="ar"), copy_parents=True)
    panels = list(arabic.panels.all().order_by("sort_order"))
    for index, panel in enumerate(panels, start=1):
        panel.text = f"نص اللوحة {index}"
    arabic.panels = panels
    arabic.save_revision().publish()
    url = live_server.url + arabic.url

    page.goto(url)
    assert axe(page) == []
    # Keyboard reading, mirrored for right-to-left: the left arrow goes forward.
    page.focus("[data-panels]")
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(
        "() => document.querySelector('[data-counter]').textContent.startsWith('2')"
    )
    page.keyboard.press("End")
    page.wait_for_function(
        "() => document.querySelector('[data-counter]').textContent.startsWith('3')"
    )
    assert page.is_disabled("[data-next]")
    page.evaluate("() => navigator.serviceWorker.ready")
    page.reload()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.wait_for_function(
        "() => /\\d/.test(document.querySelector('[data-save-size]').textContent)"
    )
    page.click("[data-save]")
    page.wait_for_function(
        "() => JSON.parse(localStorage.getItem('bw-saved-index') || '{}')"
        f"['comic:{arabic.pk}'] !== undefined"
    )

    browser_context.set_offline(True)
    page.reload()

    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.get_by_text("نص اللوحة 1").is_visible()
    page.click("[data-next]")
    page.wait_for_function(
        "() => document.querySelector('[data-counter]').textContent.trim().length > 0"
    )
    loaded = page.evaluate(
        "() => Promise.all(Array.from(document.querySelectorAll('.comic-panel img')).map("
        "img => img.decode().then(() => img.naturalWidth, () => 0)))"
    )
    assert all(width > 0 for width in loaded)

    # The saved list works offline too, and frees the space.
    page.goto(live_server.url + "/ar/watch/saved/")
    saved = page.get_by_role("link", name=arabic.title)
    assert saved.is_visible()
    page.click(".saved-item button")
    page.wait_for_function("() => !document.querySelector('.saved-item')")
    assert page.evaluate("() => localStorage.getItem('bw-saved-index')") == "{}"
    browser_context.set_offline(False)


def test_on_a_slow_data_saving_connection_the_lightest_video_is_chosen(page, live_server, episode):
    page.add_init_script(
        "Object.defineProperty(navigator, 'connection', {value: {saveData: true, "
        "effectiveType: '2g'}}); localStorage.setItem('bw-quality', 'high');"
    )
    page.goto(live_server.url + episode.url)
    page.wait_for_selector("[data-controls]:not([hidden])")
    assert page.eval_on_selector("video source", "s => s.getAttribute('src')").endswith("low.mp4")
    assert page.is_checked("input[value=low]")
    # Nothing but the poster is fetched before the person presses play.
    assert page.eval_on_selector("video", "v => v.preload") == "none"
