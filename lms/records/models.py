"""The learning-record store: one append-only log of learning events, shaped like xAPI
statements (actor, verb, object, result, context, timestamp), each with an id its client
made, so that a retried upload from a flaky phone is stored once."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Statements are never changed or deleted once stored."""


class Statement(models.Model):
    id = models.UUIDField(_("statement id"), primary_key=True, default=uuid.uuid4)
    # No index of its own: every lookup by actor is served by the indexes that start with
    # it (records_actor_activity_verb, records_actor_stored), and every index is one more
    # entry written with each statement (migration 0010).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        related_name="statements",
        db_index=False,
    )
    verb = models.CharField(_("verb"), max_length=200)
    activity = models.CharField(_("activity"), max_length=300)
    activity_kind = models.CharField(_("activity kind"), max_length=40)
    parent_activity = models.CharField(_("parent activity"), max_length=300, blank=True)
    score_scaled = models.FloatField(_("scaled score"), null=True, blank=True)
    score_raw = models.FloatField(_("raw score"), null=True, blank=True)
    score_max = models.FloatField(_("maximum score"), null=True, blank=True)
    self_reported = models.BooleanField(
        _("self-reported score"),
        default=False,
        help_text=_(
            "The score was reported by the learner's device or a package, not computed by "
            "this site. Such scores never count in reports or towards certification."
        ),
    )
    success = models.BooleanField(_("success"), null=True, blank=True)
    completion = models.BooleanField(_("completion"), null=True, blank=True)
    registration = models.UUIDField(_("registration"), null=True, blank=True)
    timestamp = models.DateTimeField(_("timestamp"))
    stored = models.DateTimeField(_("stored"), auto_now_add=True)
    content_hash = models.CharField(_("content hash"), max_length=64)
    data = models.JSONField(_("statement"), help_text=_("The statement as the client sent it."))
    # The client that sent the statement, if one did. The store's ``authority`` and
    # ``version`` (xAPI 1.0.3 Part Two §2.4.9, §2.4.10) live in ``data``: a column more
    # would make SQLite split a batch of 50 into two inserts (999 parameters a query).
    # Indexed only where set (records_client, below): statements sent with a session or a
    # recording key, most of them, have none and cost that index no entry.
    client = models.ForeignKey(
        "records.XapiClient",
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements",
        db_index=False,
    )
    # The id of the statement this one targets with a StatementRef object (xAPI 1.0.3
    # Part Two §2.4.4.3): the queries' StatementRef rule (Part Three §2.1.3) follows it, and
    # with the verb "voided" it names the statement voided (Part Two §2.3.2). A voided
    # statement is never changed: queries leave it out.
    statement_ref = models.UUIDField(_("targeted statement"), null=True, blank=True)

    class Meta:
        verbose_name = _("learning record")
        verbose_name_plural = _("learning records")
        ordering = ["timestamp"]
        indexes = [
            models.Index(fields=["actor", "activity", "verb"], name="records_actor_activity_verb"),
            models.Index(fields=["parent_activity", "actor"], name="records_parent_actor"),
            # Lookups by activity, and the reports' test scores per activity read from the
            # index alone: 1,000,000 statements in 0.9 s instead of 2.5 s on SQLite.
            models.Index(
                fields=["activity", "verb", "score_max", "score_raw", "actor", "timestamp"],
                name="records_activity_scores",
            ),
            # The xAPI statement queries (lms.records.xapi_query): newest first by filter.
            models.Index(fields=["stored", "id"], name="records_stored_id"),
            models.Index(fields=["actor", "stored"], name="records_actor_stored"),
            models.Index(fields=["verb", "stored"], name="records_verb_stored"),
            # Partial, like records_client: a lookup compares the column with a value, which
            # implies its condition on PostgreSQL and SQLite alike (migration 0011).
            models.Index(
                fields=["registration", "stored"],
                condition=models.Q(registration__isnull=False),
                name="records_registration_stored",
            ),
            models.Index(
                fields=["client"],
                condition=models.Q(client__isnull=False),
                name="records_client",
            ),
            # Lookups by statement_ref (the voided flag, the StatementRef walks) use
            # records_targeted_by below: "statement_ref = x" implies its condition.
            # The StatementRef rule walks the (few) statements that target others, read
            # from this index alone; other statements do not enter it, nor cost it a write.
            models.Index(
                fields=["stored", "id", "statement_ref"],
                condition=models.Q(statement_ref__isnull=False),
                name="records_targeting_stored",
            ),
            # Both walks of the StatementRef rule, from the same few rows: from a statement
            # to the one it targets, and from a statement to those targeting it. Read from
            # the index alone, they also keep PostgreSQL's estimate of the walk low (a
            # recursive step costs ten times its estimate), under the cost at which it
            # compiles the query (jit_above_cost), which took 200 ms for a 10 ms query.
            models.Index(
                fields=["id", "statement_ref"],
                condition=models.Q(statement_ref__isnull=False),
                name="records_targeting_id",
            ),
            models.Index(
                fields=["statement_ref", "id"],
                condition=models.Q(statement_ref__isnull=False),
                name="records_targeted_by",
            ),
        ]

    def __str__(self):
        return f"{self.actor_id} {self.verb_display} {self.activity}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Learning records are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Learning records are append-only.")

    @property
    def verb_display(self):
        return self.verb.rsplit("/", 1)[-1]


