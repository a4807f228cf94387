from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def authorise_videos(user, keys: set[str]) -> set[str]:
    """Any signed-in learner may record watching a video that exists."""
    from media_library.models import VideoItem

    ids = {int(k) for k in keys if k.isdigit()}
    found = VideoItem.objects.filter(pk__in=ids).values_list("pk", flat=True)
    return {str(pk) for pk in found}


def episode_quiz_check(user, package, context_page):
    """Awareness media are open to all: any signed-in person may record their answers to
    an episode's H5P quiz (the bridge has already checked the page embeds the package).
    Pages of other kinds are not this room's to decide."""
    from media_library.models import EpisodePage

    page_class = getattr(context_page, "specific_class", None)  # no query: the content type
    if page_class is not None and issubclass(page_class, EpisodePage):
        return user.is_authenticated
    return None


class MediaLibraryConfig(AppConfig):
    name = "media_library"
    verbose_name = _("Media library")

    def ready(self):
        from lms.records.activities import register_activity_kind
        from media_library import signals  # noqa: F401 - connects the handlers
        from media_library.interactive.access import register_access_check

        register_activity_kind("video", authorise_videos)
        register_access_check(episode_quiz_check)
