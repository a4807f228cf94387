"""Make the renditions of every video that is not ready yet, one after another (what a
Celery worker does when videos are queued; `make demo` runs it beside the dev server)."""

from django.core.management.base import BaseCommand

from media_library import services
from media_library.models import VideoItem


class Command(BaseCommand):
    help = "Make the renditions of every video that is not ready yet."

    def handle(self, *args, **options):
        pending = VideoItem.objects.exclude(status=VideoItem.Status.READY).order_by("pk")
        for video_id, title in pending.values_list("pk", "title"):
            outcome = services.video_process(video_id=video_id)
            self.stdout.write(f"{title}: {outcome.status}")
