"""The demo loads twice without duplicates and gives working verification pages; the
programmes are edited in the Wagtail admin."""

import pytest
from django.urls import reverse

from certification import demo
from certification.models import Certificate, Programme

pytestmark = pytest.mark.django_db


def test_the_demo_has_both_programmes_and_certificates_at_every_stage(client):
    from lms.portal import demo as portal_demo

    portal_demo.load()
    demo.load()
    demo.load()
    canonical = Programme.objects.canonical()
    assert set(canonical.values_list("slug", flat=True)) == {
        "certified-trainer",
        "certified-enterprise-advisor",
    }
    assert Programme.objects.filter(locale__language_code="ar").count() == 2
    states = {c.holder.username: c.state for c in Certificate.objects.select_related("holder")}
    assert states == {
        "trainer": "valid",
        "trainer.jo": "valid",  # expiring within 90 days
        "trainer.kh": "expired",
        "advisor.bd": "revoked",
    }
    advisor = canonical.get(slug="certified-enterprise-advisor").candidacies.get(
        candidate__username="advisor"
    )
    assert advisor.status == "in_progress"
    valid = Certificate.objects.get(holder__username="trainer")
    assert client.get(f"/verify/{valid.code}/").status_code == 200
    ar = client.get(f"/ar/certificates/verify/{valid.code}/").content.decode()
    assert "مدرّب بيتر وورك المعتمد" in ar


def test_global_admins_edit_programmes_in_the_wagtail_admin(client, programme, totp_for):
    from tests.accounts.factories import global_admin

    admin = totp_for(global_admin())
    client.force_login(admin)
    session = client.session
    session["account_authentication_methods"] = [{"method": "mfa", "type": "totp"}]
    session.save()
    url = reverse("wagtailsnippets_certification_programme:edit", args=[programme.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert programme.title in response.content.decode()
