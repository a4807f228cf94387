"""The unread count in the header: computed only when a page shows it, from the cache."""

from django.utils.functional import SimpleLazyObject


def notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count():
        from lms.notifications.selectors import unread_count

        return unread_count(user=user)

    return {"unread_notices": SimpleLazyObject(count)}
