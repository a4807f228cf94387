"""Write-side operations of the portal: country sections and their editors, and the
communities certificate holders belong to."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from certification.selectors import valid_certificate_holdings
from community.models import Community
from community.selectors import automatic_memberships
from community.services import membership_grant_automatic, membership_withdraw_automatic
from lms.accounts.services import country_staff_group_ensure
from lms.portal.models import CertificateCommunity, CountryPage

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


# --- communities of certificate holders ---------------------------------------------------
# Certification says who holds a valid certificate; community keeps the members. Neither
# imports the other, so the portal connects them (docs/decisions/0004).

CERTIFICATE_SOURCE = "certificate"


def _communities_by_programme(programme_ids=None) -> dict[int, set[int]]:
    links = CertificateCommunity.objects.all()
    if programme_ids is not None:
        links = links.filter(programme_id__in=programme_ids)
    by_programme: dict[int, set[int]] = {}
    for programme_id, community_id in links.values_list("programme_id", "community_id"):
        by_programme.setdefault(programme_id, set()).add(community_id)
    return by_programme


def _grant(*, community_ids, user_ids) -> int:
    users = get_user_model().objects.in_bulk(user_ids)
    granted = 0
    for community in Community.objects.filter(pk__in=community_ids):
        for user in users.values():
            if membership_grant_automatic(
                community=community, user=user, source=CERTIFICATE_SOURCE
            ):
                granted += 1
    return granted


def certificate_communities_grant(*, certificate) -> int:
    """Add a certificate's holder to the communities linked to its programme, if the
    certificate is valid now (a task that runs after a revocation adds nobody).
    Idempotent: a retried task changes nothing. Returns the memberships it ensured."""
    community_ids = _communities_by_programme([certificate.programme_id]).get(
        certificate.programme_id
    )
    if not community_ids or not valid_certificate_holdings(
        programme_ids=[certificate.programme_id], holder=certificate.holder_id
    ):
        return 0
    return _grant(community_ids=community_ids, user_ids=[certificate.holder_id])


def certificate_community_fill(*, link: CertificateCommunity) -> int:
    """Add every current holder of the programme's certificate to a newly linked
    community."""
    holders = valid_certificate_holdings(programme_ids=[link.programme_id])
    return _grant(community_ids=[link.community_id], user_ids=[h for h, _p in holders])


def certificate_communities_withdraw(*, user=None) -> int:
    """Withdraw the memberships granted for a certificate from the people (one, or
    everyone) who no longer hold a valid certificate of a programme linked to that
    community: revoked, expired, or the link removed. Memberships a person has for
    another reason (joined, added by a moderator) are never touched. Idempotent."""
    automatic = automatic_memberships(source=CERTIFICATE_SOURCE, user=user)
    if not automatic:
        return 0
    by_programme = _communities_by_programme()
    entitled = {
        (community_id, holder_id)
        for holder_id, programme_id in valid_certificate_holdings(
            programme_ids=list(by_programme), holder=user
        )
        for community_id in by_programme[programme_id]
    }
    lapsed = automatic - entitled
    if not lapsed:
        return 0
    communities = Community.objects.in_bulk({c for c, _u in lapsed})
    users = get_user_model().objects.in_bulk({u for _c, u in lapsed})
    return sum(
        membership_withdraw_automatic(
            community=communities[community_id], user=users[user_id], source=CERTIFICATE_SOURCE
        )
        for community_id, user_id in sorted(lapsed)
    )
