"""Celery tasks of the media library. Each is safe to run twice (see services)."""

from lms.celery import shared_task
from media_library import services


@shared_task(acks_late=True, ignore_result=True)
def video_process_task(video_id: int) -> str:
    return services.video_process(video_id=video_id).status


@shared_task(acks_late=True, ignore_result=True, autoretry_for=(OSError,), max_retries=3)
def comic_print_task(page_id: int) -> None:
    services.comic_print_render(page_id=page_id)
