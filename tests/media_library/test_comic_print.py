"""The printable PDF of a comic, made in Celery with fonts for every script."""

import re
import zlib

import pytest
from wagtail.models import Locale

from media_library.models import ComicPrint
from media_library.services import comic_print_render
from tests.media_library.factories import comic_page

pytestmark = pytest.mark.django_db


def _pdf_text(data: bytes) -> bytes:
    """The PDF with its compressed streams opened (font names live in object streams)."""
    parts = [data]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.DOTALL):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"".join(parts)


def test_publishing_a_comic_makes_its_pdf(home_page, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        comic = comic_page(home_page, panels=2)
    pdf = ComicPrint.objects.get(page=comic)
    data = pdf.file.read()
    assert data.startswith(b"%PDF")
    assert pdf.size == len(data)


def test_khmer_and_arabic_comics_embed_fonts_that_can_draw_them(home_page):
    comic = comic_page(home_page, panels=1, publish=False)
    for language, text, font in [
        ("km", "ម៉ៃ ធុំក្លិនផ្សែងនៅជិតតុកាត់។", b"Noto-Sans-Khmer"),
        ("ar", "تشم ماي رائحة دخان قرب طاولة القص.", b"Noto-Naskh-Arabic"),
    ]:
        translation = comic.copy_for_translation(
            Locale.objects.get(language_code=language), copy_parents=True
        )
        panels = list(translation.panels.all())
        panels[0].text = text
        translation.panels = panels
        translation.save_revision().publish()
        pdf = comic_print_render(page_id=translation.pk)
        assert font in _pdf_text(pdf.file.read())


def test_an_unchanged_comic_is_not_printed_again_and_a_changed_one_is(home_page):
    comic = comic_page(home_page, panels=1, publish=False)
    first = comic_print_render(page_id=comic.pk)
    name = first.file.name
    assert comic_print_render(page_id=comic.pk).file.name == name

    panel = comic.panels.get()
    panel.text = "New words"
    panel.save()
    again = comic_print_render(page_id=comic.pk)

    assert again.pk == first.pk
    assert again.content_hash != first.content_hash
