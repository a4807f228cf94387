"""Everything that changes the community: joining, writing, reacting, accepting answers,
subscribing, moderating and messaging. Views call these; these check permissions again,
validate, write inside a transaction and leave notifications to Celery."""

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from lms.sanitizer import strip_bidi_controls
from lms.uploads import CheckedUpload

from . import kept_pages, markup, permissions
from .models import (
    Attachment,
    Category,
    Community,
    DirectMessage,
    Flag,
    MemberProfile,
    Membership,
    ModerationAction,
    Notification,
    Post,
    PostRevision,
    Reaction,
    ReadPosition,
    Subscription,
    Thread,
)

User = get_user_model()
UNSUBSCRIBE_SALT = "community.unsubscribe"


def _setting(name, default):
    return getattr(settings, name, default)


# --- profiles and trust ------------------------------------------------------------------


def profile_for(*, user) -> MemberProfile:
    profile, _created = MemberProfile.objects.get_or_create(user=user)
    return profile


def member_is_trusted(*, user) -> bool:
    """New accounts are limited until trusted: by a moderator, by a trainer, advisor or staff
    role, or by time and visible posts."""
    if user.has_role("trainer", "enterprise_advisor", "assessor", "country_staff", "global_admin"):
        return True
    if MemberProfile.objects.filter(user=user, is_trusted=True).exists():
        return True
    old_enough = user.date_joined <= timezone.now() - dt.timedelta(
        days=_setting("COMMUNITY_TRUST_AFTER_DAYS", 2)
    )
    return old_enough and Post.objects.filter(author=user, is_hidden=False).count() >= _setting(
        "COMMUNITY_TRUST_AFTER_POSTS", 3
    )


