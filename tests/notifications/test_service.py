"""The notification service: once per event, deliveries claimed once, languages, choices,
the SMS channel and its backends."""

import json
import logging

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from twilio.http import HttpClient
from twilio.http.response import Response

from lms.notifications import services, sms
from lms.notifications.models import Channel, Delivery, Notification, Preference
from lms.notifications.services import DeliveryRetry, notification_deliver
from tests.accounts.factories import UserFactory
from tests.notifications.conftest import TEST_KIND
from tests.notifications.factories import notice

pytestmark = pytest.mark.django_db


def test_one_event_is_told_once_however_often_it_is_sent(django_capture_on_commit_callbacks):
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = notice(person, 1)
        second = notice(person, 1)
    assert first == second
    assert Notification.objects.filter(recipient=person).count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [person.email]
    assert "http://testserver/en/my/" in mail.outbox[0].body
    assert Delivery.objects.get().status == Delivery.Status.SENT


def test_a_retried_or_duplicated_delivery_task_never_sends_twice():
    person = UserFactory()
    notification = notice(person, 1)
    assert notification_deliver(notification_id=notification.pk) == {
        "sent": 1,
        "failed": 0,
        "retry": 0,
    }
    # The task delivered again (a retry after a lost acknowledgement, a duplicate message).
    assert notification_deliver(notification_id=notification.pk)["sent"] == 0
    assert len(mail.outbox) == 1


def test_a_delivery_another_worker_claimed_is_left_to_it():
    person = UserFactory()
    notification = notice(person, 1)
    delivery = Delivery.objects.get(notification=notification)
    assert services._claim(delivery)
    assert not services._claim(delivery)
    assert notification_deliver(notification_id=notification.pk)["sent"] == 0
    assert mail.outbox == []


def test_a_mail_server_down_for_a_moment_is_tried_again_then_given_up(monkeypatch):
    person = UserFactory()
    notification = notice(person, 1)
    calls = []

    def refuse(self, *args, **kwargs):
        calls.append(1)
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    with pytest.raises(DeliveryRetry):
        notification_deliver(notification_id=notification.pk)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.PENDING, 1)
    for _ in range(services.MAX_ATTEMPTS - 2):
        with pytest.raises(DeliveryRetry):
            notification_deliver(notification_id=notification.pk)
    assert notification_deliver(notification_id=notification.pk)["failed"] == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert "mail server down" in delivery.error
    assert len(calls) == services.MAX_ATTEMPTS
    assert notification_deliver(notification_id=notification.pk)["failed"] == 0


def test_after_a_failure_the_next_try_sends_it(monkeypatch):
    person = UserFactory()
    notification = notice(person, 1)
    original = __import__("django.core.mail", fromlist=["x"]).EmailMultiAlternatives.send
    monkeypatch.setattr(
        "django.core.mail.EmailMultiAlternatives.send",
        lambda self, *a, **k: (_ for _ in ()).throw(OSError("timeout")),
    )
    with pytest.raises(DeliveryRetry):
        notification_deliver(notification_id=notification.pk)
    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", original)
    assert notification_deliver(notification_id=notification.pk)["sent"] == 1
    assert len(mail.outbox) == 1
    assert Delivery.objects.get().attempts == 2


@pytest.mark.parametrize(("language", "word"), [("vi", "Lưu"), ("ar", "حفظ"), ("en", "Save")])
def test_the_message_is_written_in_the_recipients_language(language, word):
    person = UserFactory(preferred_language=language)
    notification = notice(person, 7, deliver_now=True)
    assert notification.language == language
    assert notification.subject == f"{word} 7"
    assert mail.outbox[0].subject == f"{word} 7"
    assert word in mail.outbox[0].body


def test_two_people_get_the_same_event_each_in_their_own_language():
    vi, ar = UserFactory(preferred_language="vi"), UserFactory(preferred_language="ar")
    notice(vi, 1, deliver_now=True)
    notice(ar, 1, deliver_now=True)
    assert {m.to[0]: m.subject for m in mail.outbox} == {
        vi.email: "Lưu 1",
        ar.email: "حفظ 1",
    }


