"""Sign-in backends that load a person's role codes in the same query as the person, so the
role checks every page makes (``User.has_role``) ask the database nothing more (issue 14;
decision 0031), and a person's Django permissions in one query instead of two (decision
0035)."""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models import Aggregate, CharField, OuterRef, Q, Subquery

# The paths sessions signed in before decision 0031 carry, and the backend that now reads them.
LEGACY_BACKENDS = {
    "django.contrib.auth.backends.ModelBackend": "lms.accounts.backends.RolesModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend": (
        "lms.accounts.backends.RolesAuthenticationBackend"
    ),
}


class _JoinedCodes(Aggregate):
    """The codes joined with commas: GROUP_CONCAT on SQLite, STRING_AGG on PostgreSQL."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s, ',')"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="STRING_AGG", **extra_context)


def user_with_role_codes(user_id):
    """The active-or-not person with ``user_id``, their role codes and their Wagtail admin
    profile (which every admin page reads: language, time zone, theme), in one query; None
    if there is no such person."""
    user_model = get_user_model()
    codes = (
        user_model.roles.through.objects.filter(user_id=OuterRef("pk"))
        .values("user_id")
        .annotate(codes=_JoinedCodes("role__code"))
        .values("codes")
    )
    user = (
        user_model._default_manager.annotate(role_code_list=Subquery(codes))
        .select_related("wagtail_userprofile")
        .filter(pk=user_id)
        .first()
    )
    if user is not None:
        user._role_codes = frozenset(filter(None, (user.role_code_list or "").split(",")))
    return user


def permission_names(user) -> set[str]:
    """``app_label.codename`` of every permission ``user`` holds, their own and their
    groups', in one query (Django's backend asks twice)."""
    if user.is_superuser:
        held = Permission.objects.all()
    else:
        user_model = get_user_model()
        own = user_model.user_permissions.through.objects.filter(user_id=user.pk)
        memberships = user_model.groups.through.objects.filter(user_id=user.pk)
        of_groups = Group.permissions.through.objects.filter(
            group_id__in=memberships.values("group_id")
        )
        held = Permission.objects.filter(
            Q(pk__in=own.values("permission_id")) | Q(pk__in=of_groups.values("permission_id"))
        )
    return {
        f"{app_label}.{codename}"
        for app_label, codename in held.values_list("content_type__app_label", "codename")
        .order_by()
        .distinct()
    }


class _RolesWithTheUser:
    def get_user(self, user_id):
        user = user_with_role_codes(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        """Django's answer (the same set, kept on the person for the request), in one query."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = permission_names(user_obj)
        return user_obj._perm_cache


class RolesModelBackend(_RolesWithTheUser, ModelBackend):
    """Django's username-and-password backend."""


class RolesAuthenticationBackend(_RolesWithTheUser, AllauthBackend):
    """allauth's backend (sign-in by username or email, its rate limits)."""
