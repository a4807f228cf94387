"""Processing uploaded packages off the request (eager when no broker is configured)."""

from lms.celery import shared_task
from media_library.interactive.models import H5PContent, ScormPackage


@shared_task(ignore_result=True)
def process_h5p_content(content_id: int) -> None:
    from media_library.interactive.services import h5p_content_process

    content = H5PContent.objects.filter(pk=content_id).first()
    if content is not None:
        h5p_content_process(content=content)


@shared_task(ignore_result=True)
def process_scorm_package(package_id: int) -> None:
    from media_library.interactive.services import scorm_package_process

    package = ScormPackage.objects.filter(pk=package_id).first()
    if package is not None:
        scorm_package_process(package=package)


@shared_task(ignore_result=True)
def process_cmi5_package(package_id: int) -> None:
    from media_library.interactive.cmi5_models import Cmi5Package
    from media_library.interactive.cmi5_services import cmi5_package_process

    package = Cmi5Package.objects.filter(pk=package_id).first()
    if package is not None:
        cmi5_package_process(package=package)
