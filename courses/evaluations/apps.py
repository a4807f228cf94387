from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "courses.evaluations"
    label = "evaluations"
    verbose_name = _("Training evaluations")
    default_auto_field = "django.db.models.BigAutoField"
