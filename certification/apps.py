from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    name = "certification"
    verbose_name = _("Certification")

    def ready(self):
        from certification import receivers
        from lms.records.activities import register_activity_kind

        receivers.connect()

        from certification import notifications

        notifications.register()
        register_activity_kind(receivers.ASSESSMENT_KIND, receivers.authorise_assessments)
