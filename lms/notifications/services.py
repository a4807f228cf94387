"""Writing notifications: create one (once per event), deliver it through its channels,
mark notices read, save a person's choices."""

import logging
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation

from lms.notifications import selectors
from lms.notifications.models import Channel, Delivery, Notification, Preference
from lms.notifications.registry import Message, kind_get, kinds
from lms.notifications.sms import SmsError, SmsTemporaryError, sms_backend

logger = logging.getLogger(__name__)

# Sending through a channel is tried this often before the delivery is marked failed.
MAX_ATTEMPTS = 5
SMS_MAX_LENGTH = 320
# A mail server or SMS provider that is down or refuses for a moment.
TEMPORARY_ERRORS = (OSError, SMTPException, SmsTemporaryError)


class DeliveryRetry(OSError):
    """Some deliveries failed for a moment; the task runs again for them. An OSError, like
    the mail server and network errors it stands for, so that tasks which retry on OSError
    retry on it."""


def site_url() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def absolute(link: str) -> str:
    if not link or link.startswith(("http://", "https://")):
        return link
    return site_url() + link


def _sms_text(message: Message) -> str:
    text = message.sms or " ".join(filter(None, [message.subject, absolute(message.link)]))
    return text[:SMS_MAX_LENGTH]


def notification_send(
    *,
    recipient,
    kind: str,
    key: str,
    params: dict | None = None,
    context: dict | None = None,
    deliver_now: bool = False,
    raise_on_retry: bool = False,
) -> Notification | None:
    """Tell ``recipient`` about one event, once: a second call with the same kind and key
    (a retried task, a duplicated signal) finds the first notification and sends nothing.

    The message is written once, in the recipient's language. Deliveries go out from a
    Celery task after the transaction commits; ``deliver_now`` sends them in this process
    (for callers that already are a Celery task); a temporary failure is then left to the
    sweep, or, with ``raise_on_retry`` for a caller that retries itself, the notification is
    forgotten (when nothing of it went out) and ``DeliveryRetry`` raised. None when the person
    chose no channel."""
    kind_obj = kind_get(kind)
    params = params or {}
    key = key[:200]
    if not recipient.is_active:
        return None
    channels = selectors.channels_for(user=recipient, kind=kind_obj)
    if not channels:
        return None
    existing = Notification.objects.filter(recipient=recipient, kind=kind, key=key).first()
    if existing is not None:
        if deliver_now:
            # The caller's retry: what is still pending is tried again (claimed, so once).
            _deliver_now(existing, raise_on_retry=raise_on_retry)
        return existing
    language = recipient.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        message = kind_obj.render(recipient=recipient, params=params, context=context or {})
        subject = " ".join(str(message.subject).split())[:300]
        body = str(message.body)
        html = str(message.html)
        sms_text = _sms_text(message)
    addresses = {Channel.EMAIL: recipient.email, Channel.SMS: getattr(recipient, "phone", "")}
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient,
                kind=kind,
                key=key,
                params=params,
                language=language,
                subject=subject,
                body=body,
                link=message.link[:500],
                html=html,
                email_headers=dict(message.headers),
                sms_text=sms_text,
                on_site=Channel.SITE in channels,
            )
            Delivery.objects.bulk_create(
                Delivery(notification=notification, channel=channel, address=addresses[channel])
                for channel in (Channel.EMAIL, Channel.SMS)
                if channel in channels
            )
    except IntegrityError:
        # Created by a concurrent call for the same event: that one delivers it.
        return Notification.objects.get(recipient=recipient, kind=kind, key=key)
    if notification.on_site:
        transaction.on_commit(
            lambda: selectors.unread_count_forget(user_id=recipient.pk, user=recipient)
        )
    if deliver_now:
        _deliver_now(notification, raise_on_retry=raise_on_retry)
    else:
        from lms.notifications.tasks import notification_deliver_task

        # robust: a broker that cannot take the task must not fail the request (the sweep
        # sends what stays pending).
        transaction.on_commit(lambda: notification_deliver_task.delay(notification.pk), robust=True)
    return notification


