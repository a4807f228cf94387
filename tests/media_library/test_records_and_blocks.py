"""What other rooms use: the video activity kind in lms.records, VideoBlock and ComicBlock."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from lms.records.activities import activity_id, registered_kinds
from lms.records.models import Statement
from lms.records.services import StatementForbidden, statements_record
from lms.records.verbs import COMPLETED
from media_library.blocks import ComicBlock, QuizQuestionBlock, VideoBlock
from tests.accounts.factories import UserFactory
from tests.media_library.factories import comic_page, ready_video

pytestmark = pytest.mark.django_db


def _statement(video_id):
    return {
        "id": str(uuid.uuid4()),
        "verb": {"id": COMPLETED},
        "object": {"id": activity_id("video", video_id)},
        "result": {"completion": True},
    }


def test_a_signed_in_learner_records_watching_a_video_once():
    learner = UserFactory(roles=["worker"])
    video = ready_video()
    statement = _statement(video.pk)

    statements_record(actor=learner, statements=[statement])
    statements_record(actor=learner, statements=[statement])

    assert "video" in registered_kinds()
    assert Statement.objects.filter(actor=learner, activity_kind="video").count() == 1


def test_a_video_that_does_not_exist_cannot_be_recorded():
    with pytest.raises(StatementForbidden):
        statements_record(actor=UserFactory(), statements=[_statement(987654)])


def test_the_player_sends_records_only_for_signed_in_people(client, home_page):
    from tests.media_library.factories import episode_page, series_page

    episode = episode_page(series_page(home_page), video=ready_video())
    assert b"data-record-url" not in client.get(episode.url).content
    client.force_login(UserFactory())
    assert b'data-record-url="/api/records/statements"' in client.get(episode.url).content


def test_the_video_block_renders_the_player_in_the_pages_language():
    video = ready_video(captions=("en", "vi"))
    block = VideoBlock()
    value = block.to_python({"video": video.pk, "title": "Watch this", "caption": ""})
    request = RequestFactory().get("/vi/learn/")
    from django.contrib.auth.models import AnonymousUser
    from django.utils import translation

    request.user = AnonymousUser()
    with translation.override("vi"):
        html = block.render(value, context={"request": request})

    assert "<video" in html
    assert "Watch this" in html
    assert html.index('srclang="vi"') < html.index('srclang="en"')
    assert "js/media_library/player.js" in html


def test_the_comic_block_links_to_the_comic_with_its_first_panel(home_page):
    comic = comic_page(home_page, panels=2)
    block = ComicBlock()
    html = block.render(block.to_python({"comic": comic.pk, "text": ""}))
    assert comic.url in html
    assert "<img" in html


def test_a_quiz_question_must_point_at_one_of_its_choices():
    block = QuizQuestionBlock()
    value = block.to_python({"question": "Q?", "choices": ["a", "b"], "correct": 3})
    with pytest.raises(ValidationError):
        block.clean(value)
    good = block.to_python({"question": "Q?", "choices": ["a", "b"], "correct": 2})
    assert block.clean(good)["correct"] == 2


def test_the_video_chooser_block_can_be_used_in_the_admin():
    from wagtail.admin.telepath import JSContext

    video = ready_video()
    block = VideoBlock()
    packed = JSContext().pack(block)
    assert packed
    state = block.get_form_state({"video": video, "title": "", "caption": ""})
    assert state["video"]["id"] == video.pk


def test_a_document_block_shows_the_type_and_size_before_download():
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document

    from media_library.blocks import DocumentBlock

    document = Document(title="Overtime handout")
    document.file.save("handout.pdf", ContentFile(b"%PDF" + b"0" * 2048), save=False)
    document.save()
    block = DocumentBlock()
    html = block.render(block.to_python({"document": document.pk, "title": ""}))
    assert "Overtime handout" in html
    assert "PDF" in html
    assert "KB" in html


def test_two_video_blocks_on_one_page_share_one_set_of_interface_text():
    from django.contrib.auth.models import AnonymousUser
    from django.template import Context, Template

    block = VideoBlock()
    first = block.to_python({"video": ready_video().pk, "title": "", "caption": ""})
    second = block.to_python({"video": ready_video().pk, "title": "", "caption": ""})
    request = RequestFactory().get("/en/learn/")
    request.user = AnonymousUser()
    template = Template("{% load wagtailcore_tags %}{% include_block a %}{% include_block b %}")
    html = template.render(
        Context({"a": block.bind(first), "b": block.bind(second), "request": request})
    )
    assert html.count("<video") == 2
    assert html.count('id="media-messages"') == 1
