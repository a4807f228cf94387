"""People and organisations in the Wagtail admin, scoped to the staff member's country."""

from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.forms.models import modelform_factory
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from lms.accounts import admin_home
from lms.accounts.admin_filters import CountryScopedFilterSet
from lms.accounts.admin_forms import (
    CountryScopedModelForm,
    PersonAdminForm,
    ScopedChoicesFormMixin,
)
from lms.accounts.audit import audit_access
from lms.accounts.models import Organisation, User
from lms.accounts.permissions import CountryScopedPermissionPolicy, can_manage_person


class CountryScopedObjectMixin:
    """Refuse a row outside the staff member's country, even when its URL is typed in."""

    def get_object(self, *args, **kwargs):
        # Wagtail's history and usage views take no queryset argument (their get_object is
        # BaseObjectMixin's): pass on only what was given.
        obj = super().get_object(*args, **kwargs)
        action = getattr(self, "permission_required", None) or "view"
        if not self.permission_policy.user_has_permission_for_instance(
            self.request.user, action, obj
        ):
            raise PermissionDenied
        return obj


class CountryScopedIndexMixin:
    """List only the rows of the staff member's country."""

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .filter(
                pk__in=self.permission_policy.instances_user_has_any_permission_for(
                    self.request.user, ["view", "change"]
                ).values("pk")
            )
        )


class CountryScopedViewSet(ModelViewSet):
    """A model viewset whose every view uses the country-scoped policy (the model's entry
    in Wagtail's policy registry, e.g. the user model's, is not consulted). Its forms and
    filters offer only the viewer's country and taxonomy terms once each, in their language."""

    form_class = None

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(base_filterset_class=CountryScopedFilterSet, **kwargs)

    def get_form_class(self, for_update=False):
        if self.form_class is not None:
            return self.form_class
        if self._edit_handler:
            form_class = self._edit_handler.get_form_class()
            return type(form_class.__name__, (ScopedChoicesFormMixin, form_class), {})
        return modelform_factory(
            self.model,
            form=CountryScopedModelForm,
            fields=self.get_form_fields(),
            exclude=self.get_exclude_form_fields(),
        )

    def _scoped(self, view_class, mixin=CountryScopedObjectMixin):
        bases = (mixin, view_class) if mixin else (view_class,)
        return type(
            f"Scoped{view_class.__name__}",
            bases,
            {"permission_policy": self.permission_policy},
        )

    @property
    def index_view_class(self):
        return self._scoped(super().index_view_class, CountryScopedIndexMixin)

    @property
    def add_view_class(self):
        return self._scoped(super().add_view_class, None)

    @property
    def edit_view_class(self):
        return self._scoped(super().edit_view_class)

    @property
    def delete_view_class(self):
        return self._scoped(super().delete_view_class)

    @property
    def inspect_view_class(self):
        return self._scoped(super().inspect_view_class)

    @property
    def history_view_class(self):
        return self._scoped(super().history_view_class)

    @property
    def usage_view_class(self):
        return self._scoped(super().usage_view_class)


class PeoplePermissionPolicy(CountryScopedPermissionPolicy):
    """Country staff see the people of their country, and add or change only those within
    their reach (``can_manage_person``): never staff accounts, never themselves."""

    def user_has_permission_for_instance(self, user, action, instance):
        if not super().user_has_permission_for_instance(user, action, instance):
            return False
        return action == "view" or can_manage_person(user, instance)


class PeopleIndexMixin:
    """The People list shows the bulk upload next to "Add", for those who may grant roles."""

    @cached_property
    def header_buttons(self):
        from django.urls import reverse
        from wagtail.admin.widgets.button import HeaderButton

        from lms.accounts.permissions import grantable_roles

        buttons = list(super().header_buttons)
        if grantable_roles(self.request.user):
            buttons.append(
                HeaderButton(
                    _("Add people from a file"), url=reverse("people:import"), icon_name="upload"
                )
            )
        return buttons


class PersonalDataAccessMixin:
    """Opening a person's page in the admin is recorded in the audit trail (issue 21.4)."""

    audit_what = "people admin"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        subject = getattr(self, "object", None)
        if subject is not None and response.status_code == 200:
            audit_access(actor=request.user, subject=subject, what=self.audit_what)
        return response


