"""A small world for the sharing tests: two factories (Vietnam, Jordan), two buyers, their
users, staff of both countries; factory A shares everything with buyer X, factory B lists
buyer X but shares nothing, buyer Y is listed by A and given nothing."""

import pytest

from compliance import sharing
from compliance.models import BuyerLink, SharingScope
from lms.accounts.models import Organisation
from tests.accounts.factories import OrganisationFactory, UserFactory, country_staff
from tests.compliance.factories import FactoryFactory, published_assessment
from tests.taxonomy.factories import country

ALL_SCOPES = list(SharingScope.values)


def buyer_organisation(name: str) -> Organisation:
    return OrganisationFactory(name=name, kind=Organisation.Kind.BUYER, country=country("vn"))


def buyer_user(organisation, **kwargs):
    return UserFactory(organisation=organisation, roles=["buyer"], **kwargs)


def supplier(code: str, *buyers):
    factory_ = FactoryFactory(organisation=OrganisationFactory(country=country(code)))
    for buyer in buyers:
        BuyerLink.objects.create(factory=factory_, buyer=buyer, buyer_name=buyer.name)
    return factory_


def granted_supplier(code: str, buyer):
    """A supplier of `buyer` with a published assessment, every scope granted by its manager."""
    factory_ = supplier(code, buyer)
    manager = UserFactory(organisation=factory_.organisation, roles=["manager"])
    published_assessment(factory_, non_compliant_codes=("Q.1",))
    sharing.grants_set(factory=factory_, buyer=buyer, scopes=ALL_SCOPES, user=manager)
    return factory_


@pytest.fixture
def world(totp_for, django_capture_on_commit_callbacks):
    buyer_x = buyer_organisation("Brand X")
    buyer_y = buyer_organisation("Retailer Y")
    factory_a = supplier("vn", buyer_x, buyer_y)
    factory_b = supplier("jo", buyer_x)
    manager_a = UserFactory(organisation=factory_a.organisation, roles=["manager"])
    manager_b = UserFactory(organisation=factory_b.organisation, roles=["manager"])
    with django_capture_on_commit_callbacks(execute=True):
        report = published_assessment(factory_a, non_compliant_codes=("Q.1", "Q.2"))
        sharing.grants_set(factory=factory_a, buyer=buyer_x, scopes=ALL_SCOPES, user=manager_a)
    return {
        "buyer_x": buyer_x,
        "buyer_y": buyer_y,
        "factory_a": factory_a,
        "factory_b": factory_b,
        "report": report,
        "manager_a": manager_a,
        "manager_b": manager_b,
        "x1": totp_for(buyer_user(buyer_x, username="x1")),
        "y1": totp_for(buyer_user(buyer_y, username="y1")),
        "staff_vn": totp_for(country_staff("vn")),
        "staff_jo": totp_for(country_staff("jo")),
    }
