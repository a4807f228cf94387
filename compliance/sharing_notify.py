"""Emails about sharing (issue 17, part 5), each in its recipient's language, sent by Celery
tasks (compliance.tasks). A ``SharingNotice`` row is made for each person and claimed before
the email goes: a retried or doubled task never sends the same notice twice, and a mail
server that refuses releases the claim so that the retry sends it."""

from smtplib import SMTPException

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from compliance import notifications
from compliance.models import (
    AccessGrant,
    AccessRequest,
    Assessment,
    CommitteeMember,
    Factory,
    SharingNotice,
    SharingScope,
)
from compliance.services import OFFICIAL_KINDS
from compliance.sharing import buyer_users
from lms.accounts.models import Organisation, Role, User

MAIL_ERRORS = (OSError, SMTPException)


def _absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def factory_managers(factory: Factory):
    return User.objects.filter(
        organisation_id=factory.organisation_id, roles__code=Role.Code.MANAGER, is_active=True
    ).distinct()


def _claim(kind: str, person, about: str) -> SharingNotice | None:
    """The notice for this person, claimed by this run; ``None`` when it was sent already
    (or another run is sending it)."""
    try:
        with transaction.atomic():
            notice, _created = SharingNotice.objects.get_or_create(
                kind=kind, recipient=person, about=about
            )
    except IntegrityError:
        notice = SharingNotice.objects.get(kind=kind, recipient=person, about=about)
    claimed = SharingNotice.objects.filter(pk=notice.pk, sent_at__isnull=True).update(
        sent_at=timezone.now()
    )
    return notice if claimed else None


def _send(kind: str, people, about: str, template: str, context_for) -> int:
    sent = 0
    for person in people:
        if not person.email:
            continue
        notice = _claim(kind, person, about)
        if notice is None:
            continue
        with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
            context = context_for(person)
        try:
            notifications.notify(
                recipient=person,
                kind=notifications.SHARING,
                key=f"{kind}:{about}",
                template=f"compliance/sharing/email/{template}",
                context=context,
                raise_on_retry=True,
            )
        except MAIL_ERRORS:
            SharingNotice.objects.filter(pk=notice.pk).update(sent_at=None)
            raise
        sent += 1
    return sent


def _link(name: str, *args, language: str) -> str:
    with translation.override(language):
        return _absolute(reverse(name, args=args))


def assessment_published(*, assessment_id: int) -> int:
    """The factory is told its assessment is published (managers and committee members with
    an account); for an independent assessment, buyers the factory shares its reports with
    are told a new report is shared."""
    assessment = (
        Assessment.objects.select_related("factory__organisation")
        .filter(pk=assessment_id, state=Assessment.State.PUBLISHED)
        .first()
    )
    if assessment is None:
        return 0
    factory = assessment.factory
    about = f"assessment:{assessment.pk}"
    people = set(factory_managers(factory))
    people |= {
        member.user
        for member in CommitteeMember.objects.filter(
            factory=factory, left_on__isnull=True, user__is_active=True
        ).select_related("user")
    }
    sent = _send(
        SharingNotice.Kind.ASSESSMENT_PUBLISHED,
        sorted(people, key=lambda p: p.pk),
        about,
        "published",
        lambda person: {
            "factory": factory,
            "assessment": assessment,
            "link": _link("compliance:report", assessment.pk, language=person.preferred_language),
        },
    )
    if assessment.kind not in OFFICIAL_KINDS:
        return sent
    buyer_ids = AccessGrant.objects.filter(
        factory=factory, scope=SharingScope.REPORTS, withdrawn_at__isnull=True
    ).values_list("buyer_id", flat=True)
    for buyer_id in buyer_ids:
        sent += _send(
            SharingNotice.Kind.REPORT_SHARED,
            buyer_users(buyer_id).order_by("pk"),
            about,
            "shared",
            lambda person: {
                "factory": factory,
                "assessment": assessment,
                "link": _link(
                    "compliance:buyer_report", assessment.pk, language=person.preferred_language
                ),
            },
        )
    return sent


def access_asked(*, request_id: int) -> int:
    """The factory's managers are told a buyer asks for access."""
    access_request = (
        AccessRequest.objects.select_related("factory__organisation", "buyer")
        .filter(pk=request_id)
        .first()
    )
    if access_request is None or access_request.state != AccessRequest.State.PENDING:
        return 0
    factory = access_request.factory
    return _send(
        SharingNotice.Kind.ACCESS_ASKED,
        factory_managers(factory).order_by("pk"),
        f"request:{access_request.pk}",
        "asked",
        lambda person: {
            "factory": factory,
            "access_request": access_request,
            "link": _link("compliance:sharing", factory.pk, language=person.preferred_language),
        },
    )


def sharing_granted(*, factory_id: int, buyer_id: int, scopes: list[str], stamp: str) -> int:
    """The buyer's users are told what a supplier now shares (if it still does)."""
    factory = Factory.objects.select_related("organisation").filter(pk=factory_id).first()
    buyer = Organisation.objects.filter(pk=buyer_id).first()
    if factory is None or buyer is None:
        return 0
    still = set(
        AccessGrant.objects.filter(
            factory=factory, buyer=buyer, scope__in=scopes, withdrawn_at__isnull=True
        ).values_list("scope", flat=True)
    )
    if not still:
        return 0
    labels = dict(SharingScope.choices)
    return _send(
        SharingNotice.Kind.ACCESS_GRANTED,
        buyer_users(buyer.pk).order_by("pk"),
        f"grant:{factory.pk}:{stamp}",
        "granted",
        lambda person: {
            "factory": factory,
            "scopes": [labels[s] for s in SharingScope.values if s in still],
            "link": _link(
                "compliance:buyer_supplier", factory.pk, language=person.preferred_language
            ),
        },
    )