class PeopleViewSet(CountryScopedViewSet):
    model = User
    icon = "user"
    menu_label = _("People")
    name = "people"
    list_display = ["__str__", "username", "email", "country", "organisation"]
    list_filter = ["roles", "country", "organisation", "is_active"]
    search_fields = ["username", "display_name", "first_name", "last_name", "email"]
    form_class = PersonAdminForm
    inspect_view_enabled = True
    inspect_view_fields = [
        "username",
        "display_name",
        "email",
        "preferred_language",
        "country",
        "organisation",
        "sector",
        "roles",
        "is_active",
        "date_joined",
    ]
    add_to_admin_menu = False
    copy_view_enabled = False
    permission_policy = PeoplePermissionPolicy(User, actions=("view", "change", "add"))

    @property
    def index_view_class(self):
        return type("PeopleIndexView", (PeopleIndexMixin, super().index_view_class), {})

    @property
    def inspect_view_class(self):
        return type(
            "PeopleInspectView",
            (PersonalDataAccessMixin, super().inspect_view_class),
            {"audit_what": "person viewed in the admin"},
        )

    @property
    def edit_view_class(self):
        return type(
            "PeopleEditView",
            (PersonalDataAccessMixin, super().edit_view_class),
            {"audit_what": "person opened for editing in the admin"},
        )

    @property
    def history_view_class(self):
        return type(
            "PeopleHistoryView",
            (PersonalDataAccessMixin, super().history_view_class),
            {"audit_what": "person's history viewed in the admin"},
        )

    def get_urlpatterns(self):
        from django.urls import path

        from lms.accounts.admin_views import people_import_view

        return [
            *super().get_urlpatterns(),
            path("import/", people_import_view, name="import"),
        ]


class OrganisationViewSet(CountryScopedViewSet):
    model = Organisation
    icon = "group"
    menu_label = _("Organisations")
    name = "organisations"
    list_display = ["name", "kind", "country", "sector", "training_days_allocation"]
    list_filter = ["kind", "country", "sector"]
    search_fields = ["name", "city"]
    form_fields = [
        "name",
        "kind",
        "country",
        "sector",
        "city",
        "workers_count",
        "training_days_allocation",
    ]
    add_to_admin_menu = False
    copy_view_enabled = False
    permission_policy = CountryScopedPermissionPolicy(
        Organisation, actions=("view", "change", "add")
    )


register_permission_policy(Organisation, OrganisationViewSet.permission_policy)


class PeopleGroup(ViewSetGroup):
    menu_label = _("People")
    menu_icon = "group"
    menu_order = 200
    items = (PeopleViewSet, OrganisationViewSet)


@hooks.register("register_admin_viewset")
def register_people_viewsets():
    return PeopleGroup()


# --- the audit trail: read-only, for global staff ------------------------------------------


class AuditTrailPermissionPolicy(BasePermissionPolicy):
    """Global staff may read the trail; nobody may add, change or delete entries."""

    def user_has_permission(self, user, action):
        return (
            action == "view" and user.is_authenticated and user.is_active and (user.is_global_admin)
        )

    def users_with_any_permission(self, actions):
        if "view" not in actions:
            return User.objects.none()
        return User.objects.filter(is_active=True, is_superuser=True)


class AuditWhatColumn(Column):
    """What was viewed, exported or changed: the reason given, else the changed fields."""

    def get_value(self, instance):
        data = instance.additional_data or {}
        if data.get("what"):
            return data["what"]
        return ", ".join(sorted(instance.changes_dict)) if instance.changes else ""


class AuditTrailViewSet(ModelViewSet):
    model = LogEntry
    icon = "history"
    menu_label = _("Audit trail")
    menu_order = 900
    name = "audit-trail"
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = [
        "timestamp",
        "actor",
        "action",
        "object_repr",
        AuditWhatColumn("what", label=_("What")),
        "remote_addr",
    ]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "actor_email", "changes_text"]
    inspect_view_fields = [
        "timestamp",
        "actor",
        "actor_email",
        "remote_addr",
        "action",
        "content_type",
        "object_pk",
        "object_repr",
        "changes",
        "additional_data",
    ]
    form_fields = []
    permission_policy = AuditTrailPermissionPolicy(LogEntry)

    def get_urlpatterns(self):
        """Only the list and the inspect page: the trail is append-only."""
        return [
            pattern
            for pattern in super().get_urlpatterns()
            if pattern.name in {"index", "index_results", "inspect"}
        ]


register_permission_policy(LogEntry, AuditTrailViewSet.permission_policy)


@hooks.register("register_admin_viewset")
def register_audit_trail_viewset():
    return AuditTrailViewSet()


@hooks.register("register_reports_menu_item")
def register_audit_trail_menu_item():
    from django.urls import reverse
    from wagtail.admin.menu import MenuItem

    class AuditTrailMenuItem(MenuItem):
        def is_shown(self, request):
            return AuditTrailViewSet.permission_policy.user_has_permission(request.user, "view")

    return AuditTrailMenuItem(
        _("Audit trail"), reverse("audit-trail:index"), icon_name="history", order=900
    )


# Last, so that every app's summary items and panels are there to be replaced (decision 0036).
hooks.register("construct_homepage_summary_items", admin_home.summary_items_replace, order=100)
hooks.register("construct_homepage_panels", admin_home.panels_replace, order=100)
