"""Write-side operations of the portal: country sections and their editors."""

from django.contrib.auth.models import Permission
from django.db import transaction
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from lms.accounts.services import country_staff_group_ensure
from lms.portal.models import CountryPage

PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
COLLECTION_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]


def country_collection_ensure(*, country) -> Collection:
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=country.name).first()
    return existing or root.add_child(name=country.name)


@transaction.atomic
def country_page_permissions_grant(*, page: CountryPage) -> None:
    """Let the country's team edit and publish this section (in one language) and its
    children, and manage images and documents in the country's collection."""
    group = country_staff_group_ensure(country=page.country)
    for codename in PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=group,
            page=page,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )
    collection = country_collection_ensure(country=page.country)
    for app_label, codename in COLLECTION_PERMISSIONS:
        GroupCollectionPermission.objects.get_or_create(
            group=group,
            collection=collection,
            permission=Permission.objects.get(content_type__app_label=app_label, codename=codename),
        )


@transaction.atomic
def country_page_create(*, parent: Page, country, title: str, **fields) -> CountryPage:
    page = CountryPage(title=title, country=country, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page
