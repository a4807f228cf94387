"""The demo of public reporting: Vietnam's and Jordan's factories are public (two published
cycles each), one factory response is shown and one awaits approval, and there are an
inspector and a union member. Loaded twice, it adds nothing the second time."""

import pytest
from django.urls import reverse

from compliance import demo
from compliance.models import FactoryResponse, PublicReportingRule
from lms.accounts.models import User
from lms.portal.demo import load_organisations, load_people

pytestmark = pytest.mark.django_db


def test_the_demo_names_factories_in_vietnam_and_jordan_with_responses(client):
    load_organisations()
    load_people()
    demo.load()
    demo.load()
    assert set(PublicReportingRule.objects.values_list("country__code", flat=True)) == {"vn", "jo"}
    for code in ("vn", "jo"):
        listing = client.get(reverse("transparency:factories", args=[code]))
        assert listing.status_code == 200
        assert listing.content.decode().count("/transparency/factories/") >= 1, code
    states = sorted(FactoryResponse.objects.values_list("state", flat=True))
    assert states == [FactoryResponse.State.APPROVED, FactoryResponse.State.PENDING]
    approved = FactoryResponse.objects.get(state=FactoryResponse.State.APPROVED)
    page = client.get(reverse("transparency:factory", args=[approved.factory_id]))
    assert approved.text in page.content.decode()
    assert User.objects.get(username="inspector.vn").has_role("labour_inspector")
    assert User.objects.get(username="union.vn").has_role("social_partner")
