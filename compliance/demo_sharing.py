"""Demo of sharing with buyers (issue 17): the brand "Demo Sports Brand" with one user
(``buyer``), supplied by two demo factories. Dong Nai Footwear (whose manager is the demo
``manager``) shares everything with it; Saigon Garment lists it but shares nothing yet, so
the buyer sees its name only and can ask for access. Idempotent."""

from django.db import transaction

from compliance import sharing
from compliance.models import BuyerLink, Factory, SharingScope
from lms.accounts.models import Organisation, User
from lms.taxonomy.models import Country

BUYER_NAME = "Demo Sports Brand"
SHARED = "Dong Nai Footwear Ltd."
NOT_SHARED = "Saigon Garment Co."


@transaction.atomic
def load() -> Organisation | None:
    from compliance.demo import _person

    country = Country.objects.canonical().filter(code__in=["us", "gb", "de"]).order_by(
        "code"
    ).first() or Country.objects.canonical().get(code="vn")
    buyer, _created = Organisation.objects.get_or_create(
        name=BUYER_NAME,
        country=country,
        defaults={"kind": Organisation.Kind.BUYER},
    )
    if buyer.kind != Organisation.Kind.BUYER:
        buyer.kind = Organisation.Kind.BUYER
        buyer.save(update_fields=["kind"])
    person = _person("buyer", "Jordan Lee (Demo Sports Brand)", ["buyer"], country, "en")
    if person.organisation_id != buyer.pk:
        person.organisation = buyer
        person.save(update_fields=["organisation"])
    factories = {
        f.organisation.name: f
        for f in Factory.objects.filter(organisation__name__in=[SHARED, NOT_SHARED]).select_related(
            "organisation"
        )
    }
    for factory in factories.values():
        link = BuyerLink.objects.filter(factory=factory, buyer_name=BUYER_NAME).first()
        if link is None:
            BuyerLink.objects.get_or_create(
                factory=factory, buyer=buyer, defaults={"buyer_name": BUYER_NAME}
            )
        elif link.buyer_id is None:
            link.buyer = buyer
            link.save(update_fields=["buyer"])
    shared = factories.get(SHARED)
    manager = User.objects.filter(username="manager").first()
    if (
        shared is not None
        and manager is not None
        and sharing.is_factory_manager(manager, shared)
        and not sharing.live_scopes(factory_id=shared.pk, buyer_id=buyer.pk)
    ):
        sharing.grants_set(
            factory=shared, buyer=buyer, scopes=list(SharingScope.values), user=manager
        )
    return buyer
