from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudiesConfig(AppConfig):
    """Worker surveys and the controlled experiment (issue 19, parts 2 and 3): a part of
    ``lms.reports`` with its own tables and migrations."""

    name = "lms.reports.studies"
    label = "studies"
    verbose_name = _("Surveys and studies")
    default_auto_field = "django.db.models.BigAutoField"
