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
        from lms.taxonomy.models import Term
        from lms.taxonomy.selectors import forget_terms

        terms = [model for model in self.get_models() if issubclass(model, Term)]
        for model in (Locale, *terms):
            label = model._meta.label_lower
            post_save.connect(forget_terms, sender=model, dispatch_uid=f"terms.{label}.saved")
            post_delete.connect(forget_terms, sender=model, dispatch_uid=f"terms.{label}.deleted")
