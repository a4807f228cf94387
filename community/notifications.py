"""Community's e-mails go out through the core notification service (lms.notifications) as
two kinds: activity (a post or a message, sent straight away to people who want that) and
digests. Who gets what, and how often, stays the community's own setting (immediately, daily,
weekly, never, with one-click unsubscribe links), so these kinds are not on the service's
choices page; the community's notices keep their own page, grouped by thread."""

from django.utils.translation import gettext_lazy as _

from lms.notifications.models import Channel
from lms.notifications.registry import Message, NotificationKind, register_kind
from lms.notifications.services import notification_send

ACTIVITY = "community.activity"
DIGEST = "community.digest"


def render(*, recipient, params, context):
    return Message(
        subject=context["subject"],
        body=context["text"],
        html=context["html"],
        headers=context["headers"],
    )


def register():
    for code, label in (
        (ACTIVITY, _("Community: replies, mentions, watched threads and messages")),
        (DIGEST, _("Community: daily or weekly digest")),
    ):
        register_kind(
            NotificationKind(
                code, label, render, channels=frozenset({Channel.EMAIL}), choosable=False
            )
        )


def message_send(*, recipient, kind, key, subject, text, html, headers):
    """Email one community message now (we are in a Celery task). A mail server down for a
    moment raises ``DeliveryRetry`` and leaves nothing behind, so the task's retry sends it
    once."""
    return notification_send(
        recipient=recipient,
        kind=kind,
        key=key,
        context={"subject": subject, "text": text, "html": html, "headers": headers},
        deliver_now=True,
        raise_on_retry=True,
    )
