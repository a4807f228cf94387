"""Erasure through the reviewed workflow: afterwards no table holds the person's name, email
or username, and every report table is what it was."""

import hashlib
import json
import uuid

import pytest
from allauth.account.models import EmailAddress
from auditlog.models import LogEntry
from django.apps import apps
from django.db import models
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from wagtail.log_actions import log

from certification.services import certificate_issue
from lms.accounts.audit import audit_access
from lms.accounts.models import User
from lms.privacy.models import ErasureRequest
from lms.records import verbs
from lms.records.models import Statement
from lms.reports.filters import ReportFilters
from lms.reports.selectors import indicator_tables
from tests.accounts.factories import country_staff, global_admin
from tests.certification.factories import CandidacyFactory
from tests.community.factories import PostFactory, ThreadFactory
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db

USERNAME = "lan.erasable"
EMAIL = "Lan.Erasable@example.net"
DISPLAY_NAME = "Lan Erasable-Nguyễn"
FIRST, LAST = "Lanhthi", "Nguyễnova"
SECOND_EMAIL = "lan.at.home@example.com"
IDENTIFIERS = [USERNAME, EMAIL, DISPLAY_NAME, FIRST, LAST, SECOND_EMAIL]


def report_figures():
    """Every indicator table, for every country and for each of two countries."""
    figures = {}
    for label, filters in (
        ("all", ReportFilters()),
        ("vn", ReportFilters(country=country("vn"))),
        ("jo", ReportFilters(country=country("jo"))),
        ("women", ReportFilters(gender="woman")),
        ("migrants", ReportFilters(migrant_status="migrant")),
    ):
        figures[label] = [(table.key, table.rows) for table in indicator_tables(filters)]
    return figures


def traces_of(identifiers):
    """Every (table, column) whose text holds one of ``identifiers``, read from every model
    and every text or JSON column, the way someone auditing the database would."""
    found = []
    seen = set()
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table in seen:
            continue
        seen.add(meta.db_table)
        for field in meta.concrete_fields:
            if field.is_relation:
                continue
            kind = field.get_internal_type()
            if kind not in {"CharField", "TextField", "SlugField", "JSONField"}:
                continue
            rows = model._base_manager.annotate(_as_text=Cast(field.attname, models.TextField()))
            for identifier in identifiers:
                forms = {identifier, json.dumps(identifier)[1:-1]}
                condition = models.Q()
                for form in forms:
                    condition |= models.Q(_as_text__icontains=form)
                if rows.filter(condition).exists():
                    found.append((meta.db_table, field.column, identifier))
    return found


def make_the_person(data):
    """Give the reports' first worker (gender, migrant status, enrolment, attendance, test
    records, posts) a name, emails, a certificate, and traces in the audit trail, Wagtail's
    log, a statement's actor and someone else's post."""
    person = data.w1
    person.username, person.email, person.display_name = USERNAME, EMAIL, DISPLAY_NAME
    person.first_name, person.last_name = FIRST, LAST
    person.save()  # auditlog records the change, names and all
    EmailAddress.objects.create(user=person, email=EMAIL, primary=True, verified=True)
    EmailAddress.objects.create(user=person, email=SECOND_EMAIL)
    certificate_issue(candidacy=CandidacyFactory(candidate=person), approved=True)
    staff = global_admin()
    audit_access(actor=staff, subject=person, what="learner export")
    audit_access(actor=person, subject=data.w2, what="a look at a colleague")
    log(instance=person, action="wagtail.edit", user=staff)
    Statement.objects.create(
        id=uuid.uuid4(),
        actor=person,
        verb=verbs.COMPLETED,
        activity=f"urn:betterwork:lesson:{data.course.pk}",
        activity_kind="lesson",
        timestamp=timezone.now(),
        content_hash=hashlib.sha256(b"x").hexdigest(),
        data={
            "actor": {"mbox": f"mailto:{EMAIL}", "name": DISPLAY_NAME},
            "verb": {"id": verbs.COMPLETED},
        },
    )
    thread = ThreadFactory(author=data.s1, title=f"Welcome {FIRST}")
    PostFactory(thread=thread, author=data.s1, source=f"Thanks {DISPLAY_NAME}!")
    return person, staff


