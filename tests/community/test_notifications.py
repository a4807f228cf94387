"""Notifications and e-mail (Celery, eager in tests): who is told, immediate e-mails with
one-click unsubscribe, daily and weekly digests, and privacy."""

import pytest
from django.core import mail

from community import services
from community.models import MemberProfile, Membership, Notification, Subscription
from community.tasks import notify_new_post, send_digests
from tests.accounts.factories import UserFactory
from tests.community.factories import CategoryFactory, member, trusted

pytestmark = pytest.mark.django_db


def wants(user, frequency):
    MemberProfile.objects.update_or_create(
        user=user, defaults={"email_frequency": frequency, "is_trusted": True}
    )
    return user


def test_watchers_repliers_and_mentioned_people_are_told_once_each(
    community, django_capture_on_commit_callbacks
):
    asker = trusted(UserFactory(username="asker"))
    with django_capture_on_commit_callbacks(execute=True):
        thread = services.thread_create(
            author=asker,
            community=community,
            title="Fire exits in dormitories",
            source="How many exits?",
        )
    replier = trusted(UserFactory(username="replier"))
    UserFactory(username="mentioned")
    with django_capture_on_commit_callbacks(execute=True):
        first = services.post_create(author=replier, thread=thread, source="Two at least.")
    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(
            author=trusted(UserFactory()),
            thread=thread,
            source="Agree with @replier, and @mentioned knows the law.",
            reply_to=first,
        )
    kinds = dict(Notification.objects.values_list("recipient__username", "kind"))
    assert kinds["mentioned"] == "mention"
    assert kinds["replier"] == "mention"  # the most specific reason wins, once
    assert Notification.objects.filter(recipient=asker).count() == 2
    assert not Notification.objects.filter(recipient__username="asker", kind="mention").exists()


def test_running_the_fan_out_twice_never_notifies_twice(community):
    watcher = UserFactory()
    thread = services.thread_create(
        author=trusted(UserFactory()),
        community=community,
        title="Wage slips in Khmer",
        source="Examples?",
    )
    Subscription.objects.create(user=watcher, thread=thread)
    post = services.post_create(author=trusted(UserFactory()), thread=thread, source="Here")
    notify_new_post(post.pk, [])
    notify_new_post(post.pk, [])
    assert Notification.objects.filter(recipient=watcher).count() == 1


def test_category_watchers_hear_of_new_threads(community, django_capture_on_commit_callbacks):
    category = CategoryFactory(community=community)
    watcher = UserFactory()
    Subscription.objects.create(user=watcher, category=category)
    with django_capture_on_commit_callbacks(execute=True):
        services.thread_create(
            author=trusted(UserFactory()),
            community=community,
            category=category,
            title="Chemical storage audit",
            source="Checklist inside",
        )
    assert Notification.objects.get(recipient=watcher).kind == "category"


def test_nobody_outside_a_private_community_hears_of_its_posts(
    private_community, django_capture_on_commit_callbacks
):
    insider = member(private_community)
    outsider = UserFactory(username="outsider")
    author = trusted(member(private_community))
    with django_capture_on_commit_callbacks(execute=True):
        services.thread_create(
            author=author,
            community=private_community,
            title="Assessor calibration",
            source="@outsider should not see this; @" + insider.username + " should.",
        )
    assert Notification.objects.filter(recipient=insider).exists()
    assert not Notification.objects.filter(recipient=outsider).exists()


