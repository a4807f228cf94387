from functools import partial

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteractiveConfig(AppConfig):
    name = "media_library.interactive"
    label = "interactive"
    verbose_name = _("Interactive content (H5P and SCORM)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from lms.records.activities import register_activity_kind
        from media_library.interactive import signals  # noqa: F401  (connects the receivers)
        from media_library.interactive.services import (
            H5P_KIND,
            SCORM_KIND,
            authorise_package_keys,
        )

        register_activity_kind(H5P_KIND, partial(authorise_package_keys, H5P_KIND))
        register_activity_kind(SCORM_KIND, partial(authorise_package_keys, SCORM_KIND))
