"""The audit trail: who changed, viewed or exported whose personal data, and when.

Changes to people and organisations are recorded by django-auditlog as they are saved (the
models are registered in ``AccountsConfig.ready``); the request's user is the actor through
:class:`AuditActorMiddleware`. Views and services that *show* or *export* someone's personal
data call :func:`audit_access`; services that change a person outside a request say who
acts with :func:`acting_as`. Nothing in the project updates or deletes entries: the admin
view is read-only and open to global staff only (decision 0008).
"""

from contextlib import contextmanager

from auditlog.context import auditlog_value, set_actor
from auditlog.middleware import AuditlogMiddleware
from auditlog.models import LogEntry
from django.conf import settings


class AuditActorMiddleware(AuditlogMiddleware):
    """Auditlog's middleware, reading the visitor's address from the same header as the rate
    limits (``RATELIMIT_IP_META_KEY``) instead of trusting any ``X-Forwarded-For``."""

    @staticmethod
    def _get_remote_addr(request):
        key = getattr(settings, "RATELIMIT_IP_META_KEY", "REMOTE_ADDR") or "REMOTE_ADDR"
        value = request.META.get(key) or request.META.get("REMOTE_ADDR") or ""
        return value.split(",")[0].strip() or None

    @staticmethod
    def _get_remote_port(request):
        return None


@contextmanager
def acting_as(actor):
    """Record changes made inside the block as made by ``actor``. Inside a request made by
    the same person this changes nothing; the surrounding context is restored afterwards
    (auditlog's own ``set_actor`` leaves its context behind)."""
    try:
        current = auditlog_value.get()
    except LookupError:
        current = None
    if current is not None and current.get("actor") == actor:
        yield
        return
    try:
        with set_actor(actor):
            yield
    finally:
        if current is not None:
            auditlog_value.set(current)


def audit_access(*, actor, subject, what: str, details: dict | None = None) -> LogEntry:
    """Record that ``actor`` viewed or exported ``subject``'s personal data.

    ``what`` says which data or page, e.g. ``"learner export"``; ``details`` may add ids
    (never the data itself)."""
    return LogEntry.objects.log_create(
        subject,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_email=getattr(actor, "email", None) or None,
        changes=None,
        additional_data={"what": what, **(details or {})},
    )


def audit_event(*, actor, subject, what: str, details: dict | None = None) -> LogEntry:
    """Record a change that saving a model does not show, e.g. a password reset (whose
    value is never stored) or a notice sent."""
    return LogEntry.objects.log_create(
        subject,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_email=getattr(actor, "email", None) or None,
        changes={"event": [None, what]},
        additional_data={"what": what, **(details or {})},
    )


def audit_entries_for(subject):
    """The trail of one object, newest first."""
    return LogEntry.objects.get_for_object(subject).select_related("actor")
