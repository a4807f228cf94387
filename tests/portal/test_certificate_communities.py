"""The communities of certificate holders (e.g. the certified trainers' lounge): a
certificate issued or renewed adds its holder, revoked or expired takes back what it added,
never a membership a person has for another reason (docs/decisions/0004)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from freezegun import freeze_time

from certification import services as certification
from certification.models import Requirement
from community import services as community
from community.models import Community, Membership
from lms.accounts.demo import DEMO_PASSWORD
from lms.portal import services, tasks
from lms.portal.models import CertificateCommunity
from tests.accounts.factories import global_admin
from tests.certification.factories import (
    CandidacyFactory,
    CPDActivityFactory,
    ProgrammeFactory,
    requirement,
)
from tests.community.factories import CommunityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(db):
    programme = ProgrammeFactory()
    requirement(programme, Requirement.Kind.PORTFOLIO, required_count=1)
    return programme


@pytest.fixture
def lounge(programme):
    lounge = CommunityFactory(
        name="Certified trainers' lounge",
        slug="lounge",
        visibility=Community.Visibility.PRIVATE,
        join_policy=Community.JoinPolicy.INVITE,
    )
    CertificateCommunity.objects.create(programme=programme, community=lounge)
    return lounge


@pytest.fixture
def moderator(lounge):
    person = global_admin()
    community.membership_grant(community=lounge, user=person, role="moderator")
    return person


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Run what the services leave for after the commit: certification's signals, then
    the portal's tasks (eager in tests)."""

    def run(action, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(**kwargs)

    return run


def _issue(after_commit, candidacy):
    return after_commit(certification.certificate_issue, candidacy=candidacy, approved=True)


def _revoke(after_commit, certificate):
    return after_commit(
        certification.certificate_revoke,
        certificate=certificate,
        revoked_by=global_admin(),
        reason="The observed session was staged.",
    )


def _membership(lounge, person):
    return Membership.objects.filter(community=lounge, user=person).first()


def test_a_certificate_issued_makes_its_holder_a_member_and_revoked_takes_it_back(
    programme, lounge, after_commit
):
    candidacy = CandidacyFactory(programme=programme)
    holder = candidacy.candidate
    certificate = _issue(after_commit, candidacy)
    membership = _membership(lounge, holder)
    assert membership.status == Membership.Status.ACTIVE
    assert membership.grant_source == services.CERTIFICATE_SOURCE
    client = Client()
    client.force_login(holder)
    assert client.get("/en/community/lounge/").status_code == 200
    _revoke(after_commit, certificate)
    assert _membership(lounge, holder) is None
    assert client.get("/en/community/lounge/").status_code == 404


def test_a_member_added_by_hand_stays_when_their_certificate_is_revoked(
    programme, lounge, moderator, after_commit
):
    candidacy = CandidacyFactory(programme=programme)
    holder = candidacy.candidate
    community.membership_grant(community=lounge, user=holder, by=moderator)
    certificate = _issue(after_commit, candidacy)
    assert _membership(lounge, holder).grant_source == ""
    _revoke(after_commit, certificate)
    assert _membership(lounge, holder).status == Membership.Status.ACTIVE


def test_a_member_a_moderator_confirms_or_promotes_stays_and_keeps_their_role(
    programme, lounge, moderator, after_commit
):
    promoted = CandidacyFactory(programme=programme)
    certificate = _issue(after_commit, promoted)
    community.membership_grant(
        community=lounge, user=promoted.candidate, role="moderator", by=moderator
    )
    # A later automatic grant (e.g. the renewal) never demotes a moderator.
    services.certificate_communities_grant(certificate=certificate)
    _revoke(after_commit, certificate)
    assert _membership(lounge, promoted.candidate).role == Membership.Role.MODERATOR


def test_a_retried_task_grants_once_and_a_late_one_after_revocation_grants_nothing(
    programme, lounge, after_commit
):
    candidacy = CandidacyFactory(programme=programme)
    certificate = _issue(after_commit, candidacy)
    assert tasks.certificate_communities_grant_task.delay(certificate.pk).get() == 1
    assert tasks.certificate_communities_grant_task.delay(certificate.pk).get() == 1
    assert Membership.objects.filter(community=lounge, user=candidacy.candidate).count() == 1
    _revoke(after_commit, certificate)
    assert tasks.certificate_communities_withdraw_task.delay(candidacy.candidate.pk).get() == 0
    assert tasks.certificate_communities_grant_task.delay(certificate.pk).get() == 0
    assert _membership(lounge, candidacy.candidate) is None


def test_a_moderators_removal_is_not_undone_by_a_renewal(
    programme, lounge, moderator, after_commit
):
    candidacy = CandidacyFactory(programme=programme)
    holder = candidacy.candidate
    certificate = _issue(after_commit, candidacy)
    community.membership_remove(community=lounge, user=holder, by=moderator, reason="Spam")
    CPDActivityFactory(person=holder, date=certificate.issued_on, hours=Decimal("25"))
    with freeze_time(certificate.expires_on - timedelta(days=30)):
        after_commit(certification.certificate_renew, certificate=certificate, renewed_by=holder)
    assert _membership(lounge, holder) is None
    # Added again by a moderator: the latest decision counts.
    community.membership_grant(community=lounge, user=holder, by=moderator)
    assert _membership(lounge, holder) is not None


def test_an_expired_certificate_leaves_the_lounge_and_a_renewal_comes_back(
    programme, lounge, after_commit
):
    candidacy = CandidacyFactory(programme=programme)
    holder = candidacy.candidate
    certificate = _issue(after_commit, candidacy)
    CPDActivityFactory(person=holder, date=certificate.issued_on, hours=Decimal("25"))
    with freeze_time(certificate.expires_on - timedelta(days=1)):
        assert tasks.certificate_communities_withdraw_task.delay().get() == 0
    with freeze_time(certificate.expires_on + timedelta(days=1)):
        assert tasks.certificate_communities_withdraw_task.delay().get() == 1
        assert _membership(lounge, holder) is None
        after_commit(certification.certificate_renew, certificate=certificate, renewed_by=holder)
        assert _membership(lounge, holder).grant_source == services.CERTIFICATE_SOURCE
        assert tasks.certificate_communities_withdraw_task.delay().get() == 0


def test_another_valid_certificate_linked_to_the_lounge_keeps_the_membership(
    programme, lounge, after_commit
):
    advisors = ProgrammeFactory(audience="enterprise_advisor", serial_prefix="BWA")
    CertificateCommunity.objects.create(programme=advisors, community=lounge)
    candidacy = CandidacyFactory(programme=programme)
    holder = candidacy.candidate
    first = _issue(after_commit, candidacy)
    _issue(after_commit, CandidacyFactory(programme=advisors, candidate=holder))
    _revoke(after_commit, first)
    assert _membership(lounge, holder).grant_source == services.CERTIFICATE_SOURCE


def test_a_request_to_join_is_approved_by_the_certificate(programme, after_commit):
    lounge = CommunityFactory(join_policy=Community.JoinPolicy.APPROVAL)
    CertificateCommunity.objects.create(programme=programme, community=lounge)
    candidacy = CandidacyFactory(programme=programme)
    community.community_join(user=candidacy.candidate, community=lounge)
    assert _membership(lounge, candidacy.candidate).status == Membership.Status.PENDING
    _issue(after_commit, candidacy)
    assert _membership(lounge, candidacy.candidate).status == Membership.Status.ACTIVE


def test_linking_a_community_adds_current_holders_and_unlinking_takes_them_back(
    programme, after_commit
):
    valid = CandidacyFactory(programme=programme)
    revoked = CandidacyFactory(programme=programme)
    _issue(after_commit, valid)
    _revoke(after_commit, _issue(after_commit, revoked))
    forum = CommunityFactory()
    link = after_commit(CertificateCommunity.objects.create, programme=programme, community=forum)
    assert set(forum.memberships.values_list("user_id", flat=True)) == {valid.candidate_id}
    after_commit(link.delete)
    assert not forum.memberships.exists()


def test_communities_of_other_programmes_are_untouched(programme, lounge, after_commit):
    other = ProgrammeFactory(serial_prefix="BWX")
    candidacy = CandidacyFactory(programme=other)
    _issue(after_commit, candidacy)
    assert _membership(lounge, candidacy.candidate) is None


def test_the_daily_sweep_costs_the_same_with_more_holders(
    programme, lounge, after_commit, django_assert_max_num_queries
):
    for _n in range(2):
        _issue(after_commit, CandidacyFactory(programme=programme))
    with django_assert_max_num_queries(3):
        services.certificate_communities_withdraw()
    for _n in range(8):
        _issue(after_commit, CandidacyFactory(programme=programme))
    with django_assert_max_num_queries(3):
        assert services.certificate_communities_withdraw() == 0


def test_the_demo_trainer_is_in_the_lounge_because_of_their_certificate():
    from certification import demo as certification_demo
    from community import demo as community_demo
    from lms.portal import demo as portal_demo
    from lms.portal import demo_certificate_communities

    portal_demo.load()
    certification_demo.load()
    for _twice in range(2):
        community_demo.load_communities()
        demo_certificate_communities.load()
        community_demo.load_conversations()
    lounge = Community.objects.get(slug="certified-trainers")
    members = {m.user.username: m.grant_source for m in lounge.memberships.select_related("user")}
    assert members["trainer"] == services.CERTIFICATE_SOURCE
    assert members["trainer.jo"] == ""  # added by hand
    assert "trainer.kh" not in members  # their certificate expired
    assert lounge.posts.filter(author__username="trainer").count() == 1
    client = Client()
    assert client.login(username="trainer", password=DEMO_PASSWORD)
    assert client.get("/en/community/certified-trainers/").status_code == 200
