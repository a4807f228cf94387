from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "lms.reports"
    label = "reports"
    verbose_name = _("Impact reports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db import connections
        from django.db.backends.signals import connection_created

        from lms.reports import participation, test_scores
        from lms.reports.aggregates import register_sqlite_median
        from lms.reports.impact_prepared import connect_receivers

        connection_created.connect(register_sqlite_median, dispatch_uid="reports_median")
        # A connection opened before this app was ready (e.g. by a check) learns it too.
        for connection in connections.all(initialized_only=True):
            if connection.connection is not None:
                register_sqlite_median(None, connection)
        connect_receivers()
        test_scores.connect_receivers()
        participation.connect_receivers()
