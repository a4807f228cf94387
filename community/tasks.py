"""Notifications and e-mail, run by Celery: fan-out of a new post to the people it concerns,
immediate e-mails, and the daily and weekly digests (scheduled by beat)."""

import datetime as dt
from collections import defaultdict
from html import unescape
from smtplib import SMTPException

from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _

from lms.celery import shared_task
from lms.notifications.services import DeliveryRetry
from lms.numerals import local_number

from . import permissions
from .models import MemberProfile, Notification, Post, Subscription
from .notifications import ACTIVITY, DIGEST


def site_url() -> str:
    return getattr(settings, "COMMUNITY_SITE_URL", settings.WAGTAILADMIN_BASE_URL).rstrip("/")


@shared_task(ignore_result=True)
def notify_new_post(post_id: int, mentioned_usernames: list[str]) -> int:
    """Create one notification per person the post concerns, most specific reason first:
    a mention, a reply to their post, a thread they watch, a category they watch (new
    threads only). Nobody who cannot see the community is told. Safe to run twice."""
    from django.contrib.auth import get_user_model

    post = (
        Post.objects.select_related("thread", "community", "reply_to")
        .filter(pk=post_id, is_hidden=False, thread__is_hidden=False)
        .first()
    )
    if post is None:
        return 0
    user_model = get_user_model()
    reasons: dict[int, str] = {}
    for user_id in (
        Subscription.objects.filter(
            Q(thread=post.thread)
            | (Q(category_id=post.thread.category_id) if post.number == 1 else Q(pk__in=[]))
        )
        .order_by("thread_id")
        .values_list("user_id", "thread_id")
    ):
        uid, thread_id = user_id
        reasons[uid] = (
            Notification.Kind.WATCHED_THREAD if thread_id else Notification.Kind.WATCHED_CATEGORY
        )
    if post.reply_to_id:
        reasons[post.reply_to.author_id] = Notification.Kind.REPLY
    for uid in user_model.objects.filter(username__in=mentioned_usernames).values_list(
        "pk", flat=True
    ):
        reasons[uid] = Notification.Kind.MENTION
    reasons.pop(post.author_id, None)
    if not reasons:
        return 0
    recipients = user_model.objects.filter(pk__in=reasons, is_active=True)
    if post.community.is_private:
        recipients = [u for u in recipients if permissions.can_view(u, post.community)]
    notifications = [
        Notification(
            recipient=user,
            kind=reasons[user.pk],
            actor_id=post.author_id,
            thread=post.thread,
            post=post,
        )
        for user in recipients
    ]
    Notification.objects.bulk_create(notifications, ignore_conflicts=True)
    immediate = list(
        Notification.objects.filter(
            post=post,
            emailed_at__isnull=True,
            recipient__community_profile__email_frequency=MemberProfile.EmailFrequency.IMMEDIATE,
        ).values_list("pk", flat=True)
    )
    if immediate:
        send_immediate_emails.delay(immediate)
    return len(notifications)


def _unsubscribe_urls(user, thread=None):
    from .services import unsubscribe_token

    with override(user.preferred_language or settings.LANGUAGE_CODE):
        url = site_url() + reverse(
            "community:unsubscribe", kwargs={"token": unsubscribe_token(user=user, thread=thread)}
        )
        everything = site_url() + reverse(
            "community:unsubscribe", kwargs={"token": unsubscribe_token(user=user)}
        )
    return url, everything


