"""A factory's responses to its publicly reported findings: written by the factory (text and
a photo of the fix, checked by the core's upload checker), approved or refused by the
country's staff, and only then shown on the public pages as the factory's own statement,
not verified. The factory is told of the decision by email (a Celery task that sends once).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from compliance import notifications, publication
from compliance.models import Assessment, FactoryResponse, Finding
from compliance.services import OFFICIAL_KINDS
from lms import page_cache
from lms.accounts.models import Role, User
from lms.uploads import UploadPolicy, check_upload

PHOTO_EXTENSIONS = ("jpg", "jpeg", "png", "webp")
TEXT_LIMIT = 2000


def photo_policy() -> UploadPolicy:
    return UploadPolicy(
        extensions=frozenset(PHOTO_EXTENSIONS), max_bytes=settings.COMPLIANCE_EVIDENCE_MAX_BYTES
    )


def respondable_findings(*, factory):
    """The factory's findings a response may answer: non-compliant, on a public issue of its
    country, in its latest published official assessment (a finding stays until the next
    assessment is published)."""
    rule = publication.rule_for(factory.organisation.country)
    if rule is None or factory.latest_published_id is None:
        return Finding.objects.none()
    return (
        Finding.objects.filter(
            publication.reported_questions_filter(rule, prefix="question__"),
            assessment_id=factory.latest_published_id,
            assessment__state=Assessment.State.PUBLISHED,
            assessment__kind__in=OFFICIAL_KINDS,
            is_non_compliant=True,
        )
        .select_related("question__compliance_point")
        .order_by("question__sort_order", "question_id")
    )


@transaction.atomic
def factory_response_submit(*, finding: Finding, text: str, photo=None, user) -> FactoryResponse:
    """Write (or rewrite) the factory's response to a finding. It waits for the country
    staff's approval; a rewritten approved response leaves the public pages until then."""
    factory = finding.assessment.factory
    if not respondable_findings(factory=factory).filter(pk=finding.pk).exists():
        raise ValidationError(
            _(
                "Only a non-compliance on a publicly reported issue of the latest published "
                "assessment can be answered."
            ),
            code="finding",
        )
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Say what the factory did.")}, code="text")
    if len(text) > TEXT_LIMIT:
        raise ValidationError(
            {
                "text": ValidationError(
                    _("The statement is limited to %(limit)s characters."),
                    code="text",
                    params={"limit": TEXT_LIMIT},
                )
            }
        )
    checked = check_upload(photo, policy=photo_policy()) if photo else None
    response = FactoryResponse.objects.select_for_update().filter(finding=finding).first()
    was_public = response is not None and response.state == FactoryResponse.State.APPROVED
    if response is None:
        response = FactoryResponse(finding=finding, factory=factory)
    response.text = text
    response.state = FactoryResponse.State.PENDING
    response.written_by = user
    response.written_at = timezone.now()
    response.reviewed_by = None
    response.reviewed_at = None
    response.refusal_reason = ""
    response.notified_state = ""
    if checked is not None:
        if response.photo:
            response.photo.delete(save=False)
        response.photo.save(checked.name, checked.file, save=False)
        response.photo_content_type = checked.content_type
    response.save()
    if was_public:
        page_cache.invalidate()
    return response


def _decide(response: FactoryResponse, *, user, state: str, reason: str = "") -> FactoryResponse:
    locked = FactoryResponse.objects.select_for_update().get(pk=response.pk)
    if locked.state != FactoryResponse.State.PENDING:
        raise ValidationError(
            _("This response was already decided: %(state)s."),
            code="decided",
            params={"state": locked.get_state_display().lower()},
        )
    response.state = state
    response.reviewed_by = user
    response.reviewed_at = timezone.now()
    response.refusal_reason = reason
    response.save(update_fields=["state", "reviewed_by", "reviewed_at", "refusal_reason"])
    page_cache.invalidate()
    from compliance.tasks import response_decision_notify

    transaction.on_commit(lambda: response_decision_notify.delay(response.pk))
    return response


@transaction.atomic
def factory_response_approve(*, response: FactoryResponse, user) -> FactoryResponse:
    """The country's staff let the statement show on the public pages."""
    return _decide(response, user=user, state=FactoryResponse.State.APPROVED)


@transaction.atomic
def factory_response_refuse(*, response: FactoryResponse, user, reason: str) -> FactoryResponse:
    """The country's staff keep the statement off the public pages, saying why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why, so the factory can correct it.")})
    return _decide(response, user=user, state=FactoryResponse.State.REFUSED, reason=reason)


def responses_to_review(*, user):
    """Responses awaiting approval that ``user`` may decide: global staff all, country staff
    their country's."""
    pending = FactoryResponse.objects.filter(state=FactoryResponse.State.PENDING).select_related(
        "factory__organisation", "finding__question", "finding__assessment"
    )
    if not user.is_authenticated:
        return pending.none()
    if user.is_global_admin:
        return pending
    if user.is_country_staff and user.country_id:
        return pending.filter(factory__organisation__country_id=user.country_id)
    return pending.none()


def _recipients(response: FactoryResponse) -> list[User]:
    factory = response.factory
    people = User.objects.filter(
        Q(organisation_id=factory.organisation_id, roles__code=Role.Code.MANAGER)
        | Q(committee_memberships__factory=factory, committee_memberships__left_on__isnull=True)
        | Q(pk=response.written_by_id),
        is_active=True,
    ).exclude(email="")
    return list(people.distinct())


def decision_notify(*, response_id: int) -> int:
    """Tell the factory's managers, committee members and the writer that the response was
    approved or refused, each in their language; once per decision (the row is claimed
    before the emails go, so a retried task sends nothing). Returns the emails sent."""
    response = FactoryResponse.objects.select_related(
        "factory__organisation", "finding__question"
    ).get(pk=response_id)
    if response.state == FactoryResponse.State.PENDING:
        return 0
    claimed = (
        FactoryResponse.objects.filter(pk=response.pk, state=response.state)
        .exclude(notified_state=response.state)
        .update(notified_state=response.state)
    )
    if not claimed:
        return 0
    link = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    sent = 0
    for person in _recipients(response):
        language = person.preferred_language or settings.LANGUAGE_CODE
        with translation.override(language):
            url = link + reverse("compliance:public_responses", args=[response.factory_id])
        notifications.notify(
            recipient=person,
            kind=notifications.RESPONSE_DECISION,
            key=f"response:{response.pk}:{response.state}:{response.reviewed_at}",
            template="compliance/public/email/decision",
            context={
                "response": response,
                "approved": response.state == FactoryResponse.State.APPROVED,
                "link": url,
            },
        )
        sent += 1
    return sent
