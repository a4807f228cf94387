"""The blocks that embed interactive packages in lesson and media bodies.

``H5PBlock`` and ``ScormBlock`` render a sandboxed player frame (``Cmi5Block`` lists the
course's units, each launched in one); the page around it (the
block's parent context ``page``) is the context in which results are recorded, so a
learner's statements carry that page as their parent activity.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock


class H5PBlock(blocks.StructBlock):
    content = SnippetChooserBlock("interactive.H5PContent", label=_("H5P exercise"))
    title = blocks.CharBlock(
        label=_("title"),
        required=False,
        max_length=200,
        help_text=_(
            "Shown above the exercise and given to its frame; the exercise's title if empty."
        ),
    )

    class Meta:
        icon = "form"
        label = _("H5P exercise")
        template = "interactive/blocks/h5p.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        from media_library.interactive import players

        parent_context = parent_context or {}
        context["player"] = players.h5p_player(
            content=value.get("content"),
            page=parent_context.get("page"),
            request=parent_context.get("request"),
            title=value.get("title") or "",
        )
        return context


class ScormBlock(blocks.StructBlock):
    package = SnippetChooserBlock("interactive.ScormPackage", label=_("SCORM package"))
    title = blocks.CharBlock(
        label=_("title"),
        required=False,
        max_length=200,
        help_text=_("Shown above the package; the package's title if empty."),
    )

    class Meta:
        icon = "media"
        label = _("SCORM package")
        template = "interactive/blocks/scorm.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        from media_library.interactive import players

        parent_context = parent_context or {}
        context["player"] = players.scorm_player(
            package=value.get("package"),
            page=parent_context.get("page"),
            request=parent_context.get("request"),
            title=value.get("title") or "",
        )
        return context


class Cmi5Block(blocks.StructBlock):
    package = SnippetChooserBlock("interactive.Cmi5Package", label=_("cmi5 course"))
    title = blocks.CharBlock(
        label=_("title"),
        required=False,
        max_length=200,
        help_text=_("Shown above the course's units; the course's title if empty."),
    )

    class Meta:
        icon = "media"
        label = _("cmi5 course")
        template = "interactive/blocks/cmi5.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        from media_library.interactive.cmi5_player import cmi5_player

        parent_context = parent_context or {}
        context["player"] = cmi5_player(
            package=value.get("package"),
            page=parent_context.get("page"),
            request=parent_context.get("request"),
            title=value.get("title") or "",
        )
        return context


class InteractiveStreamBlock(blocks.StreamBlock):
    """The body of an interactive exercise page: text around H5P and SCORM players."""

    heading = blocks.CharBlock(label=_("heading"), form_classname="title", icon="title")
    paragraph = blocks.RichTextBlock(
        label=_("paragraph"), features=["bold", "italic", "link", "ol", "ul"]
    )
    h5p = H5PBlock()
    scorm = ScormBlock()
    cmi5 = Cmi5Block()