def _check_rate_and_links(*, user, rendered: markup.Rendered, attachments, community) -> None:
    if permissions.can_moderate(user, community):
        return  # moderators and staff close, summarise and tidy up in bursts
    trusted = member_is_trusted(user=user)
    window = dt.timedelta(minutes=_setting("COMMUNITY_RATE_WINDOW_MINUTES", 10))
    limit = _setting(
        "COMMUNITY_TRUSTED_POSTS_PER_WINDOW" if trusted else "COMMUNITY_NEW_POSTS_PER_WINDOW",
        20 if trusted else 3,
    )
    recent = Post.objects.filter(author=user, created_at__gte=timezone.now() - window).count()
    if recent >= limit:
        raise ValidationError(
            _(
                "You have posted %(count)s times in the last %(minutes)s minutes. Please wait a "
                "little before posting again."
            ),
            params={"count": recent, "minutes": int(window.total_seconds() // 60)},
            code="rate",
        )
    if not trusted:
        max_links = _setting("COMMUNITY_NEW_MEMBER_MAX_LINKS", 2)
        if rendered.link_count - len(rendered.mentions) > max_links:
            raise ValidationError(
                _("New members may include at most %(limit)s links in a post."),
                params={"limit": max_links},
                code="links",
            )
        if attachments:
            raise ValidationError(
                _("New members cannot attach files yet. Take part a little first."),
                code="attachments",
            )


def _clean_source(source: str) -> str:
    """What was typed, minus NUL and other control characters (PostgreSQL refuses NUL)
    and direction overrides."""
    return strip_bidi_controls(source)


def _render(source: str) -> markup.Rendered:
    max_length = _setting("COMMUNITY_POST_MAX_LENGTH", 20000)
    if len(source) > max_length:
        raise ValidationError(
            _("A post may be at most %(limit)s characters long (this one has %(count)s)."),
            params={"limit": max_length, "count": len(source)},
            code="too_long",
        )
    rendered = markup.render(
        source,
        mention_url=lambda name: reverse("community:person_by_username", kwargs={"username": name}),
        known_usernames=lambda names: User.objects.filter(
            username__in=names, is_active=True
        ).values_list("username", flat=True),
    )
    if not rendered.text and "<img" not in rendered.html:
        raise ValidationError(_("Write something first."), code="empty")
    return rendered


# --- membership ----------------------------------------------------------------------------


def _audit(*, community, moderator, action, reason="", **targets) -> ModerationAction:
    return ModerationAction.objects.create(
        community=community, moderator=moderator, action=action, reason=reason[:300], **targets
    )


@transaction.atomic
def community_join(*, user, community: Community) -> Membership:
    """Join an open community, or ask to join one that needs approval."""
    if not user.is_authenticated:
        raise PermissionDenied
    existing = Membership.objects.filter(user=user, community=community).first()
    if existing:
        return existing
    if not permissions.can_view(user, community):
        raise PermissionDenied
    if community.join_policy == Community.JoinPolicy.INVITE and not permissions.is_staff_for(
        user, community
    ):
        raise PermissionDenied(_("Only moderators can add people to this community."))
    status = (
        Membership.Status.PENDING
        if community.join_policy == Community.JoinPolicy.APPROVAL
        and not permissions.is_staff_for(user, community)
        else Membership.Status.ACTIVE
    )
    membership = Membership.objects.create(user=user, community=community, status=status)
    _forget_membership_cache(user)
    return membership


def community_leave(*, user, community: Community) -> None:
    Membership.objects.filter(user=user, community=community).delete()
    Subscription.objects.filter(user=user, thread__community=community).delete()
    Subscription.objects.filter(user=user, category__community=community).delete()
    _forget_membership_cache(user)


def _forget_membership_cache(user):
    if hasattr(user, "_community_memberships"):
        del user._community_memberships


@transaction.atomic
def membership_grant(
    *, community: Community, user, role: str = Membership.Role.MEMBER, by=None
) -> Membership:
    """Add ``user`` to ``community`` (or change their role). For moderators and staff, and for
    other rooms' reactions: e.g. a certificate issued may grant the certified-trainers
    community. ``by`` is the moderator, recorded in the audit log; None for the system."""
    if by is not None and not permissions.can_moderate(by, community):
        raise PermissionDenied
    membership, created = Membership.objects.get_or_create(
        community=community, user=user, defaults={"role": role}
    )
    changed = created
    if membership.grant_source:
        # Granted outright now: no longer withdrawn with the automatic reason.
        membership.grant_source = ""
        membership.save(update_fields=["grant_source"])
    if membership.status != Membership.Status.ACTIVE or membership.role != role:
        was_pending = membership.status == Membership.Status.PENDING
        membership.status = Membership.Status.ACTIVE
        membership.role = role
        membership.save(update_fields=["status", "role"])
        changed = True
        if by is not None and was_pending:
            _audit(
                community=community,
                moderator=by,
                action=ModerationAction.Action.APPROVE_MEMBER,
                target_user=user,
            )
            by = None
    if by is not None and changed:
        _audit(
            community=community,
            moderator=by,
            action=ModerationAction.Action.ADD_MEMBER,
            target_user=user,
            details={"role": role},
        )
    _forget_membership_cache(user)
    return membership


def _removed_by_moderator(*, community: Community, user) -> bool:
    """Whether a moderator's latest decision about this person was to remove them."""
    last = (
        ModerationAction.objects.filter(
            community=community,
            target_user=user,
            action__in=[
                ModerationAction.Action.REMOVE_MEMBER,
                ModerationAction.Action.ADD_MEMBER,
                ModerationAction.Action.APPROVE_MEMBER,
            ],
        )
        .values_list("action", flat=True)
        .first()
    )
    return last == ModerationAction.Action.REMOVE_MEMBER


@transaction.atomic
def membership_grant_automatic(*, community: Community, user, source: str) -> Membership | None:
    """Add ``user`` to ``community`` for a reason another room keeps (``source``, e.g.
    "certificate"), so that :func:`membership_withdraw_automatic` can later take back what
    this added and nothing else. Idempotent. A membership the person already has (joined,
    or added by a moderator) stays as it is; a request to join is approved. Never
    overrides a moderator who removed the person: returns None then."""
    membership = (
        Membership.objects.select_for_update().filter(community=community, user=user).first()
    )
    if membership is None:
        if _removed_by_moderator(community=community, user=user):
            return None
        try:
            with transaction.atomic():
                membership = Membership.objects.create(
                    community=community, user=user, grant_source=source
                )
        except IntegrityError:  # granted at the same moment by another worker
            membership = Membership.objects.get(community=community, user=user)
    elif membership.status == Membership.Status.PENDING:
        membership.status = Membership.Status.ACTIVE
        membership.grant_source = source
        membership.save(update_fields=["status", "grant_source"])
    _forget_membership_cache(user)
    return membership


@transaction.atomic
def membership_withdraw_automatic(*, community: Community, user, source: str) -> bool:
    """Take back a membership :func:`membership_grant_automatic` made for ``source``
    (the reason lapsed). A membership the person has for another reason, or as a
    moderator, stays. Returns whether one was withdrawn."""
    deleted, _rows = (
        Membership.objects.filter(community=community, user=user, grant_source=source)
        .exclude(role=Membership.Role.MODERATOR)
        .delete()
    )
    if deleted:
        Subscription.objects.filter(user=user, thread__community=community).delete()
        Subscription.objects.filter(user=user, category__community=community).delete()
        _forget_membership_cache(user)
    return bool(deleted)


@transaction.atomic
def membership_remove(*, community: Community, user, by, reason: str = "") -> None:
    if not permissions.can_moderate(by, community):
        raise PermissionDenied
    deleted, _rows = Membership.objects.filter(community=community, user=user).delete()
    if deleted:
        _audit(
            community=community,
            moderator=by,
            action=ModerationAction.Action.REMOVE_MEMBER,
            target_user=user,
            reason=reason,
        )


@transaction.atomic
def member_silence(
    *, community: Community, user, by, until: dt.datetime | None, reason: str = ""
) -> Membership:
    """Silence a member until ``until`` (None lifts the silence). They may still read."""
    if not permissions.can_moderate(by, community):
        raise PermissionDenied
    if until is not None and permissions.can_moderate(user, community):
        raise ValidationError(_("Moderators cannot be silenced."), code="moderator")
    membership, _created = Membership.objects.get_or_create(community=community, user=user)
    membership.silenced_until = until
    membership.save(update_fields=["silenced_until"])
    _audit(
        community=community,
        moderator=by,
        action=ModerationAction.Action.SILENCE if until else ModerationAction.Action.UNSILENCE,
        target_user=user,
        reason=reason,
        details={"until": until.isoformat()} if until else {},
    )
    _forget_membership_cache(user)
    return membership


@transaction.atomic
def member_trust(*, community: Community, user, by) -> MemberProfile:
    if not permissions.can_moderate(by, community):
        raise PermissionDenied
    profile = profile_for(user=user)
    profile.is_trusted = True
    profile.save(update_fields=["is_trusted"])
    _audit(
        community=community, moderator=by, action=ModerationAction.Action.TRUST, target_user=user
    )
    return profile


# --- threads and posts ---------------------------------------------------------------------


def _save_attachments(*, post: Post, uploads: list[CheckedUpload], user) -> None:
    limit = _setting("COMMUNITY_ATTACHMENTS_PER_POST", 5)
    if len(uploads) > limit:
        raise ValidationError(
            _("At most %(limit)s files per post."), params={"limit": limit}, code="too_many"
        )
    for upload in uploads:
        attachment = Attachment(
            post=post,
            token=secrets.token_hex(8),
            name=upload.name,
            content_type=upload.content_type,
            size=upload.size,
            is_image=upload.is_image,
            uploaded_by=user,
        )
        attachment.file.save(upload.name, upload.file, save=False)
        attachment.save()


def _subscribe(user, thread):
    Subscription.objects.get_or_create(user=user, thread=thread)


def _existing_for_retry(author, client_id):
    if client_id:
        return Post.objects.filter(author=author, client_id=client_id).first()
    return None


@transaction.atomic
def thread_create(
    *,
    author,
    community: Community,
    title: str,
    source: str,
    category: Category | None = None,
    is_question: bool = False,
    attachments: list[CheckedUpload] = (),
    client_id: str = "",
) -> Thread:
    """Start a thread with its first post. A retried submission (same ``client_id``) returns
    the thread it made the first time."""
    retried = _existing_for_retry(author, client_id)
    if retried:
        return retried.thread
    if not permissions.can_post(author, community):
        raise PermissionDenied(_("You cannot post in this community."))
    if category is not None and category.community_id != community.pk:
        raise ValidationError(_("That category belongs to another community."), code="category")
    title = " ".join(strip_bidi_controls(title).split())
    if len(title) < 5:
        raise ValidationError(_("Give the thread a title of at least 5 characters."), code="title")
    source = _clean_source(source)
    rendered = _render(source)
    _check_rate_and_links(
        user=author, rendered=rendered, attachments=attachments, community=community
    )
    now = timezone.now()
    thread = Thread(
        community=community,
        category=category,
        title=title[:200],
        author=author,
        is_question=is_question,
        created_at=now,
        last_post_at=now,
        post_count=1,
    )
    thread.full_clean()
    thread.save()
    post = Post(
        thread=thread,
        community=community,
        number=1,
        author=author,
        source=source,
        html=rendered.html,
        text=rendered.text,
        created_at=now,
        client_id=client_id[:64],
    )
    post.full_clean(exclude=["html", "text"])
    post.save()
    _save_attachments(post=post, uploads=list(attachments), user=author)
    _ensure_member(author, community)
    _subscribe(author, thread)
    ReadPosition.objects.update_or_create(
        user=author, thread=thread, defaults={"last_read_number": 1}
    )
    _notify_later(post, rendered.mentions)
    return thread


def _ensure_member(user, community):
    if not Membership.objects.filter(user=user, community=community).exists():
        Membership.objects.create(user=user, community=community)
        _forget_membership_cache(user)


def _notify_later(post, mentions):
    from .tasks import notify_new_post

    transaction.on_commit(lambda: notify_new_post.delay(post.pk, list(mentions)))


@transaction.atomic
def post_create(
    *,
    author,
    thread: Thread,
    source: str,
    reply_to: Post | None = None,
    attachments: list[CheckedUpload] = (),
    client_id: str = "",
) -> Post:
    """Reply in a thread. A retried submission (same ``client_id``) returns the first post."""
    retried = _existing_for_retry(author, client_id)
    if retried:
        return retried
    # Lock the thread row: numbers stay gapless and unique under concurrent replies.
    thread = Thread.objects.select_for_update().select_related("community").get(pk=thread.pk)
    community = thread.community
    if not permissions.can_post(author, community) or (
        thread.is_hidden and not permissions.can_moderate(author, community)
    ):
        raise PermissionDenied(_("You cannot post in this community."))
    if thread.is_locked and not permissions.can_moderate(author, community):
        raise ValidationError(_("This thread is locked: no new replies."), code="locked")
    if reply_to is not None and reply_to.thread_id != thread.pk:
        raise ValidationError(_("You can only reply to a post in this thread."), code="reply_to")
    source = _clean_source(source)
    rendered = _render(source)
    _check_rate_and_links(
        user=author, rendered=rendered, attachments=attachments, community=community
    )
    now = timezone.now()
    number = (thread.posts.aggregate(m=Max("number"))["m"] or 0) + 1
    post = Post(
        thread=thread,
        community=community,
        number=number,
        author=author,
        reply_to=reply_to,
        source=source,
        html=rendered.html,
        text=rendered.text,
        created_at=now,
        client_id=client_id[:64],
    )
    post.full_clean(exclude=["html", "text", "reply_to"])
    post.save()
    _save_attachments(post=post, uploads=list(attachments), user=author)
    updates = {"post_count": F("post_count") + 1, "last_post_at": now}
    if thread.first_answer_at is None and author.pk != thread.author_id:
        updates["first_answer_at"] = now
    Thread.objects.filter(pk=thread.pk).update(**updates)
    _ensure_member(author, community)
    _subscribe(author, thread)
    ReadPosition.objects.update_or_create(
        user=author, thread=thread, defaults={"last_read_number": number}
    )
    _notify_later(post, rendered.mentions)
    return post


def can_edit_post(user, post: Post) -> bool:
    if not user.is_authenticated:
        return False
    if permissions.can_moderate(user, post.community):
        return True
    return (
        post.author_id == user.pk
        and not post.is_hidden
        and not post.thread.is_locked
        and permissions.can_post(user, post.community)
    )


@transaction.atomic
def post_edit(*, editor, post: Post, source: str, title: str | None = None) -> Post:
    """Change a post, keeping what it said before as a revision."""
    post = Post.objects.select_for_update().select_related("thread", "community").get(pk=post.pk)
    if not can_edit_post(editor, post):
        raise PermissionDenied
    source = _clean_source(source)
    rendered = _render(source)
    if editor.pk == post.author_id:
        max_links = _setting("COMMUNITY_NEW_MEMBER_MAX_LINKS", 2)
        if (
            not member_is_trusted(user=editor)
            and rendered.link_count - len(rendered.mentions) > max_links
        ):
            raise ValidationError(
                _("New members may include at most %(limit)s links in a post."),
                params={"limit": max_links},
                code="links",
            )
    if source == post.source and (title is None or title == post.thread.title):
        return post
    PostRevision.objects.create(post=post, source=post.source, html=post.html, edited_by=editor)
    post.source = source
    post.html = rendered.html
    post.text = rendered.text
    post.edited_at = timezone.now()
    post.save(update_fields=["source", "html", "text", "edited_at"])
    if title is not None and post.is_first:
        title = " ".join(strip_bidi_controls(title).split())
        if len(title) < 5:
            raise ValidationError(
                _("Give the thread a title of at least 5 characters."), code="title"
            )
        Thread.objects.filter(pk=post.thread_id).update(title=title[:200])
    if editor.pk != post.author_id:
        _audit(
            community=post.community,
            moderator=editor,
            action=ModerationAction.Action.EDIT_POST,
            post=post,
            thread=post.thread,
            target_user=post.author,
        )
    return post


@transaction.atomic
def reaction_toggle(*, user, post: Post, kind: str) -> bool:
    """Add the reaction, or take it back if it is there. Returns whether it is there now."""
    if kind not in Reaction.Kind.values:
        raise ValidationError(_("Unknown reaction."), code="kind")
    if not user.is_authenticated or not permissions.can_view(user, post.community):
        raise PermissionDenied
    if post.author_id == user.pk:
        raise ValidationError(_("You cannot react to your own post."), code="own")
    deleted, _rows = Reaction.objects.filter(post=post, user=user, kind=kind).delete()
    if deleted:
        return False
    try:
        with transaction.atomic():
            Reaction.objects.create(post=post, user=user, kind=kind)
    except IntegrityError:
        pass
    return True


def can_accept_answer(user, thread: Thread) -> bool:
    return (
        user.is_authenticated
        and thread.is_question
        and (user.pk == thread.author_id or permissions.can_moderate(user, thread.community))
    )


@transaction.atomic
def answer_accept(*, user, post: Post) -> Thread:
    """Mark ``post`` as the accepted answer of its question (accepting it again takes the
    mark away)."""
    thread = Thread.objects.select_for_update().select_related("community").get(pk=post.thread_id)
    if not can_accept_answer(user, thread):
        raise PermissionDenied
    if post.is_first or post.is_hidden:
        raise ValidationError(_("Only a visible reply can be the answer."), code="answer")
    if thread.accepted_post_id == post.pk:
        thread.accepted_post = None
    else:
        thread.accepted_post = post
        if post.author_id != user.pk:
            Notification.objects.get_or_create(
                recipient_id=post.author_id,
                post=None,
                thread=thread,
                kind=Notification.Kind.ACCEPTED,
                actor=user,
            )
    thread.save(update_fields=["accepted_post"])
    return thread


_UNREAD = object()


def read_position_update(*, user, thread: Thread, number: int, seen=_UNREAD) -> None:
    """Remember the furthest post a person has seen; never move backwards.

    ``seen`` is what the caller already read of the position (``None``: no position yet), so
    a page view writes one row at most instead of reading it again.
    """
    if not user.is_authenticated:
        return
    if seen is None:
        # First visit: insert, and let a concurrent first visit's row stand.
        ReadPosition.objects.bulk_create(
            [ReadPosition(user=user, thread=thread, last_read_number=number)],
            ignore_conflicts=True,
        )
        return
    if seen is not _UNREAD and seen >= number:
        return
    updated = ReadPosition.objects.filter(
        user=user, thread=thread, last_read_number__lt=number
    ).update(last_read_number=number)
    if not updated:
        try:
            with transaction.atomic():
                ReadPosition.objects.get_or_create(
                    user=user, thread=thread, defaults={"last_read_number": number}
                )
        except IntegrityError:
            pass


# --- subscriptions and notifications -------------------------------------------------------


def subscription_set(*, user, watching: bool, thread=None, category=None) -> None:
    community = thread.community if thread else category.community
    if not permissions.can_view(user, community) or not user.is_authenticated:
        raise PermissionDenied
    target = {"thread": thread} if thread else {"category": category}
    if watching:
        Subscription.objects.get_or_create(user=user, **target)
    else:
        Subscription.objects.filter(user=user, **target).delete()


def notifications_mark_read(*, user, ids=None) -> int:
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


def unsubscribe_token(*, user, thread: Thread | None = None) -> str:
    return signing.dumps(
        {"u": user.pk, "t": thread.pk if thread else None}, salt=UNSUBSCRIBE_SALT, compress=True
    )


def unsubscribe(*, token: str) -> tuple[object, Thread | None]:
    """Act on a one-click unsubscribe link: stop e-mails about one thread, or all e-mails.
    Raises ValidationError when the link is not one of ours."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        user = User.objects.get(pk=data["u"])
    except (signing.BadSignature, User.DoesNotExist, KeyError, TypeError) as error:
        raise ValidationError(_("This unsubscribe link is not valid."), code="bad") from error
    thread = None
    if data.get("t"):
        thread = Thread.objects.filter(pk=data["t"]).first()
        Subscription.objects.filter(user=user, thread_id=data["t"]).delete()
    else:
        profile = profile_for(user=user)
        profile.email_frequency = MemberProfile.EmailFrequency.NEVER
        profile.save(update_fields=["email_frequency"])
    return user, thread


def profile_update(*, user, **fields) -> MemberProfile:
    profile = profile_for(user=user)
    expertise = fields.pop("expertise", None)
    for name, value in fields.items():
        setattr(profile, name, value)
    if "bio" in fields:
        profile.bio = strip_bidi_controls(profile.bio)
    profile.full_clean()
    profile.save()
    if expertise is not None:
        profile.expertise.set(expertise)
    return profile


# --- flags and moderation ------------------------------------------------------------------


@transaction.atomic
def flag_create(*, reporter, post: Post, reason: str, note: str = "") -> Flag:
    """Report a post to the moderators. Reporting again changes the reason, never counts
    twice. A post that several trusted members flag is hidden until a moderator looks."""
    if not reporter.is_authenticated or not permissions.can_view(reporter, post.community):
        raise PermissionDenied
    if post.author_id == reporter.pk:
        raise ValidationError(_("You cannot report your own post."), code="own")
    flag, _created = Flag.objects.update_or_create(
        post=post,
        reporter=reporter,
        defaults={
            "reason": reason,
            "note": strip_bidi_controls(note)[:500],
            "status": Flag.Status.OPEN,
        },
    )
    flag.full_clean()
    threshold = _setting("COMMUNITY_FLAGS_TO_HIDE", 3)
    if (
        not post.is_hidden
        and Flag.objects.filter(post=post, status=Flag.Status.OPEN).count() >= threshold
    ):
        Post.objects.filter(pk=post.pk).update(
            is_hidden=True, hidden_reason=_("Hidden after several reports, awaiting review.")
        )
        kept_pages.thread_changed(post.thread_id)
    return flag


def _check_moderator(user, community):
    if not permissions.can_moderate(user, community):
        raise PermissionDenied


@transaction.atomic
def post_hide(*, moderator, post: Post, reason: str = "") -> Post:
    """Hide a post (and uphold the open flags on it)."""
    _check_moderator(moderator, post.community)
    Post.objects.filter(pk=post.pk).update(is_hidden=True, hidden_reason=reason[:200])
    kept_pages.thread_changed(post.thread_id)
    post.is_hidden, post.hidden_reason = True, reason[:200]
    Flag.objects.filter(post=post, status=Flag.Status.OPEN).update(
        status=Flag.Status.UPHELD, resolved_at=timezone.now(), resolved_by=moderator
    )
    thread = post.thread
    if thread.accepted_post_id == post.pk:
        Thread.objects.filter(pk=thread.pk).update(accepted_post=None)
    _recount_first_answer(thread)
    _audit(
        community=post.community,
        moderator=moderator,
        action=ModerationAction.Action.HIDE_POST,
        post=post,
        thread=thread,
        target_user=post.author,
        reason=reason,
    )
    if post.author_id != moderator.pk:
        Notification.objects.create(
            recipient_id=post.author_id,
            kind=Notification.Kind.MODERATION,
            thread=thread,
            actor=None,
        )
    return post


@transaction.atomic
def post_show(*, moderator, post: Post) -> Post:
    _check_moderator(moderator, post.community)
    Post.objects.filter(pk=post.pk).update(is_hidden=False, hidden_reason="")
    kept_pages.thread_changed(post.thread_id)
    post.is_hidden = False
    Flag.objects.filter(post=post, status=Flag.Status.OPEN).update(
        status=Flag.Status.DISMISSED, resolved_at=timezone.now(), resolved_by=moderator
    )
    _recount_first_answer(post.thread)
    _audit(
        community=post.community,
        moderator=moderator,
        action=ModerationAction.Action.SHOW_POST,
        post=post,
        thread=post.thread,
        target_user=post.author,
    )
    return post


def _recount_first_answer(thread: Thread) -> None:
    first = (
        Post.objects.filter(thread=thread, is_hidden=False)
        .exclude(author_id=thread.author_id)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    Thread.objects.filter(pk=thread.pk).update(first_answer_at=first)


@transaction.atomic
def flag_dismiss(*, moderator, flag: Flag) -> Flag:
    _check_moderator(moderator, flag.post.community)
    Flag.objects.filter(post=flag.post, status=Flag.Status.OPEN).update(
        status=Flag.Status.DISMISSED, resolved_at=timezone.now(), resolved_by=moderator
    )
    # Dismissing means the post is fine: undo a hide that the reports alone caused.
    Post.objects.filter(pk=flag.post_id).update(is_hidden=False, hidden_reason="")
    kept_pages.thread_changed(flag.post.thread_id)
    _recount_first_answer(flag.post.thread)
    _audit(
        community=flag.post.community,
        moderator=moderator,
        action=ModerationAction.Action.DISMISS_FLAG,
        post=flag.post,
        thread=flag.post.thread,
        target_user=flag.post.author,
    )
    flag.refresh_from_db()
    return flag


THREAD_SWITCHES = {
    "lock": ("is_locked", True, ModerationAction.Action.LOCK),
    "unlock": ("is_locked", False, ModerationAction.Action.UNLOCK),
    "pin": ("is_pinned", True, ModerationAction.Action.PIN),
    "unpin": ("is_pinned", False, ModerationAction.Action.UNPIN),
    "hide": ("is_hidden", True, ModerationAction.Action.HIDE_THREAD),
    "show": ("is_hidden", False, ModerationAction.Action.SHOW_THREAD),
}


@transaction.atomic
def thread_moderate(*, moderator, thread: Thread, action: str, reason: str = "") -> Thread:
    """Lock, unlock, pin, unpin, hide or show a thread."""
    if action not in THREAD_SWITCHES:
        raise ValidationError(_("Unknown action."), code="action")
    _check_moderator(moderator, thread.community)
    field, value, logged = THREAD_SWITCHES[action]
    setattr(thread, field, value)
    thread.save(update_fields=[field])
    _audit(
        community=thread.community,
        moderator=moderator,
        action=logged,
        thread=thread,
        target_user=thread.author,
        reason=reason,
    )
    return thread


@transaction.atomic
def thread_move(
    *, moderator, thread: Thread, community: Community, category: Category | None = None
) -> Thread:
    """Move a thread to another category, or another community the moderator moderates."""
    source = thread.community
    _check_moderator(moderator, source)
    _check_moderator(moderator, community)
    if category is not None and category.community_id != community.pk:
        raise ValidationError(_("That category belongs to another community."), code="category")
    details = {
        "from_community": source.pk,
        "from_category": thread.category_id,
        "to_community": community.pk,
        "to_category": category.pk if category else None,
    }
    thread.community = community
    thread.category = category
    thread.save(update_fields=["community", "category"])
    Post.objects.filter(thread=thread).update(community=community)
    kept_pages.thread_changed(thread.pk)
    if community.pk != source.pk:
        # Watchers who cannot see the new community stop receiving its posts.
        for subscription in Subscription.objects.filter(thread=thread).select_related("user"):
            if not permissions.can_view(subscription.user, community):
                subscription.delete()
    for target in {source, community}:
        _audit(
            community=target,
            moderator=moderator,
            action=ModerationAction.Action.MOVE,
            thread=thread,
            target_user=thread.author,
            details=details,
        )
    return thread


# --- messages between people ---------------------------------------------------------------


@transaction.atomic
def message_send(*, sender, recipient, subject: str, body: str) -> DirectMessage:
    """Write to someone through the site; they get a notification (and an e-mail, as they
    chose) but neither sees the other's e-mail address."""
    if not sender.is_authenticated or sender.pk == recipient.pk:
        raise PermissionDenied
    if not (
        MemberProfile.objects.filter(user=recipient, listed_in_directory=True).exists()
        or DirectMessage.objects.filter(sender=recipient, recipient=sender).exists()
    ):
        raise PermissionDenied(_("This person does not accept messages."))
    per_day = _setting(
        "COMMUNITY_MESSAGES_PER_DAY", 10 if not member_is_trusted(user=sender) else 30
    )
    sent_today = DirectMessage.objects.filter(
        sender=sender, created_at__gte=timezone.now() - dt.timedelta(days=1)
    ).count()
    if sent_today >= per_day:
        raise ValidationError(
            _("You have sent %(count)s messages today; please wait until tomorrow."),
            params={"count": sent_today},
            code="rate",
        )
    message = DirectMessage(
        sender=sender,
        recipient=recipient,
        subject=" ".join(strip_bidi_controls(subject).split())[:150],
        body=strip_bidi_controls(body).strip(),
    )
    message.full_clean()
    message.save()
    notification = Notification.objects.create(
        recipient=recipient, kind=Notification.Kind.MESSAGE, actor=sender, message=message
    )
    from .tasks import send_immediate_emails

    transaction.on_commit(lambda: send_immediate_emails.delay([notification.pk]))
    return message


def message_mark_read(*, user, message: DirectMessage) -> None:
    if message.recipient_id == user.pk and message.read_at is None:
        DirectMessage.objects.filter(pk=message.pk).update(read_at=timezone.now())
        Notification.objects.filter(recipient=user, message=message).update(read_at=timezone.now())


def language_for(user) -> str:
    return user.preferred_language or settings.LANGUAGE_CODE


def in_language_of(user):
    return override(language_for(user))
