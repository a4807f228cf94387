from wagtail.fields import RichTextField
from wagtail.models import Page


class BarePage(Page):
    """A bare Wagtail page: a title and a rich-text body, nothing else."""

    body = RichTextField(blank=True)
