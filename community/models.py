"""Communities of practice: communities and their categories, members and moderators,
threads, posts (with edit history, reactions and attachments), read positions,
subscriptions, notifications, flags, the moderators' audit log, the mentor directory
and the messages people send each other through the site.

Forums are application data rather than CMS pages: they are written by their members,
change every minute and need row-level permissions (see docs/decisions/0300).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel

from lms.private_files import private_storage
from lms.taxonomy.models import canonical_terms


class Community(ClusterableModel):
    """A community of practice: for a country, a sector, a topic (compliance cluster) and a
    language; public (anyone may read) or private (members only)."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public: anyone may read, members may write")
        PRIVATE = "private", _("Private: only members see it")

    class JoinPolicy(models.TextChoices):
        OPEN = "open", _("Anyone signed in may join")
        APPROVAL = "approval", _("People ask to join; moderators approve")
        INVITE = "invite", _("Only moderators and staff add members")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, allow_unicode=True)
    description = models.TextField(_("description"), blank=True, max_length=1000)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    country = models.ForeignKey(
        "taxonomy.Country",
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="communities",
        limit_choices_to=canonical_terms,
        help_text=_("Leave empty for a community that serves every country."),
    )
    sector = models.ForeignKey(
        "taxonomy.Sector",
        verbose_name=_("sector"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="communities",
        limit_choices_to=canonical_terms,
    )
    cluster = models.ForeignKey(
        "taxonomy.Cluster",
        verbose_name=_("topic"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="communities",
        limit_choices_to=canonical_terms,
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    join_policy = models.CharField(
        _("who may join"), max_length=10, choices=JoinPolicy.choices, default=JoinPolicy.OPEN
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("language"),
                FieldPanel("country"),
                FieldPanel("sector"),
                FieldPanel("cluster"),
            ],
            heading=_("Who it is for"),
        ),
        FieldPanel("visibility"),
        FieldPanel("join_policy"),
        InlinePanel("categories", heading=_("Categories"), label=_("category")),
    ]

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        from .urls import RESERVED_SLUGS

        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": _("This address is used by another page.")})

    @property
    def is_private(self):
        return self.visibility == self.Visibility.PRIVATE


class Category(models.Model):
    community = ParentalKey(
        Community, on_delete=models.CASCADE, related_name="categories", verbose_name=_("community")
    )
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, allow_unicode=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "slug"], name="community_category_unique_slug"
            )
        ]

    def __str__(self):
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        MODERATOR = "moderator", _("Moderator")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PENDING = "pending", _("Asked to join")

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("community")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="community_memberships",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    silenced_until = models.DateTimeField(
        _("silenced until"),
        null=True,
        blank=True,
        help_text=_("A silenced member may read but not post until this time."),
    )
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)
    grant_source = models.CharField(
        _("added automatically for"),
        max_length=40,
        blank=True,
        help_text=_(
            "Set when the site added this person by itself (for example for holding a "
            "certificate); the membership ends when that reason does. Empty when the person "
            "joined or a moderator added them: such memberships are never withdrawn "
            "automatically."
        ),
    )

    panels = [
        FieldPanel("community"),
        FieldPanel("user"),
        FieldPanel("role"),
        FieldPanel("status"),
        FieldPanel("silenced_until"),
        FieldPanel("grant_source", read_only=True),
    ]

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "user"], name="community_membership_unique"
            )
        ]
        indexes = [models.Index(fields=["user", "status"], name="community_member_user_idx")]

    def __str__(self):
        return f"{self.user} · {self.community}"

    @property
    def is_silenced(self):
        return bool(self.silenced_until and self.silenced_until > timezone.now())


