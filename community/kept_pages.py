"""A thread's page rendered for a signed-in member, kept for their session and served again
until something it shows changes (docs/decisions/0304-thread-page-kept-per-session.md).

The page is kept by ``lms.learner_page_cache`` (decision 0608: per person and session,
CSRF secret, address, language, date, the content generation, the person's own version,
the site's unread notices), with two more parts to its key:

- **the rows the page loads first anyway** (``views._thread_for_reader``, one query): the
  thread, its community and category, and the reader's own state there (membership with
  its role and silence, whether they watch the thread, how far they read, their unread
  community notifications). Every value is in the key, so any write to them, by any means
  (``QuerySet.update`` included), is seen on the next request with nothing to invalidate;
- **two versions** replaced by the writes the first query cannot see: the thread's
  (``thread_key``: a post written, edited, hidden or shown, moved or deleted, a reaction,
  an attachment) and everyone's public names and roles (``PEOPLE_KEY``: the authors on the
  page). Model signals follow ``save`` and ``delete``; each ``QuerySet.update`` of posts
  calls ``thread_changed`` beside it.

A member silenced until a moment is kept no longer than that moment (they may reply then).
"""

from django.contrib.auth import get_user_model

from lms import learner_page_cache

THREAD_PREFIX = "community-pages:thread:"
# Any person's public name or roles: shown beside their posts in every thread.
PEOPLE_KEY = "community-pages:people"


def thread_key(thread_id) -> str:
    return f"{THREAD_PREFIX}{thread_id}"


def thread_changed(*thread_ids) -> None:
    """What these threads' pages show has changed (posts, reactions, attachments)."""
    learner_page_cache.versions_replaced(thread_key(pk) for pk in thread_ids if pk)


def people_changed() -> None:
    """A person's public name or roles changed (or were erased)."""
    learner_page_cache.versions_replaced([PEOPLE_KEY])


def _row(instance) -> tuple:
    if instance is None:
        return ()
    return tuple(getattr(instance, field.attname) for field in instance._meta.concrete_fields)


def cached_response(request, thread):
    """The page kept for this request of ``thread`` (loaded by ``_thread_for_reader``), or
    None: then the view renders it, marks it with ``mark_cacheable`` and passes it to
    ``learner_page_cache.keep``."""
    if not request.user.is_authenticated:
        return None
    reader_state = (
        thread.reader_position,
        thread.reader_watching,
        thread.reader_membership_id,
        thread.reader_membership_status,
        thread.reader_membership_role,
        thread.reader_silenced_until,
        thread.reader_unread,
    )
    values = [repr((_row(thread), _row(thread.community), _row(thread.category), reader_state))]
    return learner_page_cache.cached_response(
        request, state_keys=[thread_key(thread.pk), PEOPLE_KEY], values=values
    )


def mark_cacheable(request, thread, *, form_token) -> None:
    from django.utils import timezone

    silenced = thread.reader_silenced_until
    until = silenced if silenced and silenced > timezone.now() else None
    learner_page_cache.mark_cacheable(request, until=until, form_token=form_token)


# --- the writes the thread's first query does not see -------------------------------------


def _thread_of_post(post_id):
    from .models import Post

    return Post.objects.filter(pk=post_id).values_list("thread_id", flat=True).first()


def _on_post_written(sender, instance, **kwargs) -> None:
    thread_changed(instance.thread_id)


def _on_post_part_written(sender, instance, **kwargs) -> None:
    """A reaction or an attachment: its post's thread."""
    if not instance.post_id:
        return
    cached = instance._state.fields_cache.get("post")
    thread_changed(cached.thread_id if cached is not None else _thread_of_post(instance.post_id))


def _on_person_saved(sender, instance, update_fields=None, **kwargs) -> None:
    if update_fields and set(update_fields) <= {"last_login"}:
        return  # a sign-in shows on no thread
    people_changed()


def _on_roles_changed(sender, action, **kwargs) -> None:
    if action.startswith("post_") or action == "pre_clear":
        people_changed()


def connect() -> None:
    """Listen for the writes a kept thread page shows (called from the app's ready())."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from .models import Attachment, Post, Reaction

    post_save.connect(_on_post_written, sender=Post, dispatch_uid="community_pages.post_s")
    post_delete.connect(_on_post_written, sender=Post, dispatch_uid="community_pages.post_d")
    for model in (Reaction, Attachment):
        name = model._meta.model_name
        post_save.connect(
            _on_post_part_written, sender=model, dispatch_uid=f"community_pages.{name}_s"
        )
        post_delete.connect(
            _on_post_part_written, sender=model, dispatch_uid=f"community_pages.{name}_d"
        )
    user_model = get_user_model()
    post_save.connect(_on_person_saved, sender=user_model, dispatch_uid="community_pages.person")
    post_delete.connect(
        _on_person_saved, sender=user_model, dispatch_uid="community_pages.person_d"
    )
    m2m_changed.connect(
        _on_roles_changed, sender=user_model.roles.through, dispatch_uid="community_pages.roles"
    )
