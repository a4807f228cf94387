"""People and organisations in the Wagtail admin, scoped to the staff member's country."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from lms.accounts.models import Organisation, User
from lms.accounts.permissions import CountryScopedPermissionPolicy


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
    in Wagtail's policy registry, e.g. the user model's, is not consulted)."""

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


class PeopleViewSet(CountryScopedViewSet):
    model = User
    icon = "user"
    menu_label = _("People")
    name = "people"
    list_display = ["__str__", "username", "email", "country", "organisation"]
    list_filter = ["roles", "country", "organisation", "is_active"]
    search_fields = ["username", "display_name", "first_name", "last_name", "email"]
    form_fields = [
        "display_name",
        "email",
        "preferred_language",
        "organisation",
        "sector",
        "is_active",
    ]
    inspect_view_enabled = True
    add_to_admin_menu = False
    copy_view_enabled = False
    permission_policy = CountryScopedPermissionPolicy(User, actions=("view", "change"))


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
