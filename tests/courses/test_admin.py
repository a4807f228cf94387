"""Cohorts in the Wagtail admin: country staff see and edit only their country's."""

import pytest

from tests.accounts.factories import country_staff, global_admin
from tests.courses import factories

pytestmark = pytest.mark.django_db


def test_country_staff_list_only_their_countrys_cohorts(client, small_programme, totp_for):
    trainer = factories.trainer()
    vietnam = factories.cohort(small_programme, trainers=[trainer], code="vn")
    jordan = factories.cohort(small_programme, trainers=[trainer], code="jo")
    client.force_login(totp_for(country_staff("vn")))
    page = client.get("/admin/cohorts/").content.decode()
    assert vietnam.name in page
    assert jordan.name not in page
    assert client.get(f"/admin/cohorts/edit/{jordan.pk}/").status_code in (302, 403)
    assert client.get(f"/admin/cohorts/edit/{vietnam.pk}/").status_code == 200
    client.force_login(totp_for(global_admin()))
    page = client.get("/admin/cohorts/").content.decode()
    assert vietnam.name in page
    assert jordan.name in page


def test_trainers_without_staff_roles_stay_out_of_the_admin(client, small_programme):
    trainer = factories.trainer()
    factories.cohort(small_programme, trainers=[trainer])
    client.force_login(trainer)
    assert client.get("/admin/cohorts/").status_code in (302, 403)
