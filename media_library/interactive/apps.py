from functools import partial

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _cmi5_receiver(sender, actor, statements, **kwargs):
    from media_library.interactive.cmi5_services import cmi5_after_statements

    cmi5_after_statements(actor=actor, statements=statements)


class InteractiveConfig(AppConfig):
    name = "media_library.interactive"
    label = "interactive"
    verbose_name = _("Interactive content (H5P, SCORM and cmi5)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from lms.records.activities import register_activity_kind
        from lms.records.signals import statements_recorded
        from lms.records.statement_rules import register_statement_rule
        from media_library.interactive import signals  # noqa: F401  (connects the receivers)
        from media_library.interactive.cmi5_services import (
            CMI5_KIND,
            authorise_cmi5_keys,
            cmi5_statement_rule,
        )
        from media_library.interactive.services import (
            H5P_KIND,
            SCORM_KIND,
            authorise_package_keys,
        )

        register_activity_kind(CMI5_KIND, authorise_cmi5_keys)
        register_statement_rule(cmi5_statement_rule)
        statements_recorded.connect(_cmi5_receiver, dispatch_uid="interactive_cmi5")
        register_activity_kind(H5P_KIND, partial(authorise_package_keys, H5P_KIND))
        register_activity_kind(SCORM_KIND, partial(authorise_package_keys, SCORM_KIND))
