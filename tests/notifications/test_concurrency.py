"""Many workers at once: one event still makes one notification, and one delivery is sent
once. Row-level conflicts only mean something on PostgreSQL (CI's PostgreSQL pass);
skipped on SQLite."""

import pytest
from django.core import mail
from django.db import connection

from lms.notifications.models import Delivery, Notification
from lms.notifications.services import notification_deliver
from tests.accounts.factories import UserFactory
from tests.concurrency import run_at_once
from tests.notifications.factories import notice

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def _at_once(work, times):
    _results, errors = run_at_once(lambda _n: work(), range(times))
    assert errors == []


def test_the_same_event_sent_by_eight_workers_at_once_is_told_once():
    person = UserFactory()
    _at_once(lambda: notice(person, 1, deliver_now=True), 8)
    assert Notification.objects.filter(recipient=person).count() == 1
    assert Delivery.objects.get().status == Delivery.Status.SENT
    assert len(mail.outbox) == 1


def test_one_notification_delivered_by_eight_workers_at_once_is_sent_once(monkeypatch):
    # The task the service queues is held back: eight workers deliver it at once instead.
    monkeypatch.setattr(
        "lms.notifications.tasks.notification_deliver_task.delay", lambda *args: None
    )
    person = UserFactory()
    notification = notice(person, 1)
    assert Delivery.objects.get().status == Delivery.Status.PENDING
    _at_once(lambda: notification_deliver(notification_id=notification.pk), 8)
    assert len(mail.outbox) == 1
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 1)
