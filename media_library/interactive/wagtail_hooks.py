"""H5P content and SCORM packages in the Wagtail admin: upload (only with the dedicated
permission), processing status, usage, and an overview of every package with its usage."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from lms.accounts.selectors import country_scope
from media_library.interactive.forms import Cmi5PackageForm, H5PContentForm, ScormPackageForm
from media_library.interactive.models import Cmi5Package, H5PContent, H5PLibrary, ScormPackage
from media_library.interactive.selectors import packages_with_usage

UPLOAD_PERMISSION = "interactive.upload_package"


def may_upload(user) -> bool:
    return bool(user.is_active and (user.is_superuser or user.has_perm(UPLOAD_PERMISSION)))


def may_use_admin(user) -> bool:
    return bool(
        user.is_active and (user.is_superuser or user.has_perm("wagtailadmin.access_admin"))
    )


class PackagePermissionPolicy(ModelPermissionPolicy):
    """Packages carry JavaScript: adding, replacing and deleting them needs the dedicated
    ``interactive.upload_package`` permission. Editors who use the admin may list and choose
    them. Country programme staff see their country's packages and the shared ones, and
    change only their country's."""

    def user_has_permission(self, user, action):
        if action in {"add", "change", "delete"}:
            return may_upload(user)
        if action in {"view", "choose"}:
            return may_use_admin(user)
        return False

    def _instance_in_scope(self, user, instance) -> bool:
        scope = country_scope(user)
        if scope is None:
            return True
        if scope is False:
            return instance.uploaded_by_id == user.pk
        return instance.country_id in (None, scope)

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        if action in {"change", "delete"}:
            scope = country_scope(user)
            if isinstance(scope, int) and not isinstance(scope, bool):
                return instance.country_id == scope
        return self._instance_in_scope(user, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        if not any(self.user_has_permission(user, action) for action in actions):
            return self.model._default_manager.none()
        scope = country_scope(user)
        queryset = self.model._default_manager.all()
        if scope is None:
            return queryset
        if scope is False:
            return queryset.filter(uploaded_by=user)
        return queryset.filter(country_id__in=[scope]) | queryset.filter(country__isnull=True)

    def users_with_any_permission(self, actions):
        from lms.accounts.models import User

        return User.objects.filter(is_active=True, is_staff=True)


class StatusColumn(Column):
    def get_value(self, instance):
        return instance.get_status_display()


class ScopedQuerysetMixin:
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .filter(
                pk__in=self.permission_policy.instances_user_has_any_permission_for(
                    self.request.user, ["view", "choose"]
                ).values("pk")
            )
        )


class ScopedObjectMixin:
    def get_object(self, queryset=None):
        instance = super().get_object(queryset)
        action = getattr(self, "permission_required", None) or "view"
        if not self.permission_policy.user_has_permission_for_instance(
            self.request.user, action, instance
        ):
            raise PermissionDenied
        return instance


class PackageViewSet(SnippetViewSet):
    icon = "form"
    list_display = ["title", StatusColumn("status", label=_("Status")), "language", "country"]
    list_filter = ["status", "language"]
    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_admin_menu = False

    def _scoped(self, view_class, mixin):
        return type(f"Scoped{view_class.__name__}", (mixin, view_class), {})

    @property
    def index_view_class(self):
        return self._scoped(super().index_view_class, ScopedQuerysetMixin)

    @property
    def edit_view_class(self):
        return self._scoped(super().edit_view_class, ScopedObjectMixin)

    @property
    def delete_view_class(self):
        return self._scoped(super().delete_view_class, ScopedObjectMixin)

    @property
    def inspect_view_class(self):
        return self._scoped(super().inspect_view_class, ScopedObjectMixin)


class H5PContentViewSet(PackageViewSet):
    model = H5PContent
    menu_label = _("H5P content")
    icon = "form"
    permission_policy = PackagePermissionPolicy(H5PContent)
    inspect_view_fields = [
        "title",
        "status",
        "status_message",
        "language",
        "country",
        "main_library",
        "libraries",
        "variant_of",
        "uploaded_by",
        "created_at",
        "processed_at",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("source"),
            FieldPanel("title"),
            FieldPanel("language"),
            FieldPanel("country"),
            FieldPanel("variant_of"),
            FieldPanel("allowed_origins"),
        ],
        base_form_class=H5PContentForm,
    )


class ScormPackageViewSet(PackageViewSet):
    model = ScormPackage
    menu_label = _("SCORM packages")
    icon = "media"
    permission_policy = PackagePermissionPolicy(ScormPackage)
    list_display = [*PackageViewSet.list_display, "version"]
    inspect_view_fields = [
        "title",
        "status",
        "status_message",
        "version",
        "language",
        "country",
        "uploaded_by",
        "created_at",
        "processed_at",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("source"),
            FieldPanel("title"),
            FieldPanel("language"),
            FieldPanel("country"),
            FieldPanel("allowed_origins"),
        ],
        base_form_class=ScormPackageForm,
    )


class Cmi5PackageViewSet(PackageViewSet):
    model = Cmi5Package
    menu_label = _("cmi5 courses")
    icon = "media"
    permission_policy = PackagePermissionPolicy(Cmi5Package)
    inspect_view_fields = [
        "title",
        "status",
        "status_message",
        "course_id",
        "language",
        "country",
        "uploaded_by",
        "created_at",
        "processed_at",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("source"),
            FieldPanel("title"),
            FieldPanel("language"),
            FieldPanel("country"),
            FieldPanel("allowed_origins"),
        ],
        base_form_class=Cmi5PackageForm,
    )


register_permission_policy(Cmi5Package, Cmi5PackageViewSet.permission_policy)
register_permission_policy(H5PContent, H5PContentViewSet.permission_policy)
register_permission_policy(ScormPackage, ScormPackageViewSet.permission_policy)


class InteractiveGroup(SnippetViewSetGroup):
    menu_label = _("Interactive")
    menu_icon = "form"
    menu_order = 250
    items = (H5PContentViewSet, ScormPackageViewSet, Cmi5PackageViewSet)


register_snippet(InteractiveGroup)


@login_required
def usage_overview(request):
    """Every H5P exercise and SCORM package the editor may see, with the pages using it,
    and the shared H5P libraries with the number of exercises each serves."""
    if not may_use_admin(request.user):
        raise PermissionDenied
    h5p_policy = H5PContentViewSet.permission_policy
    scorm_policy = ScormPackageViewSet.permission_policy
    h5p, scorm = packages_with_usage(
        h5p_policy.instances_user_has_any_permission_for(request.user, ["view"]),
        scorm_policy.instances_user_has_any_permission_for(request.user, ["view"]),
    )
    from django.db.models import Count

    libraries = H5PLibrary.objects.annotate(uses=Count("contents")).order_by("machine_name")
    return render(
        request,
        "interactive/admin/usage.html",
        {
            "h5p": h5p,
            "scorm": scorm,
            "libraries": libraries,
            "may_upload": may_upload(request.user),
        },
    )


@hooks.register("register_admin_urls")
def register_usage_url():
    return [path("interactive/usage/", usage_overview, name="interactive_usage")]


class UsageMenuItem(MenuItem):
    def is_shown(self, request):
        return may_use_admin(request.user)


@hooks.register("register_admin_menu_item")
def register_usage_menu_item():
    return UsageMenuItem(
        _("Interactive packages and usage"),
        reverse("interactive_usage"),
        icon_name="list-ul",
        order=260,
    )
