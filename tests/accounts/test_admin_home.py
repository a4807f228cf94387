"""Decision 0036: the Wagtail admin's dashboard in ten queries or fewer, whatever the size of
the site, showing what Wagtail's own summary and panels show to the same person."""

import re
import uuid

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.test import RequestFactory
from django.utils import timezone
from wagtail.admin.site_summary import PagesSummaryItem
from wagtail.admin.views.home import (
    LockedPagesPanel,
    RecentEditsPanel,
    UserObjectsInWorkflowModerationPanel,
    WorkflowObjectsToModeratePanel,
)
from wagtail.documents.models import Document
from wagtail.documents.wagtail_hooks import DocumentsSummaryItem
from wagtail.images.wagtail_hooks import ImagesSummaryItem
from wagtail.models import GroupApprovalTask, Page, Workflow, WorkflowTask
from wagtail_factories import ImageFactory

from lms.accounts import admin_home
from lms.portal.services import country_page_create, country_page_permissions_grant
from tests.accounts.factories import country_staff, global_admin, signed_in_with_second_factor
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db


def sign_in(client, user, totp_for):
    return signed_in_with_second_factor(client, user)


@pytest.fixture
def section(home_page):
    page = country_page_create(parent=home_page, country=country("vn"), title="Viet Nam")
    country_page_permissions_grant(page=page)
    return page


def viewer(kind):
    return global_admin(is_staff=True) if kind == "global" else country_staff("vn", is_staff=True)


def grow(section, count):
    """More pages in the section, images and documents."""
    for number in range(count):
        section.add_child(instance=Page(title=f"Page {number}", slug=f"page-{uuid.uuid4().hex}"))
        ImageFactory(title=f"Image {number}")
        Document.objects.create(
            title=f"Document {number}", file=ContentFile(b"text", name=f"d{number}.txt")
        )


def summary_counts(body):
    return tuple(
        int(re.search(rf"(\d+) {noun}", body).group(1)) for noun in ("Page", "Image", "Document")
    )


@pytest.mark.parametrize("kind", ["global", "country"])
def test_the_dashboard_takes_ten_queries_at_most_at_two_sizes(
    client, section, totp_for, django_assert_max_num_queries, kind, settings, tmp_path
):
    """Issue 14: Wagtail's dashboard cost 15 queries for global staff and 19 for country
    staff; the summary and the empty panels now come from one query."""
    settings.MEDIA_ROOT = tmp_path
    sign_in(client, viewer(kind), totp_for)
    counts, shown = [], []
    for size in (1, 6):
        grow(section, size)
        client.get("/admin/")  # what each process keeps (site root paths, content types)
        with django_assert_max_num_queries(10) as captured:
            response = client.get("/admin/")
        assert response.status_code == 200
        counts.append(len(captured))
        shown.append(summary_counts(response.content.decode()))
    assert counts[0] == counts[1]
    # the summary follows the site: one page, image and document more each time, and more
    assert shown[1][0] - shown[0][0] == 6
    if kind == "global":  # country staff count the images in their own collections
        assert (shown[1][1] - shown[0][1], shown[1][2] - shown[0][2]) == (6, 6)


def moderation(group):
    task = GroupApprovalTask.objects.create(name="Review")
    task.groups.add(group)
    workflow = Workflow.objects.create(name="Review first")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    return workflow


def rendered(component, request):
    return component.render_html({"request": request, "csrf_token": "token"})


def request_for(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


@pytest.mark.parametrize("kind", ["global", "country"])
@pytest.mark.parametrize("busy", [False, True], ids=["empty", "busy"])
def test_each_panel_shows_what_wagtails_own_shows(section, kind, busy, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    person = viewer(kind)
    grow(section, 2)
    if busy:
        child = section.get_children().first().specific
        child.save_revision(user=person, log_action=True)  # a recent edit
        child.locked, child.locked_by, child.locked_at = True, person, timezone.now()
        child.save()
        other = section.get_children().last().specific
        other.save_revision(user=person)
        moderation(Group.objects.create(name="Reviewers")).start(other, person)
    pairs = [
        (PagesSummaryItem, admin_home.PagesCount),
        (ImagesSummaryItem, admin_home.ImagesCount),
        (DocumentsSummaryItem, admin_home.DocumentsCount),
    ]
    for wagtails, ours in pairs:
        if wagtails(request_for(person)).is_shown():
            assert rendered(ours(request_for(person)), request_for(person)) == rendered(
                wagtails(request_for(person)), request_for(person)
            )
    panels = [
        (WorkflowObjectsToModeratePanel, admin_home.ObjectsToReview),
        (UserObjectsInWorkflowModerationPanel, admin_home.ObjectsInModeration),
        (RecentEditsPanel, admin_home.RecentEdits),
        (LockedPagesPanel, admin_home.LockedPages),
    ]
    for wagtails, ours in panels:
        theirs = rendered(wagtails(), request_for(person))
        assert rendered(ours(), request_for(person)) == theirs
        hidden = kind == "country" and ours is admin_home.ObjectsToReview  # not a reviewer
        assert bool(theirs.strip()) == (busy and not hidden), wagtails


def test_a_moderator_sees_what_awaits_review(section, settings, tmp_path):
    """Country staff who belong to the moderators' group see the page awaiting them, as in
    Wagtail's panel; those who do not, do not."""
    settings.MEDIA_ROOT = tmp_path
    grow(section, 1)
    author, moderator, other = viewer("country"), viewer("country"), viewer("country")
    reviewers = Group.objects.create(name="Reviewers")
    moderator.groups.add(reviewers)
    page = section.get_children().first().specific
    page.save_revision(user=author)
    moderation(reviewers).start(page, author)
    for person, sees in ((moderator, True), (other, False)):
        ours = rendered(admin_home.ObjectsToReview(), request_for(person))
        assert ours == rendered(WorkflowObjectsToModeratePanel(), request_for(person))
        assert (page.title in ours) == sees
