"""The erasure workflow: a person (or the retention task) asks, staff review, a worker runs."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.accounts.audit import audit_event
from lms.accounts.permissions import can_manage_person
from lms.privacy.models import ErasureRequest


def can_review_erasure(actor, erasure: ErasureRequest) -> bool:
    """Global staff review every request; country staff those of people within their reach
    (their country, no staff accounts, never their own)."""
    return erasure.person_id != getattr(actor, "pk", None) and can_manage_person(
        actor, erasure.person
    )


@transaction.atomic
def erasure_request_create(*, person, source=ErasureRequest.Source.PERSON) -> ErasureRequest:
    """Open a request (one open request per person: asking twice returns the first)."""
    existing = ErasureRequest.objects.filter(person=person, status__in=ErasureRequest.OPEN).first()
    if existing:
        return existing
    erasure = ErasureRequest.objects.create(person=person, country=person.country, source=source)
    audit_event(
        actor=person if source == ErasureRequest.Source.PERSON else None,
        subject=person,
        what="erasure requested",
        details={"erasure_request": erasure.pk, "source": source},
    )
    return erasure


@transaction.atomic
def erasure_request_cancel(*, person, erasure: ErasureRequest) -> None:
    if erasure.person_id != person.pk or erasure.status != ErasureRequest.Status.REQUESTED:
        raise PermissionDenied
    erasure.status = ErasureRequest.Status.CANCELLED
    erasure.save(update_fields=["status"])


@transaction.atomic
def erasure_review(*, actor, erasure: ErasureRequest, approve: bool, note: str = "") -> None:
    """Approve (a worker then erases the person) or reject a request waiting for review."""
    erasure = ErasureRequest.objects.select_for_update().select_related("person").get(pk=erasure.pk)
    if not can_review_erasure(actor, erasure):
        raise PermissionDenied
    if erasure.status != ErasureRequest.Status.REQUESTED:
        raise ValidationError(_("This request has already been reviewed."))
    if not approve and not note.strip():
        raise ValidationError({"review_note": _("Say why the request is rejected.")})
    erasure.status = ErasureRequest.Status.APPROVED if approve else ErasureRequest.Status.REJECTED
    erasure.reviewed_by = actor
    erasure.reviewed_at = timezone.now()
    erasure.review_note = note.strip()
    erasure.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    audit_event(
        actor=actor,
        subject=erasure.person,
        what="erasure approved" if approve else "erasure rejected",
        details={"erasure_request": erasure.pk},
    )
    if approve:
        from lms.privacy.tasks import erasure_run

        transaction.on_commit(lambda: erasure_run.delay(erasure.pk))
