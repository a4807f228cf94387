import pytest
from django.utils.translation import gettext

from lms.notifications import sms
from lms.notifications.registry import Message, NotificationKind, register_kind

TEST_KIND = "tests.greeting"


def render_greeting(*, recipient, params, context):
    # "Save" is translated in every catalogue: the words show which language was active.
    return Message(
        subject=f"{gettext('Save')} {params.get('n', '')}".strip(),
        body=f"{gettext('Save')} — {recipient.username}",
        link="/en/my/",
    )


@pytest.fixture(autouse=True)
def greeting_kind():
    return register_kind(NotificationKind(TEST_KIND, "Greeting", render_greeting))


@pytest.fixture(autouse=True)
def _sms_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()