class Thread(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="threads", verbose_name=_("community")
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="threads",
        verbose_name=_("category"),
    )
    title = models.CharField(_("title"), max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="community_threads",
        verbose_name=_("author"),
    )
    is_question = models.BooleanField(_("is a question"), default=False)
    accepted_post = models.ForeignKey(
        "Post",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted answer"),
    )
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_locked = models.BooleanField(_("locked"), default=False)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_post_at = models.DateTimeField(_("last post"), default=timezone.now)
    first_answer_at = models.DateTimeField(
        _("first answer"),
        null=True,
        blank=True,
        help_text=_("When someone other than the author first replied."),
    )
    post_count = models.PositiveIntegerField(_("posts"), default=0)

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        indexes = [
            models.Index(
                fields=["community", "is_hidden", "-is_pinned", "-last_post_at"],
                name="community_thread_list_idx",
            ),
            models.Index(fields=["created_at"], name="community_thread_created_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_answered(self):
        return self.first_answer_at is not None


class Post(models.Model):
    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="posts", verbose_name=_("thread")
    )
    # Denormalised from the thread so that search and reports filter without a join.
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="posts", verbose_name=_("community")
    )
    number = models.PositiveIntegerField(_("number in thread"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="community_posts",
        verbose_name=_("author"),
    )
    reply_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("in reply to"),
    )
    source = models.TextField(_("text as written"))
    html = models.TextField(_("text as shown"))
    text = models.TextField(_("plain text"), help_text=_("For search and notifications."))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=200, blank=True)
    # A random id made when the form is shown: a retried submission finds its post.
    client_id = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["thread", "number"], name="community_post_number"),
            models.UniqueConstraint(
                fields=["author", "client_id"],
                condition=~Q(client_id=""),
                name="community_post_client_id",
            ),
        ]
        indexes = [
            models.Index(fields=["author", "created_at"], name="community_post_author_idx"),
            models.Index(fields=["community", "created_at"], name="community_post_comm_idx"),
        ]

    def __str__(self):
        return f"{self.thread} #{self.number}"

    @property
    def is_first(self):
        return self.number == 1


class PostRevision(models.Model):
    """What a post said before an edit."""

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("post")
    )
    source = models.TextField(_("text as written"))
    html = models.TextField(_("text as shown"))
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("edited by"),
    )
    created_at = models.DateTimeField(_("replaced at"), default=timezone.now)

    class Meta:
        verbose_name = _("earlier version")
        verbose_name_plural = _("earlier versions")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.post} · {self.created_at:%Y-%m-%d %H:%M}"


class Reaction(models.Model):
    class Kind(models.TextChoices):
        LIKE = "like", _("Like")
        THANKS = "thanks", _("Thanks")
        HELPFUL = "helpful", _("Helpful")

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="reactions", verbose_name=_("post")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [
            models.UniqueConstraint(
                fields=["post", "user", "kind"], name="community_reaction_unique"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.post}"


def attachment_path(instance, filename):
    return f"community/{timezone.now():%Y/%m}/{instance.token}/{filename}"


class Attachment(models.Model):
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("post")
    )
    token = models.CharField(max_length=32, unique=True, editable=False)
    file = models.FileField(
        _("file"), upload_to=attachment_path, storage=private_storage, max_length=300
    )
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    is_image = models.BooleanField(_("is an image"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self):
        return self.name


class ReadPosition(models.Model):
    """The highest post number a person has seen in a thread: unread = post_count - this."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_positions")
    last_read_number = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "thread"], name="community_read_unique")
        ]

    def __str__(self):
        return f"{self.user_id} read {self.thread_id} to #{self.last_read_number}"


class Subscription(models.Model):
    """Watching a thread or a whole category: each new post there becomes a notification."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="community_subscriptions",
        verbose_name=_("person"),
    )
    thread = models.ForeignKey(
        Thread,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subscriptions",
        verbose_name=_("thread"),
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subscriptions",
        verbose_name=_("category"),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=Q(thread__isnull=False, category__isnull=True)
                | Q(thread__isnull=True, category__isnull=False),
                name="community_subscription_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "thread"],
                condition=Q(thread__isnull=False),
                name="community_subscription_thread_unique",
            ),
            models.UniqueConstraint(
                fields=["user", "category"],
                condition=Q(category__isnull=False),
                name="community_subscription_category_unique",
            ),
        ]

    def __str__(self):
        return f"{self.user} → {self.thread or self.category}"


class MemberProfile(models.Model):
    """A person's community settings: e-mail rhythm, trust, and their directory entry."""

    class EmailFrequency(models.TextChoices):
        IMMEDIATE = "immediate", _("Straight away")
        DAILY = "daily", _("Once a day, in a digest")
        WEEKLY = "weekly", _("Once a week, in a digest")
        NEVER = "never", _("Never: I will look on the site")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="community_profile",
        verbose_name=_("person"),
    )
    email_frequency = models.CharField(
        _("e-mail me about community activity"),
        max_length=10,
        choices=EmailFrequency.choices,
        default=EmailFrequency.DAILY,
    )
    is_trusted = models.BooleanField(
        _("trusted"),
        default=False,
        help_text=_("Trusted members are not limited like new accounts."),
    )
    listed_in_directory = models.BooleanField(
        _("show me in the directory of mentors and peers"), default=False
    )
    offers_mentoring = models.BooleanField(_("I offer mentoring"), default=False)
    bio = models.TextField(_("about me"), blank=True, max_length=800)
    expertise = models.ManyToManyField(
        "taxonomy.Cluster",
        verbose_name=_("expertise"),
        blank=True,
        related_name="+",
        limit_choices_to=canonical_terms,
    )
    languages = models.JSONField(_("languages I speak"), default=list, blank=True)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("community profile")
        verbose_name_plural = _("community profiles")

    def __str__(self):
        return str(self.user)


