"""Sign-in backends that load a person's role codes in the same query as the person, so the
role checks every page makes (``User.has_role``) ask the database nothing more (issue 14;
decision 0031), and a person's Django permissions in one query instead of two (decision
0035), and their unread notices, which every page's header shows (decision 0629). The
query that loads the person on every signed-in request is composed by the ORM once per
database connection and only executed afterwards (decision 0038); on PostgreSQL it is
prepared on the connection, so the database stops planning it on every request (decision
0126)."""

import functools
import weakref

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db import connections
from django.db.models import Aggregate, CharField, Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.db.models.query import get_related_populators

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


def _users_with_role_codes():
    from lms.notifications.models import Notification

    user_model = get_user_model()
    codes = (
        user_model.roles.through.objects.filter(user_id=OuterRef("pk"))
        .values("user_id")
        .annotate(codes=_JoinedCodes("role__code"))
        .values("codes")
    )
    # The header's unread count (``lms.notifications.selectors.unread_count``), through the
    # notices' unread index: read here, a process's first page (the shared cache empty)
    # asks no query of its own for it (decision 0629).
    unread = (
        Notification.objects.filter(recipient=OuterRef("pk"), on_site=True, read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return user_model._default_manager.annotate(
        role_code_list=Subquery(codes),
        unread_on_site=Coalesce(Subquery(unread, output_field=IntegerField()), 0),
    ).select_related("wagtail_userprofile")


def user_with_role_codes(user_id):
    """The active-or-not person with ``user_id``, their role codes, their Wagtail admin
    profile (which every admin page reads: language, time zone, theme) and their unread
    notices' count (``unread_on_site``), in one query; None if there is no such person."""
    user = _PreparedUserQuery.for_connection().get(user_id)
    if user is not None:
        user._role_codes = frozenset(filter(None, (user.role_code_list or "").split(",")))
    return user


class _PreparedUserQuery:
    """``_users_with_role_codes().filter(pk=...)``, whose SQL the ORM composes once per
    database connection: composing it (the subquery, the joined profile) cost several times
    what running it does, on every signed-in request. The rows become instances exactly as
    the ORM's own iterator makes them (its converters, the profile from the join, the
    annotation), so a person loaded here is the same as one loaded by the queryset."""

    # A placeholder id: the composed query must hold it as its one parameter.
    _PLACEHOLDER = -7_031_036
    _known: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    @classmethod
    def for_connection(cls):
        db = get_user_model()._default_manager.db
        connection = connections[db]
        prepared = cls._known.get(connection)
        if prepared is None:
            # Connections are per thread: each thread composes its own, once.
            prepared = cls._known[connection] = cls(db)
        return prepared

    def __init__(self, db: str):
        self.db = db
        self.pk = get_user_model()._meta.pk
        queryset = _users_with_role_codes().filter(pk=self._PLACEHOLDER)
        compiler = queryset.query.get_compiler(using=db)
        self.sql, params = compiler.as_sql()
        # The id's place among the query's parameters (the others are constants: the
        # unread count's ``on_site``).
        self.params = list(params)
        self.usable = self.params.count(self._PLACEHOLDER) == 1 and not compiler.has_extra_select
        self.position = self.params.index(self._PLACEHOLDER) if self.usable else None
        self.compiler = compiler
        klass_info, select = compiler.klass_info, compiler.select
        self.model = klass_info["model"]
        first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        self.fields = slice(first, last)
        self.init_list = [column[0].target.attname for column in select[first:last]]
        self.related_populators = get_related_populators(klass_info, select, db)
        self.annotations = list(compiler.annotation_col_map.items())
        # What results_iter() would work out for every row set (the database's converters).
        self.converters = compiler.get_converters([column[0] for column in select])

    def get(self, user_id):
        if not self.usable:  # a query shaped otherwise than expected: the ORM each time
            return _users_with_role_codes().filter(pk=user_id).first()
        connection = connections[self.db]
        value = self.pk.get_db_prep_value(self.pk.get_prep_value(user_id), connection)
        with server_bound_cursor(connection) as cursor:
            params = list(self.params)
            params[self.position] = value
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        for row in rows:
            user = self.model.from_db(self.db, self.init_list, row[self.fields])
            for populator in self.related_populators:
                populator.populate(row, user)
            for name, position in self.annotations:
                setattr(user, name, row[position])
            return user
        return None


@functools.cache
def _preparing_cursor_class():
    """Django's server-binding cursor (psycopg 3 only; None otherwise), which also keeps the
    query of a prepared run where Django's query log reads it (``_query``, the attribute
    ``last_executed_query`` reads): psycopg sets it when it sends a query's text, and a
    prepared run sends only the statement's name. ``_get_prepared`` is the step psycopg's
    own client-binding cursor overrides."""
    from django.db.backends.postgresql import base

    server_binding = getattr(base, "ServerBindingCursor", None)
    if server_binding is None:
        return None

    class PreparingCursor(server_binding):
        def _get_prepared(self, pgq, prepare=None):
            self._query = pgq
            return super()._get_prepared(pgq, prepare)

    return PreparingCursor


def server_bound_cursor(connection):
    """A cursor whose parameters PostgreSQL binds itself, so that psycopg prepares a query run
    often enough on the connection (``prepare_threshold`` in the database's ``OPTIONS``) and
    the database parses and plans it once a connection instead of once a request: the
    person's query, planned afresh, cost PostgreSQL four times its prepared run (decision
    0126). Django's own cursors bind on the client and are never prepared; this one is made
    the way ``connection.cursor()`` makes them (health check, time zone, Django's wrapper,
    so the query is counted and logged as any other). Elsewhere (SQLite, psycopg 2): the
    usual cursor."""
    factory = _preparing_cursor_class() if connection.vendor == "postgresql" else None
    if factory is None:
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    database = connection.connection
    usual, database.cursor_factory = database.cursor_factory, factory
    try:
        return connection.cursor()
    finally:
        database.cursor_factory = usual


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
