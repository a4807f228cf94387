"""StreamField blocks of the media library, defined once and used by every page that shows
awareness media: ``VideoBlock`` and ``ComicBlock`` (for lesson bodies in courses and any other
page), the trainers' discussion guide and the episode quiz."""

from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock

from media_library.interactive.blocks import H5PBlock


class VideoChooserBlock(blocks.ChooserBlock):
    """Chooses one of the media library's videos (the admin chooser lists ready ones first)."""

    target_model = "media_library.VideoItem"

    @cached_property
    def widget(self):
        from media_library.admin_views import video_chooser_viewset

        return video_chooser_viewset.widget_class()

    def get_form_state(self, value):
        return self.widget.get_value_data(value)

    class Meta:
        icon = "media"


class VideoBlock(blocks.StructBlock):
    """A video from the media library, played with the lightweight player: the rendition
    fits the connection, captions come in the page's language first."""

    video = VideoChooserBlock(label=_("video"))
    title = blocks.CharBlock(
        label=_("title"), required=False, max_length=120, help_text=_("Optional heading.")
    )
    caption = blocks.TextBlock(label=_("caption"), required=False, max_length=400)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "media_library/blocks/video.html"

    def get_context(self, value, parent_context=None):
        from media_library.selectors import player_for_video

        context = super().get_context(value, parent_context)
        page = (parent_context or {}).get("page")
        language = page.locale.language_code if page is not None else get_language()
        context["player"] = player_for_video(video=value["video"], language=language)
        return context


class ComicBlock(blocks.StructBlock):
    """A link card to a comic, showing its first panel."""

    comic = blocks.PageChooserBlock(label=_("comic"), page_type="media_library.ComicPage")
    text = blocks.TextBlock(label=_("text"), required=False, max_length=240)

    class Meta:
        icon = "image"
        label = _("Comic")
        template = "media_library/blocks/comic.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        comic = value["comic"]
        if comic is not None:
            comic = comic.specific.localized
            context["comic"] = comic
            context["first_panel"] = comic.panels.select_related("image").first()
        return context


class DocumentBlock(blocks.StructBlock):
    """A downloadable document (a handout, a guide), shown with its type and size so that
    someone on metered data knows what a download costs."""

    document = DocumentChooserBlock(label=_("document"))
    title = blocks.CharBlock(
        label=_("title"), required=False, max_length=160, help_text=_("Defaults to its title.")
    )

    class Meta:
        icon = "doc-full"
        label = _("Document")
        template = "media_library/blocks/document.html"


class DiscussionQuestionBlock(blocks.StructBlock):
    question = blocks.TextBlock(label=_("question"), max_length=400)
    prompt = blocks.TextBlock(
        label=_("notes for the trainer"),
        required=False,
        max_length=800,
        help_text=_("What to listen for, or how to follow up."),
    )

    class Meta:
        icon = "help"
        label = _("Question")
        template = "media_library/blocks/discussion_question.html"


class DiscussionGuideBlock(blocks.StreamBlock):
    """Questions and notes trainers use to run a session around an episode."""

    heading = blocks.CharBlock(label=_("heading"), max_length=120, icon="title")
    paragraph = blocks.RichTextBlock(label=_("paragraph"), features=["bold", "italic", "ol", "ul"])
    question = DiscussionQuestionBlock()
    handout = DocumentBlock()


class QuizQuestionBlock(blocks.StructBlock):
    """A multiple-choice question; the answer is revealed without JavaScript."""

    question = blocks.CharBlock(label=_("question"), max_length=300)
    choices = blocks.ListBlock(
        blocks.CharBlock(label=_("choice"), max_length=200), label=_("choices"), min_num=2
    )
    correct = blocks.IntegerBlock(
        label=_("number of the correct choice"), min_value=1, help_text=_("1 for the first.")
    )
    explanation = blocks.TextBlock(label=_("explanation"), required=False, max_length=600)

    class Meta:
        icon = "tick"
        label = _("Quiz question")
        template = "media_library/blocks/quiz_question.html"

    def clean(self, value):
        from django.core.exceptions import ValidationError
        from wagtail.blocks.struct_block import StructBlockValidationError

        value = super().clean(value)
        if value["correct"] > len(value["choices"]):
            raise StructBlockValidationError(
                block_errors={"correct": ValidationError(_("There is no choice with this number."))}
            )
        return value


class EpisodeQuizBlock(blocks.StreamBlock):
    """A few plain questions that work without JavaScript, or an H5P exercise."""

    question = QuizQuestionBlock()
    h5p = H5PBlock()