class Notification(models.Model):
    class Kind(models.TextChoices):
        REPLY = "reply", _("replied to you")
        MENTION = "mention", _("mentioned you")
        WATCHED_THREAD = "thread", _("posted in a thread you watch")
        WATCHED_CATEGORY = "category", _("posted in a category you watch")
        ACCEPTED = "accepted", _("accepted your answer")
        MESSAGE = "message", _("sent you a message")
        MODERATION = "moderation", _("moderated your post")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="community_notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, null=True, blank=True)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, null=True, blank=True)
    message = models.ForeignKey(
        "DirectMessage", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="community_notif_unread_idx"),
            models.Index(fields=["emailed_at", "created_at"], name="community_notif_mail_idx"),
        ]
        constraints = [
            # One notification per person and post: a reply that also mentions you and is in
            # a thread you watch is one notification (of the most specific kind).
            models.UniqueConstraint(
                fields=["recipient", "post"],
                condition=Q(post__isnull=False),
                name="community_notification_once_per_post",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient}"


class Flag(models.Model):
    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        HARASSMENT = "harassment", _("Harassment, threats or hate")
        PERSONAL_DATA = "personal_data", _("Shares someone's personal information")
        OFF_TOPIC = "off_topic", _("Off topic")
        UNSAFE = "unsafe", _("Unsafe or wrong advice")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for review")
        UPHELD = "upheld", _("Upheld: post hidden")
        DISMISSED = "dismissed", _("Dismissed")

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="flags", verbose_name=_("post")
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("reported by"),
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("reported"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["post", "reporter"], name="community_flag_once")
        ]

    def __str__(self):
        return f"{self.get_reason_display()} · {self.post}"


class ModerationAction(models.Model):
    """The audit log: every moderator action, who did it, to what, and why. Append-only."""

    class Action(models.TextChoices):
        HIDE_POST = "hide_post", _("Hid a post")
        SHOW_POST = "show_post", _("Restored a post")
        HIDE_THREAD = "hide_thread", _("Hid a thread")
        SHOW_THREAD = "show_thread", _("Restored a thread")
        LOCK = "lock", _("Locked a thread")
        UNLOCK = "unlock", _("Unlocked a thread")
        PIN = "pin", _("Pinned a thread")
        UNPIN = "unpin", _("Unpinned a thread")
        MOVE = "move", _("Moved a thread")
        EDIT_POST = "edit_post", _("Edited someone's post")
        SILENCE = "silence", _("Silenced a member")
        UNSILENCE = "unsilence", _("Lifted a silence")
        APPROVE_MEMBER = "approve", _("Approved a member")
        ADD_MEMBER = "add_member", _("Added a member")
        REMOVE_MEMBER = "remove", _("Removed a member")
        DISMISS_FLAG = "dismiss_flag", _("Dismissed a flag")
        TRUST = "trust", _("Trusted a member")

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="audit_log", verbose_name=_("community")
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("moderator"),
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("member concerned"),
    )
    thread = models.ForeignKey(Thread, on_delete=models.SET_NULL, null=True, blank=True)
    post = models.ForeignKey(Post, on_delete=models.SET_NULL, null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("moderator action")
        verbose_name_plural = _("moderator actions")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_action_display()} · {self.moderator}"


class DirectMessage(models.Model):
    """A message from one person to another through the site: no e-mail address is shown."""

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="community_sent_messages",
        verbose_name=_("from"),
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="community_received_messages",
        verbose_name=_("to"),
    )
    subject = models.CharField(_("subject"), max_length=150)
    body = models.TextField(_("message"), max_length=4000)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="community_dm_inbox_idx"),
            models.Index(fields=["sender", "created_at"], name="community_dm_sent_idx"),
        ]

    def __str__(self):
        return self.subject
