"""Stored files follow their package: when a package row is deleted, its unpacked files and
its uploaded archive go too (after the transaction commits). Shared H5P libraries stay."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from media_library.interactive import package_files
from media_library.interactive.models import Cmi5Package, H5PContent, ScormPackage


def _remove_files(package) -> None:
    prefix = package.storage_prefix
    source = package.source.name
    storage = package.source.storage

    def remove():
        package_files.delete_tree(prefix)
        if source and storage.exists(source):
            storage.delete(source)

    transaction.on_commit(remove)


@receiver(post_delete, sender=H5PContent)
def h5p_content_deleted(sender, instance, **kwargs):
    _remove_files(instance)


@receiver(post_delete, sender=ScormPackage)
def scorm_package_deleted(sender, instance, **kwargs):
    _remove_files(instance)


@receiver(post_delete, sender=Cmi5Package)
def cmi5_package_deleted(sender, instance, **kwargs):
    _remove_files(instance)
