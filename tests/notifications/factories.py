"""Notifications made through the service, as the rooms make them."""

from lms.notifications.services import notification_send
from tests.notifications.conftest import TEST_KIND


def notice(recipient, n, **kwargs):
    return notification_send(
        recipient=recipient, kind=TEST_KIND, key=f"event-{n}", params={"n": n}, **kwargs
    )