def test_erasure_leaves_no_trace_and_keeps_the_figures(
    data,
    client,
    second_factor_for_everyone,
    django_capture_on_commit_callbacks,
):
    person, staff = make_the_person(data)
    assert traces_of(IDENTIFIERS), "the test data must hold the person's identity"
    before = report_figures()
    statements = Statement.objects.filter(actor=person).count()

    client.force_login(person)
    response = client.post(reverse("privacy:erasure_request"), {"confirm": "yes"})
    assert response.status_code == 302
    erasure = ErasureRequest.objects.get(person=person)
    assert erasure.status == ErasureRequest.Status.REQUESTED
    assert erasure.country == country("vn")

    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("erasure-requests:review", args=[erasure.pk]), {"decision": "approve"}
        )
    assert response.status_code == 302
    erasure.refresh_from_db()
    assert erasure.status == ErasureRequest.Status.DONE
    assert erasure.pseudonym.startswith("erased-")

    assert traces_of(IDENTIFIERS) == []
    assert report_figures() == before
    person.refresh_from_db()
    assert person.username == erasure.pseudonym
    assert not person.is_active
    assert not person.has_usable_password()
    assert (person.gender, person.migrant_status) == ("woman", "migrant")  # for the figures
    assert Statement.objects.filter(actor=person).count() == statements
    actor = Statement.objects.filter(actor=person, activity_kind="lesson").get().data["actor"]
    assert actor["account"]["name"] == erasure.pseudonym
    assert not EmailAddress.objects.filter(user=person).exists()
    # The trail says that an erasure happened, by whom, without naming the person.
    erased = LogEntry.objects.get_for_object(person).filter(additional_data__what="erased")
    assert erased.get().actor == staff
    # The reports' other people are untouched.
    data.w2.refresh_from_db()
    assert data.w2.username.startswith("user")


def test_erasure_runs_once(data, django_capture_on_commit_callbacks):
    from lms.privacy import services
    from lms.privacy.tasks import erasure_run

    person, staff = make_the_person(data)
    erasure = services.erasure_request_create(person=person)
    with django_capture_on_commit_callbacks(execute=True):
        services.erasure_review(actor=staff, erasure=erasure, approve=True)
    assert erasure_run(erasure.pk) == "skipped"
    erasure.refresh_from_db()
    assert erasure.status == ErasureRequest.Status.DONE


def test_a_rejection_needs_a_reason_and_erases_nothing(client, second_factor_for_everyone):
    from lms.privacy import services
    from tests.courses.factories import learner

    person = learner("vn", display_name="Mai Keepme")
    erasure = services.erasure_request_create(person=person)
    staff = country_staff("vn")
    client.force_login(staff)
    url = reverse("erasure-requests:review", args=[erasure.pk])
    response = client.post(url, {"decision": "reject", "review_note": ""})
    assert response.status_code == 400
    assert "Say why" in response.content.decode()
    response = client.post(url, {"decision": "reject", "review_note": "Asked by mistake"})
    assert response.status_code == 302
    erasure.refresh_from_db()
    assert erasure.status == ErasureRequest.Status.REJECTED
    person.refresh_from_db()
    assert person.display_name == "Mai Keepme"
    assert person.is_active


@pytest.mark.parametrize("reviewer", ["anonymous", "worker", "other_country", "self_staff"])
def test_who_may_not_review(client, second_factor_for_everyone, reviewer):
    from lms.privacy import services
    from tests.courses.factories import learner

    if reviewer == "self_staff":
        person = country_staff("vn")
        user = person
    else:
        person = learner("vn")
        user = {
            "anonymous": None,
            "worker": learner("vn"),
            "other_country": country_staff("jo"),
        }[reviewer]
    erasure = services.erasure_request_create(person=person)
    if user:
        client.force_login(user)
    url = reverse("erasure-requests:review", args=[erasure.pk])
    response = client.post(url, {"decision": "approve"})
    if reviewer == "anonymous":
        assert response.status_code == 302
        assert "login" in response["Location"]
    else:
        assert response.status_code in {302, 403}
        assert response.get("Location") != reverse("erasure-requests:index")
    erasure.refresh_from_db()
    assert erasure.status == ErasureRequest.Status.REQUESTED
    assert User.objects.get(pk=person.pk).is_active


def test_country_staff_see_only_their_countrys_requests(client, second_factor_for_everyone):
    from lms.privacy import services
    from tests.courses.factories import learner

    mine = services.erasure_request_create(person=learner("vn", display_name="Vi Requester"))
    services.erasure_request_create(person=learner("jo", display_name="Jo Requester"))
    client.force_login(country_staff("vn"))
    page = client.get(reverse("erasure-requests:index")).content.decode()
    assert "Vi Requester" in page
    assert "Jo Requester" not in page
    assert client.get(reverse("erasure-requests:review", args=[mine.pk])).status_code == 200
