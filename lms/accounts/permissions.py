"""Who may manage whom: global staff everyone, country programme staff their own country."""

from wagtail.permission_policies.base import BasePermissionPolicy

from lms.accounts.selectors import country_scope


class CountryScopedPermissionPolicy(BasePermissionPolicy):
    """A Wagtail permission policy for models with a ``country`` foreign key.

    Global administrators may do anything; country programme staff may do ``actions`` on
    rows of their own country; nobody else may do anything.
    """

    def __init__(self, model, *, country_field="country", actions=("view", "change")):
        super().__init__(model)
        self.country_field = country_field
        self.country_staff_actions = set(actions)

    def user_has_permission(self, user, action):
        scope = country_scope(user)
        if scope is None:
            return True
        return scope is not False and action in self.country_staff_actions

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        scope = country_scope(user)
        return scope is None or getattr(instance, f"{self.country_field}_id") == scope

    def users_with_any_permission(self, actions):
        from lms.accounts.models import Role, User

        return User.objects.filter(
            is_active=True,
            roles__code__in=[
                Role.Code.COUNTRY_STAFF,
                Role.Code.GLOBAL_ADMIN,
            ],
        ).distinct() | User.objects.filter(is_active=True, is_superuser=True)

    def instances_user_has_any_permission_for(self, user, actions):
        if not any(self.user_has_permission(user, a) for a in actions):
            return self.model._default_manager.none()
        scope = country_scope(user)
        queryset = self.model._default_manager.all()
        if scope is None:
            return queryset
        return queryset.filter(**{f"{self.country_field}_id": scope})
