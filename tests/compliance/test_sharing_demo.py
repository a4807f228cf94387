"""The demo has a buyer with two suppliers: one shares everything, one nothing; loading it
again adds nothing."""

import pytest

from compliance import demo, sharing
from compliance.demo_sharing import BUYER_NAME, NOT_SHARED, SHARED
from compliance.models import AccessGrant, SharingScope
from compliance.sharing_selectors import suppliers_of
from lms.accounts.models import Organisation, User
from lms.portal.demo import load_organisations, load_people

pytestmark = pytest.mark.django_db


def test_the_demo_buyer_has_one_shared_and_one_unshared_supplier():
    load_organisations()
    load_people()
    demo.load()
    demo.load()
    buyer = Organisation.objects.get(name=BUYER_NAME)
    assert buyer.kind == Organisation.Kind.BUYER
    person = User.objects.get(username="buyer")
    assert sharing.buyer_of(person) == buyer
    suppliers = {f.organisation.name: f for f in suppliers_of(buyer=buyer)}
    assert set(suppliers) == {SHARED, NOT_SHARED}
    assert sharing.live_scopes(factory_id=suppliers[SHARED].pk, buyer_id=buyer.pk) == set(
        SharingScope.values
    )
    assert sharing.live_scopes(factory_id=suppliers[NOT_SHARED].pk, buyer_id=buyer.pk) == set()
    assert AccessGrant.objects.filter(buyer=buyer).count() == len(SharingScope.values)
