"""The whole URL configuration, walked with a staff account whose session has no second
factor: no view that shows or changes other people's data answers it, whichever page signed
it in. Also the regression test for new views: a view nobody classified fails here (declare
it with a decorator of ``lms.accounts.exposure``)."""

import pytest
from django.core.files.base import ContentFile
from django.urls import resolve

from certification.models import Requirement
from certification.models import Submission as EvidenceSubmission
from lms.accounts.exposure import Exposure, exposure_of
from tests.accounts.factories import PASSWORD, global_admin
from tests.certification.factories import (
    CandidacyFactory,
    CPDActivityFactory,
    ProgrammeFactory,
    requirement,
)
from tests.community.factories import PostFactory
from tests.url_walk import all_routes

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    """Real objects that belong to other people, for the views that need them."""
    from certification.services import certificate_issue

    programme = ProgrammeFactory()
    portfolio = requirement(programme, Requirement.Kind.PORTFOLIO, title="Portfolio")
    candidacy = CandidacyFactory(programme=programme)
    evidence = EvidenceSubmission.objects.create(
        candidacy=candidacy,
        requirement=portfolio,
        title="Session plan",
        file=ContentFile(b"%PDF-1.4 plan", name="plan.pdf"),
    )
    cpd = CPDActivityFactory(evidence=ContentFile(b"%PDF-1.4 cpd", name="cpd.pdf"))
    with django_capture_on_commit_callbacks(execute=False):
        certificate = certificate_issue(
            candidacy=CandidacyFactory(programme=programme), approved=True
        )
    post = PostFactory()
    by_candidacy = {"pk": candidacy.pk}
    by_evidence = {"pk": evidence.pk}
    by_certificate = {"code": certificate.code}
    return {
        "certification:candidacy": by_candidacy,
        "certification:withdraw": by_candidacy,
        "certification:submission_create": by_candidacy,
        "certification:assessment_record": by_candidacy,
        "certification:approve_issue": by_candidacy,
        "certification:submission": by_evidence,
        "certification:submission_file": by_evidence,
        "certification:review": by_evidence,
        "certification:cpd_evidence": {"pk": cpd.pk},
        "certification:certificate": by_certificate,
        "certification:certificate_pdf": by_certificate,
        "certification:credential": by_certificate,
        "community:post_edit": {"pk": post.pk},
        "community:post_moderate": {"pk": post.pk, "action": "hide"},
        "community:thread_moderate": {"slug": post.community.slug, "pk": post.thread_id},
        "community:moderation": {"slug": post.community.slug},
        "community:members": {"slug": post.community.slug},
        "community:audit": {"slug": post.community.slug},
    }


def refused_for_second_factor(response) -> bool:
    if response.status_code == 302:
        return "/accounts/2fa/" in response["Location"]
    if response.status_code == 403:
        return b"second_factor_required" in response.content
    return False


def visit(client, path):
    response = client.get(path)
    if response.status_code == 405:
        response = client.post(path)
    return response


def test_no_view_showing_other_peoples_data_answers_a_session_without_second_factor(client, world):
    staff = global_admin(is_staff=True, is_superuser=True)
    client.force_login(staff)  # no authenticator: the session has no second factor
    unclassified, answered, checked = [], [], 0
    for route in all_routes():
        values = world.get(route.name, {})
        path = route.path(values)
        assert path is not None, f"no concrete path for {route.route}"
        exposure = exposure_of(resolve(path))
        if exposure is None:
            unclassified.append(f"{route.name or '(unnamed)'}  {route.route}")
            continue
        if exposure in (Exposure.PUBLIC, Exposure.OWN):
            continue
        if exposure == Exposure.OWN_OR_OTHERS and not values:
            continue  # the view needs a real object to decide; those below have one
        checked += 1
        response = visit(client, path)
        if not refused_for_second_factor(response):
            answered.append(f"{path} -> {response.status_code}")
    assert not unclassified, "views nobody classified:\n" + "\n".join(unclassified)
    assert not answered, "answered without a second factor:\n" + "\n".join(answered)
    # The admin alone has hundreds of views: the walk really went through them.
    assert checked > 300


def test_the_same_views_open_once_the_session_is_confirmed(client, world):
    staff = global_admin(is_staff=True, is_superuser=True)
    client.force_login(staff)
    from tests.conftest import confirm_second_factor

    confirm_second_factor(client, staff)
    paths = [
        "/admin/",
        "/en/certificates/manage/",
        "/en/learn/cohorts/",
        "/en/learn/reviews/",
        f"/en/certificates/candidacies/{world['certification:candidacy']['pk']}/",
        f"/en/certificates/evidence/{world['certification:submission']['pk']}/",
    ]
    for path in paths:
        assert client.get(path).status_code == 200, path


def test_views_declare_what_they_show_and_unclassified_ones_count_as_others(rf):
    from lms.accounts.exposure import needs_second_factor

    assert needs_second_factor(None)
    assert needs_second_factor(Exposure.OTHERS)
    assert not needs_second_factor(Exposure.OWN)
    assert exposure_of(resolve("/en/learn/cohorts/")) == Exposure.OTHERS
    assert exposure_of(resolve("/admin/users/")) == Exposure.OTHERS
    assert exposure_of(resolve("/en/learn/my/")) == Exposure.OWN


@pytest.mark.parametrize(
    "path",
    ["/en/certificates/manage/", "/en/learn/cohorts/", "/en/learn/reviews/", "/admin/"],
)
def test_a_password_only_session_with_totp_set_up_must_confirm_the_code(client, totp_for, path):
    """Signed in by a page that skipped the code step (``client.login`` stands for Wagtail's
    old form): the person is asked for their code, not let through."""
    totp_for(global_admin(is_staff=True, username="boss"))
    assert client.login(username="boss", password=PASSWORD)
    response = client.get(path)
    assert response.status_code == 302
    assert "/accounts/2fa/reauthenticate/" in response["Location"]


def test_machines_get_403_with_a_reason_instead_of_a_redirect(client):
    client.force_login(global_admin(is_staff=True))
    response = client.get("/en/learn/cohorts/1/export.csv", HTTP_ACCEPT="application/json")
    assert response.status_code == 403
    assert response.json()["error"] == "second_factor_required"
    assert "second factor" in response.json()["detail"]


def test_people_see_their_own_objects_without_a_second_factor(client, world):
    from certification.models import Candidacy

    candidacy = Candidacy.objects.get(pk=world["certification:candidacy"]["pk"])
    client.force_login(candidacy.candidate)
    assert client.get(f"/en/certificates/candidacies/{candidacy.pk}/").status_code == 200