def test_a_person_who_turned_email_off_gets_the_notice_on_the_site_only():
    person = UserFactory()
    Preference.objects.create(user=person, kind=TEST_KIND, channel=Channel.EMAIL, enabled=False)
    notification = notice(person, 1, deliver_now=True)
    assert notification.on_site
    assert mail.outbox == []
    assert not Delivery.objects.exists()


def test_a_person_who_turned_everything_off_is_not_told():
    person = UserFactory()
    for channel in Channel.values:
        Preference.objects.create(user=person, kind=TEST_KIND, channel=channel, enabled=False)
    assert notice(person, 1, deliver_now=True) is None
    assert not Notification.objects.exists()


def test_a_worker_without_email_gets_a_text_message_by_default():
    worker = UserFactory(email="", phone="+84901234567")
    notification = notice(worker, 3, deliver_now=True)
    assert notification.on_site
    assert sms.outbox == [
        {"to": "+84901234567", "body": "Save 3 http://testserver/en/my/", "id": "locmem-1"}
    ]
    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.status, delivery.provider_id) == (
        Channel.SMS,
        Delivery.Status.SENT,
        "locmem-1",
    )


def test_a_person_with_email_may_choose_text_messages_too():
    person = UserFactory(phone="+962791234567")
    Preference.objects.create(user=person, kind=TEST_KIND, channel=Channel.SMS, enabled=True)
    notice(person, 1, deliver_now=True)
    assert len(mail.outbox) == 1
    assert [m["to"] for m in sms.outbox] == ["+962791234567"]


def test_no_text_message_without_a_phone_number_whatever_the_choice():
    person = UserFactory(email="")
    Preference.objects.create(user=person, kind=TEST_KIND, channel=Channel.SMS, enabled=True)
    notification = notice(person, 1, deliver_now=True)
    assert notification.on_site
    assert sms.outbox == []
    assert not Delivery.objects.exists()


def test_an_inactive_account_is_not_told():
    person = UserFactory(is_active=False)
    assert notice(person, 1, deliver_now=True) is None


def test_preferences_save_turns_off_every_channel_not_ticked():
    person = UserFactory()
    services.preferences_save(user=person, enabled={f"{TEST_KIND}:sms"})
    services.preferences_save(user=person, enabled={f"{TEST_KIND}:sms", f"{TEST_KIND}:site"})
    choices = dict(
        Preference.objects.filter(user=person, kind=TEST_KIND).values_list("channel", "enabled")
    )
    assert choices == {"site": True, "email": False, "sms": True}


# --- SMS backends ----------------------------------------------------------------------------


def test_the_sms_backend_is_chosen_by_setting(settings):
    settings.LMS_SMS_BACKEND = "lms.notifications.sms.ConsoleBackend"
    assert isinstance(sms.sms_backend(), sms.ConsoleBackend)
    settings.LMS_SMS_BACKEND = "lms.notifications.sms.LocmemBackend"
    assert isinstance(sms.sms_backend(), sms.LocmemBackend)


def test_the_console_backend_writes_the_message_out(settings, capsys):
    settings.LMS_SMS_BACKEND = "lms.notifications.sms.ConsoleBackend"
    worker = UserFactory(email="", phone="+84901234567")
    notice(worker, 5, deliver_now=True)
    out = capsys.readouterr().out
    assert "SMS to +84901234567" in out
    assert "Save 5 http://testserver/en/my/" in out
    assert Delivery.objects.get().provider_id.startswith("console-")


