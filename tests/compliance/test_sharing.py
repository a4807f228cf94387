"""Sharing rules and notifications: grants checked live, the log append-only, who may grant,
emails in each person's language sent once even when a task runs again or the mail server
refuses first, and the training record's certificates handed over by the portal."""

import datetime
from smtplib import SMTPException
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from compliance import sharing, sharing_notify, tasks
from compliance.models import AccessLogEntry, AccessRequest, SharingNotice
from tests.accounts.factories import UserFactory
from tests.compliance import sharing_world
from tests.compliance.factories import CommitteeMemberFactory, published_assessment
from tests.compliance.sharing_world import buyer_organisation, buyer_user

pytestmark = pytest.mark.django_db
world = sharing_world.world


def test_only_the_factorys_managers_grant(world):
    for who in ("x1", "manager_b", "staff_vn"):
        with pytest.raises(PermissionDenied):
            sharing.grants_set(
                factory=world["factory_a"],
                buyer=world["buyer_y"],
                scopes=["reports"],
                user=world[who],
            )


def test_grants_go_to_buyer_organisations_only(world):
    with pytest.raises(ValidationError):
        sharing.grants_set(
            factory=world["factory_a"],
            buyer=world["factory_b"].organisation,
            scopes=["reports"],
            user=world["manager_a"],
        )


def test_the_access_log_is_append_only(world):
    sharing.access_log_write(
        user=world["x1"],
        buyer=world["buyer_x"],
        factory_ids=[world["factory_a"].pk],
        action=AccessLogEntry.Action.VIEW,
        what="/en/factories/buyers/",
    )
    entry = AccessLogEntry.objects.get()
    entry.what = "something else"
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()
    assert AccessLogEntry.objects.get().what == "/en/factories/buyers/"


def test_a_buyer_can_only_ask_a_factory_that_lists_it(world):
    outsider = buyer_user(buyer_organisation("Brand Q"))
    with pytest.raises(PermissionDenied):
        sharing.access_request_create(
            factory=world["factory_a"], buyer_user=outsider, scopes=["reports"]
        )
    with pytest.raises(PermissionDenied):
        sharing.access_request_create(
            factory=world["factory_a"], buyer_user=world["manager_b"], scopes=["reports"]
        )


def test_a_declined_request_grants_nothing(world):
    request = sharing.access_request_create(
        factory=world["factory_b"], buyer_user=world["x1"], scopes=["plan"]
    )
    sharing.access_request_decide(access_request=request, user=world["manager_b"], accept=False)
    request.refresh_from_db()
    assert request.state == AccessRequest.State.DECLINED
    assert (
        sharing.live_scopes(factory_id=world["factory_b"].pk, buyer_id=world["buyer_x"].pk) == set()
    )
    with pytest.raises(ValidationError):
        sharing.access_request_decide(
            access_request=request, user=world["manager_b"], accept=True, scopes=["plan"]
        )


# --- notifications ------------------------------------------------------------------------------


def test_publishing_tells_the_factory_and_the_buyers_it_shares_reports_with(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    factory_a = world["factory_a"]
    world["manager_a"].preferred_language = "vi"
    world["manager_a"].save()
    committee = UserFactory(organisation=factory_a.organisation, roles=["worker"])
    CommitteeMemberFactory(factory=factory_a, user=committee)
    y_user = buyer_user(world["buyer_y"])  # listed, but no reports shared: not told
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        published = published_assessment(
            factory_a, non_compliant_codes=("Q.1",), starts_on=datetime.date(2027, 3, 1)
        )
    recipients = {tuple(m.to) for m in mailoutbox}
    assert (world["manager_a"].email,) in recipients
    assert (committee.email,) in recipients
    assert (world["x1"].email,) in recipients
    assert (y_user.email,) not in recipients
    to_manager = next(m for m in mailoutbox if m.to == [world["manager_a"].email])
    # The link is in the manager's language; the buyer's goes to the buyer's report page.
    assert f"/vi/factories/assessments/{published.pk}/report/" in to_manager.body
    to_buyer = next(m for m in mailoutbox if m.to == [world["x1"].email])
    assert f"/en/factories/buyers/reports/{published.pk}/" in to_buyer.body
    # A retried task sends nothing again.
    count = len(mailoutbox)
    assert tasks.assessment_published_notify(published.pk) == 0
    assert len(mailoutbox) == count


def test_a_request_tells_the_managers_once(world, mailoutbox, django_capture_on_commit_callbacks):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request = sharing.access_request_create(
            factory=world["factory_b"], buyer_user=world["x1"], scopes=["reports", "training"]
        )
    assert [m.to for m in mailoutbox] == [[world["manager_b"].email]]
    assert "Brand X" in mailoutbox[0].subject
    assert "Training record" in mailoutbox[0].body
    tasks.access_asked_notify(request.pk)
    assert len(mailoutbox) == 1


def test_a_mail_server_that_refuses_releases_the_notice_for_the_retry(world, mailoutbox):
    request = sharing.access_request_create(
        factory=world["factory_b"], buyer_user=world["x1"], scopes=["reports"]
    )
    mailoutbox.clear()
    with (
        mock.patch(
            "django.core.mail.EmailMultiAlternatives.send", side_effect=SMTPException("down")
        ),
        pytest.raises(OSError, match="deliveries of notification"),
    ):
        sharing_notify.access_asked(request_id=request.pk)
    notice = SharingNotice.objects.get(kind=SharingNotice.Kind.ACCESS_ASKED)
    assert notice.sent_at is None
    assert sharing_notify.access_asked(request_id=request.pk) == 1
    assert len(mailoutbox) == 1


def test_a_grant_withdrawn_before_the_task_runs_tells_nobody(world, mailoutbox):
    factory_b = world["factory_b"]
    sharing.grants_set(
        factory=factory_b, buyer=world["buyer_x"], scopes=["plan"], user=world["manager_b"]
    )
    sharing.grants_set(
        factory=factory_b, buyer=world["buyer_x"], scopes=[], user=world["manager_b"]
    )
    mailoutbox.clear()
    assert (
        sharing_notify.sharing_granted(
            factory_id=factory_b.pk, buyer_id=world["buyer_x"].pk, scopes=["plan"], stamp="x"
        )
        == 0
    )
    assert mailoutbox == []


# --- the training record's certificates come through the portal ---------------------------------


def test_certificates_reach_the_training_record_through_the_portal(world):
    from certification.services import certificate_issue
    from tests.certification.factories import CandidacyFactory

    holder = UserFactory(organisation=world["factory_a"].organisation, roles=["trainer"])
    certificate_issue(candidacy=CandidacyFactory(candidate=holder), approved=True)
    found = sharing.certificates_for(world["factory_a"].organisation_id)
    assert [c["holder_id"] for c in found] == [holder.pk]
    assert found[0]["state"] == "valid"
    assert sharing.certificates_for(world["factory_b"].organisation_id) == []
