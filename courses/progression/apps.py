from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgressionConfig(AppConfig):
    name = "courses.progression"
    label = "progression"
    verbose_name = _("Prerequisites and question banks")
    default_auto_field = "django.db.models.BigAutoField"
