"""Issue 12 holes 2 and 4, issue 21.1: what scopes a person's access (country, organisation,
roles) is changed only by staff allowed to, within their reach, and every change is recorded."""

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courses.models import Submission
from lms.accounts import services
from lms.accounts.audit import audit_access, audit_entries_for
from lms.accounts.models import User
from tests.accounts.factories import (
    OrganisationFactory,
    UserFactory,
    country_staff,
    global_admin,
)
from tests.courses import factories as course_factories
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db


def denied(response) -> bool:
    return response.status_code in (403, 404) or (
        response.status_code == 302
        and (response["Location"] == "/admin/" or "/accounts/login/" in response["Location"])
    )


@pytest.fixture
def vn_staff(totp_for):
    return totp_for(country_staff("vn", display_name="Minh, Vietnam staff"))


# --- hole 2: country hopping ----------------------------------------------------------------


def test_vietnam_staff_cannot_switch_to_jordan_and_read_jordan(client, vn_staff):
    UserFactory(country=country("jo"), display_name="Rania from Jordan")
    client.force_login(vn_staff)
    client.post(
        "/en/accounts/profile/",
        {"display_name": "Minh", "preferred_language": "en", "country": country("jo").pk},
    )
    vn_staff.refresh_from_db()
    assert vn_staff.country == country("vn")
    listing = client.get("/admin/people/").content.decode()
    assert "Rania from Jordan" not in listing


def test_a_worker_cannot_switch_organisation_and_download_another_factorys_evidence(
    client, home_page
):
    own, other = OrganisationFactory(), OrganisationFactory()
    book = course_factories.workbook(course_factories.section(home_page), steps=1)
    owner = course_factories.learner(organisation=other)
    course_factories.enrol(book, [owner])
    submission = Submission.objects.create(
        course=book,
        learner=owner,
        organisation=other,
        item="1",
        text="Our committee minutes",
        file=SimpleUploadedFile("minutes.txt", b"secret minutes"),
    )
    worker = course_factories.learner(organisation=own)
    client.force_login(worker)
    client.post(
        "/en/accounts/profile/",
        {"display_name": "Thu", "preferred_language": "en", "organisation": other.pk},
    )
    worker.refresh_from_db()
    assert worker.organisation == own
    url = reverse("courses:submission_file", args=[submission.pk, "file"])
    assert client.get(url).status_code == 404
    client.force_login(owner)
    assert client.get(url).status_code == 200


# --- hole 4: country staff reach only ordinary people of their own country ----------------


@pytest.mark.parametrize(
    "target",
    ["superuser", "global_admin", "other_country_staff", "peer_country_staff", "self"],
)
def test_country_staff_cannot_touch_accounts_above_or_beside_theirs(client, vn_staff, target):
    people = {
        "superuser": lambda: UserFactory(is_superuser=True, is_staff=True),
        "global_admin": lambda: global_admin(),
        "other_country_staff": lambda: country_staff("jo"),
        "peer_country_staff": lambda: country_staff("vn"),
        "self": lambda: vn_staff,
    }
    person = people[target]()
    before = (person.email, person.is_active, person.password)
    client.force_login(vn_staff)
    response = client.post(
        f"/admin/people/edit/{person.pk}/",
        {
            "display_name": "Taken over",
            "email": "attacker@example.org",
            "preferred_language": "en",
            "country": country("vn").pk,
        },
    )
    assert denied(response)
    person.refresh_from_db()
    assert (person.email, person.is_active, person.password) == before
    with pytest.raises(PermissionDenied):
        services.person_update(actor=vn_staff, person=person, changes={"is_active": False})


