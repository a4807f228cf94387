"""Handlers: a published comic gets its printable PDF made (in Celery); files of deleted
videos, renditions, dubbed tracks and PDFs leave storage once the deletion commits."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from wagtail.signals import page_published

from media_library.models import AudioTrack, ComicPage, ComicPrint, VideoItem, VideoRendition
from media_library.services import comic_print_enqueue


@receiver(page_published, sender=ComicPage)
def comic_published(sender, instance, **kwargs):
    comic_print_enqueue(page=instance)


def _delete_files_after_commit(*fields):
    names = [(f.storage, f.name) for f in fields if f and f.name]

    def delete():
        for storage, name in names:
            storage.delete(name)

    transaction.on_commit(delete)


@receiver(post_delete, sender=VideoItem)
def video_deleted(sender, instance, **kwargs):
    _delete_files_after_commit(instance.master, instance.poster)


@receiver(post_delete, sender=VideoRendition)
def rendition_deleted(sender, instance, **kwargs):
    _delete_files_after_commit(instance.file)


@receiver(post_delete, sender=AudioTrack)
def audio_track_deleted(sender, instance, **kwargs):
    _delete_files_after_commit(instance.file)


@receiver(post_delete, sender=ComicPrint)
def comic_print_deleted(sender, instance, **kwargs):
    _delete_files_after_commit(instance.file)
