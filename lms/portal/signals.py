"""Keep country teams' permissions on every language version of their section."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from lms.portal.models import CountryPage


@receiver(post_save, sender=CountryPage)
def grant_country_team_on_new_section(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from lms.portal.services import country_page_permissions_grant

        country_page_permissions_grant(page=instance)
