"""Users, their profile (roles, country, sector, organisation, language, optional
demographics for impact reports) and the organisations they work for."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from lms.accounts.phones import validate_e164


class Organisation(models.Model):
    """A factory or an enterprise taking part in a country programme, or one of the
    programme's partners (a training partner, a union, an employers' organisation, the
    labour administration)."""

    class Kind(models.TextChoices):
        FACTORY = "factory", _("Factory")
        ENTERPRISE = "enterprise", _("Enterprise")
        PARTNER = "partner", _("Training partner")
        BUYER = "buyer", _("Buyer (brand or retailer)")
        UNION = "union", _("Trade union")
        EMPLOYERS = "employers", _("Employers' organisation")
        LABOUR_ADMINISTRATION = "labour_admin", _("Labour administration")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.FACTORY)
    country = models.ForeignKey(
        "taxonomy.Country",
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    sector = models.ForeignKey(
        "taxonomy.Sector",
        verbose_name=_("sector"),
        on_delete=models.PROTECT,
        related_name="organisations",
        null=True,
        blank=True,
    )
    city = models.CharField(_("city or province"), max_length=120, blank=True)
    workers_count = models.PositiveIntegerField(_("number of workers"), null=True, blank=True)
    training_days_allocation = models.DecimalField(
        _("training days allocated per year"),
        max_digits=6,
        decimal_places=1,
        default=0,
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "name"], name="accounts_organisation_unique_name_per_country"
            )
        ]

    def __str__(self):
        return self.name


class Role(models.Model):
    """One of the fixed roles people play in the programme; a person may hold several."""

    class Code(models.TextChoices):
        WORKER = "worker", _("Worker")
        SUPERVISOR = "supervisor", _("Supervisor")
        MANAGER = "manager", _("Manager")
        HR = "hr", _("Human resources (of a factory)")
        TRAINER = "trainer", _("Trainer")
        ENTERPRISE_ADVISOR = "enterprise_advisor", _("Enterprise advisor")
        ASSESSOR = "assessor", _("Assessor")
        COUNTRY_STAFF = "country_staff", _("Country programme staff")
        GLOBAL_ADMIN = "global_admin", _("Global administrator")
        BUYER = "buyer", _("Buyer")
        LABOUR_INSPECTOR = "labour_inspector", _("Labour inspector")
        SOCIAL_PARTNER = "social_partner", _("Social partner (union or employers' organisation)")

    code = models.CharField(_("code"), max_length=30, choices=Code.choices, unique=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["id"]

    def __str__(self):
        return str(self.get_code_display())


STAFF_ROLES = {Role.Code.COUNTRY_STAFF, Role.Code.GLOBAL_ADMIN}


class User(AbstractUser):
    """A person using the system. Workers often have no email: they sign in by username."""

    class Gender(models.TextChoices):
        WOMAN = "woman", _("Woman")
        MAN = "man", _("Man")
        SELF_DESCRIBED = "self", _("I describe myself another way")
        UNDISCLOSED = "undisclosed", _("I prefer not to say")

    class MigrantStatus(models.TextChoices):
        LOCAL = "local", _("Not a migrant worker")
        MIGRANT = "migrant", _("Migrant worker")
        UNDISCLOSED = "undisclosed", _("I prefer not to say")

    email = models.EmailField(_("email address"), blank=True)
    display_name = models.CharField(
        _("display name"),
        max_length=80,
        blank=True,
        help_text=_("How your name is shown to others."),
    )
    phone = models.CharField(
        _("mobile phone"),
        max_length=20,
        blank=True,
        validators=[validate_e164],
        help_text=_("Optional. For text messages about your training, if you choose them."),
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    country = models.ForeignKey(
        "taxonomy.Country",
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
    )
    sector = models.ForeignKey(
        "taxonomy.Sector",
        verbose_name=_("sector"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
    )
    roles = models.ManyToManyField(Role, verbose_name=_("roles"), blank=True, related_name="users")
    gender = models.CharField(
        _("gender"),
        max_length=20,
        choices=Gender.choices,
        blank=True,
        help_text=_("Optional. Used only, anonymised, in impact reports."),
    )
    gender_description = models.CharField(_("gender, in your own words"), max_length=60, blank=True)
    migrant_status = models.CharField(
        _("migrant status"),
        max_length=20,
        choices=MigrantStatus.choices,
        blank=True,
        help_text=_("Optional. Used only, anonymised, in impact reports."),
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="accounts_user_unique_email",
            )
        ]

    def __str__(self):
        return self.display_name or self.get_full_name() or self.username

    @property
    def name(self):
        return str(self)

    @property
    def public_name(self):
        """The name public pages show: never the username, which people sign in with."""
        return self.display_name or self.get_full_name() or _("Community member")

    def public_roles(self):
        """The roles public pages may show: not who is staff (attackers look for them)."""
        return [role for role in self.roles.all() if role.code not in STAFF_ROLES]

    def role_codes(self):
        """The codes of this person's roles, cached on the instance."""
        if not hasattr(self, "_role_codes"):
            self._role_codes = frozenset(r.code for r in self.roles.all())
        return self._role_codes

    def has_role(self, *codes):
        return bool(self.role_codes() & set(codes))

    @property
    def is_global_admin(self):
        return self.is_superuser or self.has_role(Role.Code.GLOBAL_ADMIN)

    @property
    def is_country_staff(self):
        return self.has_role(Role.Code.COUNTRY_STAFF)

    @property
    def needs_two_factor(self):
        """Staff, and labour inspectors (they read factories' confidential reports), must
        protect their account with a second factor."""
        return (
            self.is_staff
            or self.is_superuser
            or self.has_role(*STAFF_ROLES, Role.Code.LABOUR_INSPECTOR)
        )


class AccountNotice(models.Model):
    """Something a person must be told about their account the next time they sign in, for
    people without an email address (e.g. that someone reset their password). The text is
    built when it is shown, in the person's language at that time."""

    class Kind(models.TextChoices):
        PASSWORD_RESET = "password_reset", _("Your password was reset")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="account_notices",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    shown_at = models.DateTimeField(_("shown at"), null=True, blank=True)

    class Meta:
        verbose_name = _("account notice")
        verbose_name_plural = _("account notices")
        ordering = ["created_at"]
        indexes = [models.Index(fields=["user", "shown_at"], name="accounts_notice_unseen")]

    def __str__(self):
        return str(self.get_kind_display())


class DemographicConsent(models.Model):
    """A person's consent to one optional, sensitive field (gender, migrant status) being kept
    and used, anonymised, in impact reports: when it was given and, once withdrawn, when.
    Withdrawing clears the field (``services.consent_withdraw``); the row stays as the record."""

    class Field(models.TextChoices):
        GENDER = "gender", _("Gender")
        MIGRANT_STATUS = "migrant_status", _("Migrant status")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="demographic_consents",
    )
    field = models.CharField(_("field"), max_length=20, choices=Field.choices)
    given_at = models.DateTimeField(_("given at"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent to a sensitive field")
        verbose_name_plural = _("consents to sensitive fields")
        ordering = ["given_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "field"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="accounts_consent_one_active_per_field",
            )
        ]

    def __str__(self):
        return str(self.get_field_display())
