from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "lms.records"
    label = "records"
    verbose_name = _("Learning records")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from lms.records.models import ActivityMapping
        from lms.records.xapi_statements import activity_mappings_forget

        for signal in (post_save, post_delete):
            signal.connect(
                activity_mappings_forget, sender=ActivityMapping, dispatch_uid="xapi-mappings"
            )