class FakeTwilioHttp(HttpClient):
    """Twilio's HTTP layer, answering as its API does, without the network."""

    def __init__(self, status=201, body=None):
        super().__init__(logger=logging.getLogger("tests.twilio"), is_async=False)
        self.status, self.body = status, body
        self.requests = []

    def request(self, method, url, params=None, data=None, headers=None, auth=None, **kwargs):
        self.requests.append({"method": method, "url": url, "data": data, "auth": auth})
        body = self.body or {"sid": "SM0123456789abcdef0123456789abcdef", "status": "queued"}
        return Response(self.status, json.dumps(body))


@pytest.fixture
def twilio_settings(settings):
    settings.LMS_SMS_BACKEND = "lms.notifications.sms.TwilioBackend"
    settings.LMS_SMS_TWILIO_ACCOUNT_SID = "AC" + "1" * 32
    settings.LMS_SMS_TWILIO_AUTH_TOKEN = "token-for-tests"
    settings.LMS_SMS_TWILIO_FROM = "+15005550006"
    settings.LMS_SMS_TWILIO_MESSAGING_SERVICE_SID = ""
    return settings


def test_the_twilio_backend_posts_the_message_to_twilio(twilio_settings):
    http = FakeTwilioHttp()
    message_id = sms.TwilioBackend(http_client=http).send(to="+84901234567", body="Xin chào")
    assert message_id == "SM0123456789abcdef0123456789abcdef"
    (request,) = http.requests
    assert request["method"] == "POST"
    assert request["url"].endswith(f"/Accounts/{'AC' + '1' * 32}/Messages.json")
    assert request["data"] == {"To": "+84901234567", "Body": "Xin chào", "From": "+15005550006"}
    assert request["auth"] == ("AC" + "1" * 32, "token-for-tests")


def test_the_twilio_backend_may_send_through_a_messaging_service(twilio_settings):
    twilio_settings.LMS_SMS_TWILIO_MESSAGING_SERVICE_SID = "MG" + "2" * 32
    http = FakeTwilioHttp()
    sms.TwilioBackend(http_client=http).send(to="+84901234567", body="Hi")
    assert http.requests[0]["data"]["MessagingServiceSid"] == "MG" + "2" * 32
    assert "From" not in http.requests[0]["data"]


@pytest.mark.parametrize(
    ("status", "error"), [(500, sms.SmsTemporaryError), (429, sms.SmsTemporaryError)]
)
def test_twilio_down_or_busy_is_a_temporary_error(twilio_settings, status, error):
    http = FakeTwilioHttp(status, {"code": 20500, "message": "Internal error", "status": status})
    with pytest.raises(error):
        sms.TwilioBackend(http_client=http).send(to="+84901234567", body="Hi")


def test_a_number_twilio_refuses_fails_for_good(twilio_settings, monkeypatch):
    http = FakeTwilioHttp(400, {"code": 21211, "message": "Invalid 'To' number", "status": 400})
    monkeypatch.setattr("lms.notifications.sms.TwilioBackend.__init__.__defaults__", (http,))
    worker = UserFactory(email="", phone="+84901234567")
    notification = notice(worker, 1, deliver_now=True)
    delivery = Delivery.objects.get(notification=notification)
    assert delivery.status == Delivery.Status.FAILED
    assert "Twilio 400: Unable to create record: Invalid 'To' number" in delivery.error


def test_the_twilio_backend_refuses_to_start_without_its_account(settings):
    settings.LMS_SMS_TWILIO_ACCOUNT_SID = ""
    with pytest.raises(ImproperlyConfigured):
        sms.TwilioBackend(http_client=FakeTwilioHttp())


def test_a_worker_is_sent_a_text_message_through_twilio(twilio_settings, monkeypatch):
    http = FakeTwilioHttp()
    monkeypatch.setattr("lms.notifications.sms.TwilioBackend.__init__.__defaults__", (http,))
    worker = UserFactory(email="", phone="+84901234567", preferred_language="vi")
    notice(worker, 2, deliver_now=True)
    assert http.requests[0]["data"]["Body"] == "Lưu 2 http://testserver/en/my/"
    assert Delivery.objects.get().provider_id == "SM0123456789abcdef0123456789abcdef"
