"""The blocks of the portal's own pages (home and section pages)."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock


class LinkCardBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=80)
    text = blocks.TextBlock(label=_("text"), required=False, max_length=240)
    page = blocks.PageChooserBlock(label=_("page"), required=False)
    url = blocks.URLBlock(label=_("or a web address"), required=False)

    class Meta:
        icon = "link"
        label = _("Link card")
        template = "portal/blocks/link_card.html"


class PortalStreamBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(label=_("heading"), form_classname="title", icon="title")
    paragraph = blocks.RichTextBlock(
        label=_("paragraph"), features=["bold", "italic", "link", "ol", "ul"]
    )
    image = ImageBlock(label=_("image"))
    cards = blocks.ListBlock(LinkCardBlock(), label=_("cards"), template="portal/blocks/cards.html")
