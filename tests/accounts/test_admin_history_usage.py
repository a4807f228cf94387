"""The History and Usage pages of every country-scoped admin section open (they answered 500
for every object: the scoping mixin passed an argument Wagtail's views do not take)."""

import pytest
from django.urls import resolve

from tests.accounts.factories import OrganisationFactory, UserFactory, global_admin
from tests.community.factories import CommunityFactory, member
from tests.url_walk import all_routes

pytestmark = pytest.mark.django_db


def test_history_and_usage_of_country_scoped_sections_open(client, totp_for):
    client.force_login(totp_for(global_admin(is_staff=True, is_superuser=True)))
    UserFactory()
    OrganisationFactory()
    member(CommunityFactory())
    opened = []
    for route in all_routes():
        view_class = getattr(route.callback, "view_class", None)
        if not (
            route.name.endswith((":history", ":usage"))
            and view_class is not None
            and any(base.__name__.startswith("Scoped") for base in view_class.__mro__)
        ):
            continue
        model = route.callback.view_initkwargs.get("model") or view_class.model
        instance = model.objects.order_by("pk").last()
        if instance is None:
            continue
        path = route.path({"pk": instance.pk})
        assert resolve(path).func == route.callback
        response = client.get(path)
        assert response.status_code == 200, path
        opened.append(route.name)
    # People, organisations, communities and memberships at least, each with both pages.
    assert len(opened) >= 8, opened