def test_country_staff_change_a_worker_of_their_country_and_it_is_recorded(client, vn_staff):
    worker = course_factories.learner(display_name="Lan")
    factory = OrganisationFactory(country=country("vn"), name="Saigon Garments")
    earlier = {e.pk for e in audit_entries_for(worker)}
    client.force_login(vn_staff)
    edit = client.get(f"/admin/people/edit/{worker.pk}/").content.decode()
    assert "Global administrator" not in edit
    assert "Country programme staff" not in edit
    response = client.post(
        f"/admin/people/edit/{worker.pk}/",
        {
            "display_name": "Lan Nguyen",
            "email": "lan@example.org",
            "preferred_language": "vi",
            "country": country("vn").pk,
            "organisation": factory.pk,
            "roles": [_role_pk("worker"), _role_pk("trainer")],
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    worker = User.objects.get(pk=worker.pk)
    assert worker.organisation == factory
    assert worker.role_codes() == {"worker", "trainer"}
    entries = [e for e in audit_entries_for(worker) if e.pk not in earlier]
    assert {e.actor_id for e in entries if e.action == LogEntry.Action.UPDATE} == {vn_staff.pk}
    changed = {key for e in entries for key in (e.changes or {})}
    assert {"display_name", "organisation", "roles"} <= changed


def test_country_staff_cannot_grant_a_role_above_their_own_or_move_people_abroad(client, vn_staff):
    worker = course_factories.learner(display_name="Lan")
    jordan_factory = OrganisationFactory(country=country("jo"))
    client.force_login(vn_staff)
    for attack in (
        {"roles": [_role_pk("global_admin")]},
        {"roles": [_role_pk("country_staff")]},
        {"country": country("jo").pk},
        {"organisation": jordan_factory.pk},
    ):
        data = {
            "display_name": "Lan",
            "email": "",
            "preferred_language": "vi",
            "country": country("vn").pk,
            "is_active": "on",
            **attack,
        }
        response = client.post(f"/admin/people/edit/{worker.pk}/", data)
        assert response.status_code == 200, attack
    worker = User.objects.get(pk=worker.pk)
    assert worker.country == country("vn")
    assert worker.organisation is None
    assert worker.role_codes() == {"worker"}
    assert not worker.is_staff
    assert not worker.is_superuser
    with pytest.raises(ValidationError):
        services.person_update(actor=vn_staff, person=worker, changes={"roles": ["global_admin"]})


def test_country_staff_add_a_trainer_in_their_country_only(client, vn_staff):
    client.force_login(vn_staff)
    response = client.post(
        "/admin/people/new/",
        {
            "username": "new.trainer",
            "display_name": "New trainer",
            "email": "",
            "preferred_language": "vi",
            "country": country("jo").pk,
            "roles": [_role_pk("trainer")],
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="new.trainer").exists()
    response = client.post(
        "/admin/people/new/",
        {
            "username": "new.trainer",
            "display_name": "New trainer",
            "email": "",
            "preferred_language": "vi",
            "country": country("vn").pk,
            "roles": [_role_pk("trainer")],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    person = User.objects.get(username="new.trainer")
    assert person.role_codes() == {"trainer"}
    assert person.country == country("vn")
    assert LogEntry.objects.get_for_object(person).filter(actor=vn_staff).exists()


def test_global_staff_make_someone_country_staff(client, totp_for):
    admin = totp_for(global_admin())
    person = UserFactory(country=country("jo"))
    client.force_login(admin)
    response = client.post(
        f"/admin/people/edit/{person.pk}/",
        {
            "display_name": "Rania",
            "email": person.email,
            "preferred_language": "ar",
            "country": country("jo").pk,
            "roles": [_role_pk("country_staff")],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    person = User.objects.get(pk=person.pk)
    assert person.is_country_staff
    assert person.is_staff
    assert person.groups.filter(name__endswith=": jo").exists()


def test_access_is_recorded_and_only_global_staff_read_the_trail(client, vn_staff, totp_for):
    worker = course_factories.learner(display_name="Lan")
    audit_access(actor=vn_staff, subject=worker, what="learner export")
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert (entry.actor, entry.additional_data["what"]) == (vn_staff, "learner export")
    client.force_login(vn_staff)
    assert denied(client.get("/admin/audit-trail/"))
    client.force_login(totp_for(global_admin()))
    listing = client.get("/admin/audit-trail/")
    assert listing.status_code == 200
    assert "learner export" in listing.content.decode()
    assert client.get(f"/admin/audit-trail/inspect/{entry.pk}/").status_code == 200
    edit = client.get(f"/admin/audit-trail/edit/{entry.pk}/", follow=True)
    assert edit.status_code == 404
    delete = client.post(f"/admin/audit-trail/delete/{entry.pk}/", follow=True)
    assert delete.status_code == 404
    assert LogEntry.objects.filter(pk=entry.pk).exists()


def _role_pk(code):
    from lms.accounts.models import Role

    return Role.objects.get(code=code).pk