class AccessToken(models.Model):
    """A personal key with which an app (an offline reader, a kiosk) records a person's
    learning without a browser session. Only a hash of the key is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="record_tokens",
    )
    name = models.CharField(_("name"), max_length=80, help_text=_("Where the key is used."))
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("recording key")
        verbose_name_plural = _("recording keys")

    def __str__(self):
        return f"{self.user_id}: {self.name}"


class PersonSnapshot(models.Model):
    """The attributes reports group people by (country, sector, organisation, roles,
    gender, migrant status) as they were at one moment. Events that reports count
    (an enrolment, a completion, a presence) point at the snapshot taken when they
    happened, so a later change of profile never rewrites last year's figures. Rows are
    shared by every event with the same attributes and never change."""

    key = models.CharField(_("key"), max_length=64, unique=True, editable=False)
    country = models.ForeignKey(
        "taxonomy.Country",
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    sector = models.ForeignKey(
        "taxonomy.Sector",
        verbose_name=_("sector"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    roles = models.ManyToManyField("accounts.Role", verbose_name=_("roles"), related_name="+")
    gender = models.CharField(_("gender"), max_length=20, blank=True)
    migrant_status = models.CharField(_("migrant status"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("person snapshot")
        verbose_name_plural = _("person snapshots")

    def __str__(self):
        return self.key[:12]


class StatementRelation(models.Model):
    """The agents and activities a statement names, for the xAPI query filters ``agent``
    and ``activity`` (``direct``: the actor or object) and their ``related_agents`` /
    ``related_activities`` forms (any place in the statement: context, authority,
    sub-statement). ``key_hash`` is the SHA-256 of the identifier (``lms.records.xapi_query``),
    so a long IRI costs the index no more than a short one. Written with the statement,
    never changed."""

    statement = models.ForeignKey(
        Statement, verbose_name=_("statement"), on_delete=models.CASCADE, related_name="+"
    )
    key_hash = models.CharField(_("key hash"), max_length=64)
    direct = models.BooleanField(_("actor or object"), default=False)
    stored = models.DateTimeField(_("stored"))

    class Meta:
        verbose_name = _("statement relation")
        verbose_name_plural = _("statement relations")
        indexes = [
            models.Index(
                fields=["key_hash", "stored", "statement"], name="records_relation_key_stored"
            )
        ]

    def __str__(self):
        return f"{self.statement_id} {self.key_hash[:12]}"


class StatementAttachment(models.Model):
    """The raw content of a statement attachment sent in a multipart/mixed request (xAPI
    1.0.3 Part Three §1.5.2), stored once per SHA-256 whatever the number of statements
    that carry it."""

    sha2 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    content_type = models.CharField(_("content type"), max_length=200)
    content = models.BinaryField(_("content"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("statement attachment")
        verbose_name_plural = _("statement attachments")

    def __str__(self):
        return self.sha2


class XapiClient(models.Model):
    """A tool or a package that sends and reads statements with HTTP Basic authentication
    (a key and a secret staff issue), within a scope: which activities (IRI prefixes),
    reading and/or writing, and whose learning (one person, an organisation's people or a
    country's). Only a hash of the secret is stored."""

    class People(models.TextChoices):
        PERSON = "person", _("One person")
        ORGANISATION = "organisation", _("The people of one organisation")
        COUNTRY = "country", _("The people of one country")

    name = models.CharField(_("name"), max_length=120, help_text=_("The tool or package."))
    key = models.CharField(_("key"), max_length=64, unique=True, editable=False)
    secret_hash = models.CharField(_("secret hash"), max_length=64, editable=False)
    activity_prefixes = models.TextField(
        _("activity prefixes"),
        help_text=_(
            "One IRI prefix a line: the client may only record and read statements about "
            "activities whose id starts with one of them."
        ),
    )
    can_read = models.BooleanField(_("may read statements and documents"), default=False)
    can_write = models.BooleanField(_("may write statements and documents"), default=True)
    people = models.CharField(_("people"), max_length=20, choices=People.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    country = models.ForeignKey(
        "taxonomy.Country",
        verbose_name=_("country"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("xAPI client")
        verbose_name_plural = _("xAPI clients")

    def __str__(self):
        return self.name

    @property
    def prefixes(self) -> list[str]:
        return [line.strip() for line in self.activity_prefixes.splitlines() if line.strip()]

    def clean(self):
        from django.core.exceptions import ValidationError

        needed = {
            self.People.PERSON: "person",
            self.People.ORGANISATION: "organisation",
            self.People.COUNTRY: "country",
        }.get(self.people)
        if needed and getattr(self, f"{needed}_id") is None:
            raise ValidationError({needed: _("Choose whose learning this client records.")})
        # The client belongs to one country (country staff issue their own country's):
        # the person's or the organisation's, which must be the one given if any.
        owner = {"person": self.person, "organisation": self.organisation}.get(needed)
        if owner is not None:
            if self.country_id is not None and owner.country_id != self.country_id:
                raise ValidationError({needed: _("This is not someone of the client's country.")})
            self.country_id = owner.country_id
        if self.country_id is None:
            raise ValidationError({"country": _("Choose the client's country.")})
        if not self.prefixes:
            raise ValidationError(
                {"activity_prefixes": _("Give at least one activity IRI prefix.")}
            )
        if not (self.can_read or self.can_write):
            raise ValidationError(_("A client must at least read or write."))


class ActivityMapping(models.Model):
    """An activity from outside the site (an external package's IRI) that staff map to a
    course item, so statements about it count from then on as if they were about the item.
    Until it is mapped, statements about it are stored and queryable but count toward
    nothing."""

    iri = models.CharField(_("activity IRI"), max_length=300, unique=True)
    activity = models.CharField(
        _("site activity"),
        max_length=300,
        help_text=_("The site's own activity id, such as urn:betterwork:lesson:42."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("activity mapping")
        verbose_name_plural = _("activity mappings")

    def __str__(self):
        return f"{self.iri} → {self.activity}"


# The LRS's document resources and launch credentials live in their own module.
from lms.records.xapi_document_models import LaunchCredential, XapiDocument  # noqa: E402

__all__ = [
    "AccessToken",
    "ActivityMapping",
    "AppendOnlyError",
    "LaunchCredential",
    "PersonSnapshot",
    "Statement",
    "StatementAttachment",
    "StatementRelation",
    "XapiClient",
    "XapiDocument",
]
