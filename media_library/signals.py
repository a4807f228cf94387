"""Handlers: a published comic gets its printable PDF made (in Celery)."""

from django.dispatch import receiver
from wagtail.signals import page_published

from media_library.models import ComicPage
from media_library.services import comic_print_enqueue


@receiver(page_published, sender=ComicPage)
def comic_published(sender, instance, **kwargs):
    comic_print_enqueue(page=instance)
