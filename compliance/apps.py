from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = _("Compliance")

    def ready(self):
        from compliance.publication import on_assessment_published
        from compliance.signals import assessment_published

        assessment_published.connect(
            _on_assessment_published, dispatch_uid="compliance.sharing.assessment_published"
        )
        assessment_published.connect(
            on_assessment_published, dispatch_uid="compliance.publication.published"
        )

        from compliance import notifications

        notifications.register()


def _on_assessment_published(sender, *, assessment, **kwargs):
    """Sent after commit: hand over to a task (emails to the factory and its buyers)."""
    from compliance import tasks

    tasks.assessment_published_notify.delay(assessment.pk)