def _send(user, subject, context, template, unsubscribe_url, *, kind, key):
    """Through the core notification service (lms.notifications): once per ``key``."""
    from community.notifications import message_send

    context = {
        **context,
        "user": user,
        "site_url": site_url(),
        "unsubscribe_url": unsubscribe_url,
        "LANGUAGE_CODE": get_language(),
    }
    message_send(
        recipient=user,
        kind=kind,
        key=key,
        subject=subject,
        text=render_to_string(f"community/email/{template}.txt", context),
        html=render_to_string(f"community/email/{template}.html", context),
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def _pending(ids=None):
    pending = Notification.objects.filter(emailed_at__isnull=True, read_at__isnull=True)
    if ids is not None:
        pending = pending.filter(pk__in=ids)
    return pending.select_related(
        "recipient", "actor", "thread", "thread__community", "post", "message"
    ).order_by("created_at")


# A mail server that is down or refuses for a moment: the notification is released and the
# task retried later, with back-off.
MAIL_ERRORS = (OSError, SMTPException, DeliveryRetry)


def _send_or_release(user, notification_ids, *args, **kwargs):
    try:
        _send(user, *args, **kwargs)
    except MAIL_ERRORS:
        Notification.objects.filter(pk__in=notification_ids).update(emailed_at=None)
        raise


@shared_task(ignore_result=True, autoretry_for=MAIL_ERRORS, retry_backoff=60, max_retries=6)
def send_immediate_emails(notification_ids: list[int]) -> int:
    """E-mail each notification to people who want them straight away. A notification is
    marked as e-mailed in the same step, so a retried task never sends it twice."""
    sent = 0
    for notification in _pending(notification_ids):
        user = notification.recipient
        frequency = (
            MemberProfile.objects.filter(user=user)
            .values_list("email_frequency", flat=True)
            .first()
        )
        claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed or not user.email:
            continue
        is_message = notification.kind == Notification.Kind.MESSAGE
        if frequency == MemberProfile.EmailFrequency.NEVER or (
            frequency != MemberProfile.EmailFrequency.IMMEDIATE and not is_message
        ):
            # Kept for the digest.
            Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
            continue
        if notification.thread and not permissions.can_view(user, notification.thread.community):
            continue
        with override(user.preferred_language or settings.LANGUAGE_CODE):
            thread_url, everything_url = _unsubscribe_urls(user, notification.thread)
            subject = _email_subject(notification)
            _send_or_release(
                user,
                [notification.pk],
                subject,
                {"notification": notification, "link": site_url() + _link(notification)},
                "notification",
                thread_url if notification.thread else everything_url,
                kind=ACTIVITY,
                key=f"notification:{notification.pk}",
            )
        sent += 1
    return sent


def _link(notification) -> str:
    if notification.message_id:
        return reverse("community:message", kwargs={"pk": notification.message_id})
    if notification.post_id:
        return reverse("community:post", kwargs={"pk": notification.post_id})
    if notification.thread_id:
        return reverse(
            "community:thread",
            kwargs={"slug": notification.thread.community.slug, "pk": notification.thread_id},
        )
    return reverse("community:notifications")


def _email_subject(notification) -> str:
    text = render_to_string(
        "community/includes/notification_text.html", {"notification": notification}
    )
    return " ".join(unescape(text).split())[:200]


@shared_task(ignore_result=True, autoretry_for=MAIL_ERRORS, retry_backoff=300, max_retries=4)
def send_digests(frequency: str) -> int:
    """One e-mail per person who chose this rhythm, listing what they have not yet read."""
    if frequency not in (MemberProfile.EmailFrequency.DAILY, MemberProfile.EmailFrequency.WEEKLY):
        return 0
    period = dt.timedelta(days=1 if frequency == MemberProfile.EmailFrequency.DAILY else 7)
    now = timezone.now()
    chose = Q(recipient__community_profile__email_frequency=frequency)
    if frequency == MemberProfile.EmailFrequency.DAILY:
        # Daily is the default for people who never opened their settings.
        chose |= Q(recipient__community_profile__isnull=True)
    pending = _pending().filter(chose, created_at__gte=now - 2 * period)
    by_user = defaultdict(list)
    for notification in pending:
        by_user[notification.recipient].append(notification)
    sent = 0
    for user, notifications in by_user.items():
        ids = [n.pk for n in notifications]
        Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).update(emailed_at=now)
        # Only what this run claimed: a digest running at the same time sends the rest.
        claimed = set(
            Notification.objects.filter(pk__in=ids, emailed_at=now).values_list("pk", flat=True)
        )
        visible = [
            n
            for n in notifications
            if n.pk in claimed and (not n.thread or permissions.can_view(user, n.thread.community))
        ]
        if not user.email or not visible:
            continue
        with override(user.preferred_language or settings.LANGUAGE_CODE):
            _thread_url, everything_url = _unsubscribe_urls(user)
            items = [{"notification": n, "link": site_url() + _link(n)} for n in visible]
            subject = _("Community digest: %(count)s new for you") % {
                "count": local_number(len(visible))
            }
            _send_or_release(
                user,
                [n.pk for n in visible],
                subject,
                {"items": items},
                "digest",
                everything_url,
                kind=DIGEST,
                key=f"digest:{frequency}:{now.isoformat()}",
            )
        MemberProfile.objects.filter(user=user).update(last_digest_at=now)
        sent += 1
    return sent
