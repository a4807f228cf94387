from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def authorise_videos(user, keys: set[str]) -> set[str]:
    """Any signed-in learner may record watching a video that exists."""
    from media_library.models import VideoItem

    ids = {int(k) for k in keys if k.isdigit()}
    found = VideoItem.objects.filter(pk__in=ids).values_list("pk", flat=True)
    return {str(pk) for pk in found}


class MediaLibraryConfig(AppConfig):
    name = "media_library"
    verbose_name = _("Media library")

    def ready(self):
        from lms.records.activities import register_activity_kind
        from media_library import signals  # noqa: F401 - connects the handlers

        register_activity_kind("video", authorise_videos)
