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


# --- who may change whom ------------------------------------------------------------------
#
# Decision 0008: country staff manage the people of their own country who hold no staff role
# (workers, supervisors, managers, trainers, advisors, assessors). Superusers, global staff,
# anyone with admin access and *other country staff* (their peers, themselves included) are
# out of their reach: only global staff manage staff. Nobody changes their own scope.

ORDINARY_ROLES = frozenset(
    {
        "worker",
        "supervisor",
        "manager",
        "trainer",
        "enterprise_advisor",
        "assessor",
    }
)


def is_staff_account(person) -> bool:
    """Superusers, global staff, country staff and anyone with admin access."""
    from lms.accounts.models import STAFF_ROLES

    return bool(person.is_superuser or person.is_staff or person.has_role(*STAFF_ROLES))


def can_manage_person(actor, person) -> bool:
    """May ``actor`` change ``person``'s email, password, active flag, country,
    organisation or roles?"""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    if actor.is_global_admin:
        return True
    if not (actor.is_country_staff and actor.country_id):
        return False
    return (
        person.pk != actor.pk
        and person.country_id == actor.country_id
        and not is_staff_account(person)
    )


def grantable_roles(actor) -> frozenset[str]:
    """The role codes ``actor`` may give or take away."""
    from lms.accounts.models import Role

    if not getattr(actor, "is_authenticated", False):
        return frozenset()
    if actor.is_global_admin:
        return frozenset(Role.Code.values)
    if actor.is_country_staff and actor.country_id:
        return ORDINARY_ROLES
    return frozenset()


def is_responsible_staff(actor, person) -> bool:
    """Staff responsible for ``person`` (global staff, or their country's staff within the
    limits of ``can_manage_person``). Trainers responsible for a cohort are decided by the
    courses room, which knows cohorts."""
    return can_manage_person(actor, person)
