"""Text messages through a pluggable backend (``settings.LMS_SMS_BACKEND``): the console
backend writes them to standard output (the demo and development), ``LocmemBackend`` keeps
them in ``outbox`` (tests), ``TwilioBackend`` sends them with Twilio's maintained Python
client (decision 0012).

A backend's ``send(*, to, body)`` returns the provider's message id, raises
``SmsTemporaryError`` when sending again later may work (the provider is down, rate limits)
and ``SmsError`` when it will not (a number the provider refuses)."""

import sys
import uuid

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


class SmsError(Exception):
    pass


class SmsTemporaryError(SmsError):
    pass


class ConsoleBackend:
    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, *, to: str, body: str) -> str:
        message_id = f"console-{uuid.uuid4().hex[:12]}"
        self.stream.write(f"SMS to {to} ({message_id}):\n{body}\n{'-' * 40}\n")
        self.stream.flush()
        return message_id


# Messages the in-memory backend "sent", like django.core.mail.outbox.
outbox: list[dict] = []


class LocmemBackend:
    def send(self, *, to: str, body: str) -> str:
        message_id = f"locmem-{len(outbox) + 1}"
        outbox.append({"to": to, "body": body, "id": message_id})
        return message_id


class TwilioBackend:
    """Twilio's Programmable Messaging. Needs ``LMS_SMS_TWILIO_ACCOUNT_SID``,
    ``LMS_SMS_TWILIO_AUTH_TOKEN`` and a sender: ``LMS_SMS_TWILIO_FROM`` (a number) or
    ``LMS_SMS_TWILIO_MESSAGING_SERVICE_SID``."""

    def __init__(self, http_client=None):
        from twilio.rest import Client

        sid = settings.LMS_SMS_TWILIO_ACCOUNT_SID
        token = settings.LMS_SMS_TWILIO_AUTH_TOKEN
        self.sender = settings.LMS_SMS_TWILIO_FROM
        self.service = settings.LMS_SMS_TWILIO_MESSAGING_SERVICE_SID
        if not (sid and token and (self.sender or self.service)):
            raise ImproperlyConfigured(
                "The Twilio SMS backend needs LMS_SMS_TWILIO_ACCOUNT_SID, "
                "LMS_SMS_TWILIO_AUTH_TOKEN and LMS_SMS_TWILIO_FROM or "
                "LMS_SMS_TWILIO_MESSAGING_SERVICE_SID."
            )
        self.client = Client(sid, token, http_client=http_client)

    def send(self, *, to: str, body: str) -> str:
        from twilio.base.exceptions import TwilioException, TwilioRestException

        sender = {"messaging_service_sid": self.service} if self.service else {"from_": self.sender}
        try:
            message = self.client.messages.create(to=to, body=body, **sender)
        except TwilioRestException as error:
            reason = f"Twilio {error.status}: {error.msg}"[:300]
            if error.status == 429 or error.status >= 500:
                raise SmsTemporaryError(reason) from error
            raise SmsError(reason) from error
        except (TwilioException, OSError) as error:
            # No answer at all (the network, a timeout): worth another try.
            raise SmsTemporaryError(str(error)[:300]) from error
        return message.sid


def sms_backend():
    return import_string(settings.LMS_SMS_BACKEND)()