def test_immediate_email_has_a_one_click_unsubscribe_and_is_sent_once(
    community, django_capture_on_commit_callbacks
):
    asker = wants(UserFactory(preferred_language="vi"), "immediate")
    with django_capture_on_commit_callbacks(execute=True):
        thread = services.thread_create(
            author=asker, community=community, title="Giờ làm thêm", source="Câu hỏi"
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(author=trusted(UserFactory()), thread=thread, source="Trả lời")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [asker.email]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/vi/community/unsubscribe/" in message.extra_headers["List-Unsubscribe"]
    assert "Trả lời" in message.body
    from community.tasks import send_immediate_emails

    send_immediate_emails(list(Notification.objects.values_list("pk", flat=True)))
    assert len(mail.outbox) == 1


def test_daily_digest_gathers_unread_notifications_once(
    community, django_capture_on_commit_callbacks
):
    reader = wants(UserFactory(), "daily")
    weekly = wants(UserFactory(), "weekly")
    never = wants(UserFactory(), "never")
    with django_capture_on_commit_callbacks(execute=True):
        thread = services.thread_create(
            author=wants(UserFactory(), "never"),
            community=community,
            title="Maternity leave rules",
            source="What applies?",
        )
    for person in (reader, weekly, never):
        Subscription.objects.create(user=person, thread=thread)
    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            services.post_create(
                author=wants(UserFactory(), "never"), thread=thread, source=f"Answer {n}"
            )
    assert mail.outbox == []
    assert send_digests("daily") == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [reader.email]
    assert mail.outbox[0].body.count("Maternity leave rules") == 3
    assert send_digests("daily") == 0
    assert send_digests("weekly") == 1
    assert mail.outbox[-1].to == [weekly.email]
    assert not [m for m in mail.outbox if never.email in m.to]


def test_the_digest_counts_and_dates_in_the_readers_digits(community):
    """A Bengali reader's digest: the count in its subject and each item's date in Bengali
    digits (lms.numerals, as the certification e-mails do)."""
    reader = wants(UserFactory(preferred_language="bn"), "daily")
    author = wants(UserFactory(), "never")
    thread = services.thread_create(
        author=author, community=community, title="Maternity leave rules", source="x"
    )
    for n in range(12):
        post = services.post_create(author=author, thread=thread, source=f"Answer {n}")
        Notification.objects.create(recipient=reader, kind="thread", thread=thread, post=post)
    assert send_digests("daily") == 1
    message = mail.outbox[-1]
    assert message.to == [reader.email]
    assert "১২" in message.subject
    assert not any(c.isascii() and c.isdigit() for c in message.subject), message.subject
    assert "২০" in message.body  # the year of each item's date
    html = message.alternatives[0][0]
    assert "২০" in html


def test_digest_leaves_out_what_the_person_can_no_longer_see(private_community):
    insider = wants(member(private_community), "daily")
    author = trusted(member(private_community))
    thread = services.thread_create(
        author=author, community=private_community, title="Private calibration", source="x"
    )
    post = services.post_create(author=author, thread=thread, source="y")
    Notification.objects.create(recipient=insider, kind="thread", thread=thread, post=post)
    Membership.objects.filter(user=insider).delete()
    assert send_digests("daily") == 0
    assert mail.outbox == []


def test_direct_messages_are_emailed_without_the_senders_address(
    django_capture_on_commit_callbacks,
):
    mentor = wants(UserFactory(), "daily")
    MemberProfile.objects.filter(user=mentor).update(listed_in_directory=True)
    sender = UserFactory(email="private.sender@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(sender=sender, recipient=mentor, subject="Mentoring", body="Hello")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "private.sender@example.org" not in message.body
    assert "private.sender@example.org" not in str(message.message())


def test_a_mail_server_failure_releases_the_notification_for_the_retry(community, monkeypatch):
    from smtplib import SMTPServerDisconnected

    from community import tasks

    reader = wants(UserFactory(), "immediate")
    thread = services.thread_create(
        author=trusted(UserFactory()),
        community=community,
        title="Night shift breaks",
        source="How long?",
    )
    post = services.post_create(author=trusted(UserFactory()), thread=thread, source="Reply")
    notification = Notification.objects.create(
        recipient=reader, kind="thread", thread=thread, post=post
    )

    def refuse(*args, **kwargs):
        raise SMTPServerDisconnected("try later")

    monkeypatch.setattr(tasks, "_send", refuse)
    with pytest.raises(SMTPServerDisconnected):
        tasks.send_immediate_emails.run([notification.pk])
    notification.refresh_from_db()
    assert notification.emailed_at is None
    monkeypatch.undo()
    assert tasks.send_immediate_emails.run([notification.pk]) == 1
    assert len(mail.outbox) == 1
