"""The Wagtail admin's dashboard in fewer queries (decision 0036).

Wagtail's dashboard asks the database once per summary count (pages, images, documents,
each after looking the person's site up again) and once or more per panel (pages awaiting
the person's review, their pages in moderation, their recent edits, their locked pages),
whether or not the panel has anything to show: 15 queries for global staff, 19 for country
staff. Here one query per request counts what the summary shows, names the site and tells
which panels have anything in them; a panel with something to show is Wagtail's own panel,
run as Wagtail runs it, and an empty one renders Wagtail's template with Wagtail's empty
context. The counts use Wagtail's own querysets and permission policies, so each person
sees the same numbers and panels as before.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Cast
from django.db.models.query import EmptyQuerySet
from django.utils.functional import cached_property
from wagtail.admin.auth import user_has_any_page_permission
from wagtail.admin.site_summary import PagesSummaryItem
from wagtail.admin.views.home import (
    LockedPagesPanel,
    RecentEditsPanel,
    UserObjectsInWorkflowModerationPanel,
    WorkflowObjectsToModeratePanel,
)
from wagtail.documents import get_document_model
from wagtail.documents.wagtail_hooks import DocumentsSummaryItem
from wagtail.images import get_image_model
from wagtail.images.wagtail_hooks import ImagesSummaryItem
from wagtail.models import (
    GroupApprovalTask,
    Page,
    PageLogEntry,
    Site,
    TaskState,
    WorkflowState,
    get_default_page_content_type,
)
from wagtail.permissions import policy_registry

# Wagtail's summary counts what a person may do any of these to.
SUMMARY_ACTIONS = {"add", "change", "delete", "choose"}


class SubqueryCount(Subquery):
    """The number of rows a queryset returns, as a column of the outer query."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) counted)"
    output_field = IntegerField()


def _workflow_enabled():
    return getattr(settings, "WAGTAIL_WORKFLOW_ENABLED", True)


def _objects_in_moderation(user):
    """Wagtail's `UserObjectsInWorkflowModerationPanel` filter: workflows the person asked
    for, or running on pages they own."""
    pages_owned_by_user = Q(base_content_type_id=get_default_page_content_type().id) & Exists(
        Page.objects.filter(owner=user, id=Cast(OuterRef("object_id"), output_field=IntegerField()))
    )
    return WorkflowState.objects.active().filter(pages_owned_by_user | Q(requested_by=user))


def _task_states_maybe_reviewable(user):
    """Every task state Wagtail's `TaskState.objects.reviewable_by(user)` can return, in one
    query: in progress on an active task that is a group approval the person may approve
    (a superuser, or a member of one of its groups), or of any other kind of task (whose
    own rule Wagtail's panel then applies)."""
    states = TaskState.objects.filter(status=TaskState.STATUS_IN_PROGRESS, task__active=True)
    if user.is_superuser:
        return states
    group_approval = GroupApprovalTask.objects.filter(
        pk=OuterRef("task_id"), groups__in=user.groups.all()
    )
    return states.filter(
        ~Q(task__content_type=ContentType.objects.get_for_model(GroupApprovalTask))
        | Exists(group_approval)
    )


class DashboardFacts:
    """What the dashboard shows, read in one query the first time a panel asks."""

    def __init__(self, request):
        self.request = request
        self.user = request.user

    @cached_property
    def root_page(self):
        return policy_registry.get_by_type(Page).explorable_root_instance(self.user)

    @cached_property
    def _site_id(self):
        # From the site root paths Wagtail keeps in the cache, as `Page.get_site` finds it.
        parts = self.root_page.get_url_parts() if self.root_page else None
        return parts[0] if parts else None

    def _summary_querysets(self):
        if user_has_any_page_permission(self.user) and self.root_page:
            yield "pages", Page.objects.descendant_of(self.root_page, inclusive=True)
            if self.root_page.is_root():
                yield "sites", Site.objects.all()
        for name, model in (("images", get_image_model()), ("documents", get_document_model())):
            policy = policy_registry.get_by_type(model)
            if policy.user_has_any_permission(self.user, ["add", "change", "delete"]):
                yield name, policy.instances_user_has_any_permission_for(self.user, SUMMARY_ACTIONS)

    @cached_property
    def values(self):
        annotations, known = {}, {}
        for name, queryset in self._summary_querysets():
            if isinstance(queryset, EmptyQuerySet):
                known[name] = 0
            else:
                annotations[name] = SubqueryCount(queryset.order_by().values("pk"))
        if "sites" in annotations:
            annotations["site_root_page"] = Subquery(
                Site.objects.order_by().values("root_page_id")[:1]
            )
        if self._site_id is not None:
            site = Site.objects.filter(pk=self._site_id)
            annotations["site_name"] = Subquery(site.values("site_name")[:1])
            annotations["site_hostname"] = Subquery(site.values("hostname")[:1])
        if _workflow_enabled():
            annotations["in_moderation"] = Exists(_objects_in_moderation(self.user))
            annotations["to_review"] = Exists(_task_states_maybe_reviewable(self.user))
        annotations["recent_edits"] = Exists(
            PageLogEntry.objects.filter(user=self.user, action="wagtail.edit")
        )
        annotations["locked"] = Exists(Page.objects.filter(locked=True, locked_by=self.user))
        # The tree's root is the one row every Wagtail site has.
        row = (
            Page.objects.filter(depth=1)
            .order_by("path")
            .annotate(**{f"dashboard_{name}": value for name, value in annotations.items()})
            .values(*(f"dashboard_{name}" for name in annotations))
            .first()
        )
        found = {name.removeprefix("dashboard_"): value for name, value in (row or {}).items()}
        return {**known, **found}

    @property
    def site_name(self):
        """`get_site_for_user(user)["site_name"]`, without asking again for the site."""
        name = self.values.get("site_name") or self.values.get("site_hostname")
        return name or settings.WAGTAIL_SITE_NAME


