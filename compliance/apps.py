from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = _("Compliance")

    def ready(self):
        from compliance.publication import on_assessment_published
        from compliance.signals import assessment_published

        assessment_published.connect(
            on_assessment_published, dispatch_uid="compliance.publication.published"
        )
