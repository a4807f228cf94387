"""Compliance's e-mails go out through the core notification service (lms.notifications):
overdue improvement-plan actions, decisions on a factory's public responses, and sharing
with buyers. Each is written from its ``<template>_subject.txt`` and ``<template>_body.txt``
in the recipient's language, once per event (the key), and also shown as an on-site notice."""

from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from lms.notifications.models import Channel, Delivery
from lms.notifications.registry import Message, NotificationKind, register_kind
from lms.notifications.services import notification_send

OVERDUE_ACTIONS = "compliance.overdue_actions"
RESPONSE_DECISION = "compliance.response_decision"
SHARING = "compliance.sharing"


def render(*, recipient, params, context):
    context = {**context, "recipient": recipient}
    subject = render_to_string(f"{params['template']}_subject.txt", context)
    body = render_to_string(f"{params['template']}_body.txt", context)
    return Message(subject=" ".join(subject.split()), body=body, link=context.get("link", ""))


def register():
    for code, label in (
        (OVERDUE_ACTIONS, _("Improvement plans: actions overdue")),
        (RESPONSE_DECISION, _("Transparency: decisions on your factory's responses")),
        (SHARING, _("Sharing with buyers: reports, requests and access")),
    ):
        register_kind(NotificationKind(code, label, render))


def notify(*, recipient, kind, key, template, context, raise_on_retry=False) -> bool:
    """Tell ``recipient`` once per ``key`` (we are in a Celery task: delivered now); True
    when it went out by email."""
    notification = notification_send(
        recipient=recipient,
        kind=kind,
        key=key,
        params={"template": template},
        context=context,
        deliver_now=True,
        raise_on_retry=raise_on_retry,
    )
    if notification is None:
        return False
    return notification.deliveries.filter(
        channel=Channel.EMAIL, status=Delivery.Status.SENT
    ).exists()
