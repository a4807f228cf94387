from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TaxonomyConfig(AppConfig):
    name = "lms.taxonomy"
    label = "taxonomy"
    verbose_name = _("Taxonomy")

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Locale

        from lms.taxonomy.forms import register_term_form_fields
        from lms.taxonomy.locales import forget_locales

        register_term_form_fields()
        post_save.connect(forget_locales, sender=Locale, dispatch_uid="taxonomy.locale_saved")
        post_delete.connect(forget_locales, sender=Locale, dispatch_uid="taxonomy.locale_deleted")
