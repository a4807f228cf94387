"""Register the media library's admin views."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from media_library.admin_views import video_chooser_viewset, video_viewset
from media_library.models import VideoItem

register_permission_policy(VideoItem, video_viewset.permission_policy)


@hooks.register("register_admin_viewset")
def register_video_viewset():
    return video_viewset


@hooks.register("register_admin_viewset")
def register_video_chooser_viewset():
    return video_chooser_viewset