def _deliver_now(notification: Notification, *, raise_on_retry: bool) -> None:
    try:
        notification_deliver(notification_id=notification.pk)
    except DeliveryRetry:
        if raise_on_retry:
            # The caller retries the whole event itself: forget what was not sent, so that
            # the sweep does not send it as well.
            if not notification.deliveries.filter(status=Delivery.Status.SENT).exists():
                notification.delete()
            raise
        # Left pending: the sweep (tasks.notifications_deliver_pending) tries again.
        logger.info("Notification %s left for the sweep", notification.pk)


def _claim(delivery: Delivery) -> bool:
    return bool(
        Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.PENDING).update(
            status=Delivery.Status.SENDING, attempts=F("attempts") + 1, claimed_at=timezone.now()
        )
    )


def _send_email(notification: Notification, address: str) -> str:
    body = notification.body
    link = absolute(notification.link)
    if link and link not in body:
        body = f"{body.rstrip()}\n\n{link}\n"
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=body,
        to=[address],
        headers={"Auto-Submitted": "auto-generated", **notification.email_headers},
    )
    if notification.html:
        message.attach_alternative(notification.html, "text/html")
    message.send()
    return ""


def _send_sms(notification: Notification, address: str) -> str:
    return sms_backend().send(to=address, body=notification.sms_text or notification.subject)


SENDERS = {Channel.EMAIL: _send_email, Channel.SMS: _send_sms}


def notification_deliver(*, notification_id: int) -> dict[str, int]:
    """Send the pending deliveries of one notification. Each is claimed first (pending to
    sending, in one conditional update), so running this twice at once, or again after it
    succeeded, sends nothing more. A temporary failure puts the row back to pending and
    raises ``DeliveryRetry`` once the others are done; after ``MAX_ATTEMPTS`` it fails."""
    counts = {"sent": 0, "failed": 0, "retry": 0}
    deliveries = Delivery.objects.filter(
        notification_id=notification_id, status=Delivery.Status.PENDING
    ).select_related("notification")
    for delivery in deliveries:
        if not _claim(delivery):
            continue
        attempts = delivery.attempts + 1
        try:
            provider_id = SENDERS[delivery.channel](delivery.notification, delivery.address)
        except TEMPORARY_ERRORS as error:
            final = attempts >= MAX_ATTEMPTS
            Delivery.objects.filter(pk=delivery.pk).update(
                status=Delivery.Status.FAILED if final else Delivery.Status.PENDING,
                error=str(error)[:300],
            )
            counts["failed" if final else "retry"] += 1
            logger.warning("Delivery %s failed (attempt %s): %s", delivery.pk, attempts, error)
            continue
        except SmsError as error:
            Delivery.objects.filter(pk=delivery.pk).update(
                status=Delivery.Status.FAILED, error=str(error)[:300]
            )
            counts["failed"] += 1
            continue
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.SENT, sent_at=timezone.now(), provider_id=provider_id or ""
        )
        counts["sent"] += 1
    if counts["retry"]:
        raise DeliveryRetry(f"{counts['retry']} deliveries of notification {notification_id}")
    return counts


def notifications_mark_read(*, user, ids=None) -> int:
    notices = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        notices = notices.filter(pk__in=ids)
    count = notices.update(read_at=timezone.now())
    selectors.unread_count_forget(user_id=user.pk, user=user)
    return count


@transaction.atomic
def preferences_save(*, user, enabled: set[str]) -> None:
    """Store the person's choice for every choosable kind and channel: ``enabled`` holds
    ``"<kind>:<channel>"`` for the ones they want, every other one is off."""
    rows = [
        Preference(
            user=user,
            kind=kind.code,
            channel=channel,
            enabled=f"{kind.code}:{channel}" in enabled,
        )
        for kind in kinds()
        if kind.choosable
        for channel in Channel.values
    ]
    Preference.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["user", "kind", "channel"],
        update_fields=["enabled"],
    )