def dashboard_facts(request) -> DashboardFacts:
    facts = getattr(request, "_dashboard_facts", None)
    if facts is None:
        facts = request._dashboard_facts = DashboardFacts(request)
    return facts


class PagesCount(PagesSummaryItem):
    def get_context_data(self, parent_context):
        facts = dashboard_facts(self.request)
        root_page = facts.root_page
        page_count = 0
        if root_page:
            page_count = facts.values["pages"]
            if root_page.is_root():
                # As Wagtail: the tree's root is not a page, and with precisely one site
                # the link goes to its home page.
                page_count -= 1
                if facts.values["sites"] == 1:
                    root_page = Page(pk=facts.values["site_root_page"])
        return {"root_page": root_page, "total_pages": page_count, "site_name": facts.site_name}


class ImagesCount(ImagesSummaryItem):
    def get_context_data(self, parent_context):
        facts = dashboard_facts(self.request)
        return {"total_images": facts.values["images"], "site_name": facts.site_name}


class DocumentsCount(DocumentsSummaryItem):
    def get_context_data(self, parent_context):
        facts = dashboard_facts(self.request)
        return {"total_docs": facts.values["documents"], "site_name": facts.site_name}


SUMMARY_ITEMS = {
    PagesSummaryItem: PagesCount,
    ImagesSummaryItem: ImagesCount,
    DocumentsSummaryItem: DocumentsCount,
}


class ObjectsToReview(WorkflowObjectsToModeratePanel):
    def get_context_data(self, parent_context):
        request = parent_context["request"]
        if not _workflow_enabled() or dashboard_facts(request).values["to_review"]:
            return super().get_context_data(parent_context)
        return {"states": [], "request": request, "csrf_token": parent_context["csrf_token"]}


class ObjectsInModeration(UserObjectsInWorkflowModerationPanel):
    def get_context_data(self, parent_context):
        request = parent_context["request"]
        if not _workflow_enabled() or dashboard_facts(request).values["in_moderation"]:
            return super().get_context_data(parent_context)
        return {"workflow_states": [], "request": request}


class RecentEdits(RecentEditsPanel):
    def get_context_data(self, parent_context):
        request = parent_context["request"]
        if dashboard_facts(request).values["recent_edits"]:
            return super().get_context_data(parent_context)
        return {"last_edits": [], "request": request}


class LockedPages(LockedPagesPanel):
    def get_context_data(self, parent_context):
        request = parent_context["request"]
        if dashboard_facts(request).values["locked"]:
            return super().get_context_data(parent_context)
        return {
            "locked_pages": Page.objects.none(),
            "can_remove_locks": policy_registry.get_by_type(Page).user_has_permission(
                request.user, "unlock"
            ),
            "request": request,
            "csrf_token": parent_context["csrf_token"],
        }


PANELS = {
    WorkflowObjectsToModeratePanel: ObjectsToReview,
    UserObjectsInWorkflowModerationPanel: ObjectsInModeration,
    RecentEditsPanel: RecentEdits,
    LockedPagesPanel: LockedPages,
}


def summary_items_replace(request, items):
    items[:] = [
        SUMMARY_ITEMS[type(item)](request) if type(item) in SUMMARY_ITEMS else item
        for item in items
    ]


def panels_replace(request, panels):
    panels[:] = [PANELS[type(panel)]() if type(panel) in PANELS else panel for panel in panels]
