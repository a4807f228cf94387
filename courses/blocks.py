"""The one lesson StreamBlock family every course body uses, plus the question block that
pre/post tests share with lesson knowledge checks.

Video, H5P and SCORM come from the media room (``media_library.blocks.VideoBlock``, which
brings its own player assets) and the interactive room
(``media_library.interactive.blocks.H5PBlock``/``ScormBlock``, whose pages must load the
player scripts: see ``uses_interactive``).
"""

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from media_library.blocks import VideoBlock
from media_library.interactive.blocks import Cmi5Block, H5PBlock, ScormBlock

RICH_TEXT_FEATURES = ["h3", "bold", "italic", "link", "ol", "ul", "document-link"]


class ChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("answer"), max_length=200)
    correct = blocks.BooleanBlock(label=_("correct"), required=False)

    class Meta:
        icon = "tick"
        label = _("Answer")


class QuestionBlock(blocks.StructBlock):
    """A multiple-choice question: at least two answers, at least one correct."""

    question = blocks.TextBlock(label=_("question"), max_length=500)
    choices = blocks.ListBlock(ChoiceBlock(), label=_("answers"), min_num=2, max_num=6)
    explanation = blocks.TextBlock(
        label=_("explanation"),
        required=False,
        max_length=600,
        help_text=_("Shown after the learner answers."),
    )

    class Meta:
        icon = "help"
        label = _("Knowledge check question")
        template = "courses/blocks/question.html"

    def clean(self, value):
        value = super().clean(value)
        if not any(choice["correct"] for choice in value["choices"]):
            raise StructBlockValidationError(
                block_errors={
                    "choices": ErrorList(
                        [ValidationError(_("Mark at least one answer as correct."))]
                    )
                }
            )
        return value


class BankQuizBlock(blocks.StructBlock):
    """A knowledge check that draws questions at random from the question bank of a topic
    (``courses.progression``); attempts follow the course's question bank rules."""

    topic = SnippetChooserBlock("taxonomy.Cluster", label=_("topic"))
    count = blocks.IntegerBlock(label=_("questions drawn"), min_value=1, max_value=30, default=5)
    pass_percent = blocks.IntegerBlock(
        label=_("pass mark (percent)"), min_value=1, max_value=100, default=70
    )

    class Meta:
        icon = "help"
        label = _("Knowledge check from the question bank")
        template = "courses/blocks/bank_quiz.html"


# The lesson blocks a learner passes: each counts towards "every knowledge check answered".
CHECK_BLOCK_TYPES = frozenset({"knowledge_check", "bank_quiz"})


class DocumentDownloadBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    title = blocks.CharBlock(label=_("title"), required=False, max_length=120)
    description = blocks.TextBlock(label=_("description"), required=False, max_length=300)

    class Meta:
        icon = "doc-full"
        label = _("Document download")
        template = "courses/blocks/document.html"


class DiscussInClassBlock(blocks.StructBlock):
    prompt = blocks.TextBlock(label=_("prompt"), max_length=500)
    minutes = blocks.IntegerBlock(label=_("minutes"), required=False, min_value=1, max_value=240)
    facilitator_notes = blocks.TextBlock(label=_("notes for the trainer"), required=False)

    class Meta:
        icon = "group"
        label = _("Discuss in class")
        template = "courses/blocks/discuss.html"


class TryAtWorkBlock(blocks.StructBlock):
    task = blocks.TextBlock(label=_("task"), max_length=600)
    evidence_hint = blocks.CharBlock(label=_("what to bring back"), required=False, max_length=200)

    class Meta:
        icon = "site"
        label = _("Try at work")
        template = "courses/blocks/try_at_work.html"


class LessonStreamBlock(blocks.StreamBlock):
    rich_text = blocks.RichTextBlock(
        label=_("text"), features=RICH_TEXT_FEATURES, template="courses/blocks/rich_text.html"
    )
    image = ImageBlock(label=_("image"), template="courses/blocks/image.html")
    document = DocumentDownloadBlock()
    video = VideoBlock()
    h5p = H5PBlock()
    scorm = ScormBlock()
    cmi5 = Cmi5Block()
    knowledge_check = QuestionBlock()
    bank_quiz = BankQuizBlock()
    discuss = DiscussInClassBlock()
    try_at_work = TryAtWorkBlock()


INTERACTIVE_BLOCK_TYPES = frozenset({"h5p", "scorm"})


def uses_interactive(stream) -> bool:
    """Whether a lesson body (or seminar materials) embeds an H5P or SCORM player, so that
    the page loads the interactive player's scripts and styles only when it needs them."""
    return any(block.block_type in INTERACTIVE_BLOCK_TYPES for block in stream or ())


class TestQuestionsBlock(blocks.StreamBlock):
    """The questions of a course's pre/post test: the same questions before and after."""

    question = QuestionBlock(template="courses/blocks/test_question.html")


class ClassroomBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=120)
    days = blocks.DecimalBlock(label=_("days"), min_value=0.5, max_value=30, decimal_places=1)
    topics = blocks.ListBlock(blocks.CharBlock(max_length=120), label=_("topics"))

    class Meta:
        icon = "group"
        label = _("Classroom block")


class PracticeGapBlock(blocks.StructBlock):
    weeks_min = blocks.IntegerBlock(label=_("at least (weeks)"), min_value=1, max_value=26)
    weeks_max = blocks.IntegerBlock(label=_("at most (weeks)"), min_value=1, max_value=26)
    assignment = blocks.RichTextBlock(label=_("practice assignment"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "time"
        label = _("Practice at work")

    def clean(self, value):
        value = super().clean(value)
        if value["weeks_max"] < value["weeks_min"]:
            raise StructBlockValidationError(
                block_errors={
                    "weeks_max": ErrorList(
                        [ValidationError(_("At most must not be less than at least."))]
                    )
                }
            )
        return value


class TrainingStructureBlock(blocks.StreamBlock):
    """Supervisor training: classroom blocks with practice gaps between them."""

    classroom = ClassroomBlock()
    practice = PracticeGapBlock()


class HandoutBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=120)
    kind = blocks.ChoiceBlock(
        label=_("kind"),
        choices=[("handout", _("Handout")), ("poster", _("Poster"))],
        default="handout",
    )
    text = blocks.RichTextBlock(label=_("text"), features=RICH_TEXT_FEATURES, required=False)
    image = ImageBlock(label=_("image"), required=False)
    document = DocumentChooserBlock(label=_("printable file"), required=False)

    class Meta:
        icon = "doc-full-inverse"
        label = _("Handout or poster")
