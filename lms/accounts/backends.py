"""Sign-in backends that load a person's role codes in the same query as the person, so the
role checks every page makes (``User.has_role``) ask the database nothing more (issue 14;
decision 0031)."""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Aggregate, CharField, OuterRef, Subquery

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
    """The active-or-not person with ``user_id`` and their role codes, in one query; None if
    there is no such person."""
    user_model = get_user_model()
    codes = (
        user_model.roles.through.objects.filter(user_id=OuterRef("pk"))
        .values("user_id")
        .annotate(codes=_JoinedCodes("role__code"))
        .values("codes")
    )
    user = (
        user_model._default_manager.annotate(role_code_list=Subquery(codes))
        .filter(pk=user_id)
        .first()
    )
    if user is not None:
        user._role_codes = frozenset(filter(None, (user.role_code_list or "").split(",")))
    return user


class _RolesWithTheUser:
    def get_user(self, user_id):
        user = user_with_role_codes(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class RolesModelBackend(_RolesWithTheUser, ModelBackend):
    """Django's username-and-password backend."""


class RolesAuthenticationBackend(_RolesWithTheUser, AllauthBackend):
    """allauth's backend (sign-in by username or email, its rate limits)."""
