"""Write-side operations on people and organisations."""

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from lms.accounts.audit import acting_as, audit_event
from lms.accounts.models import STAFF_ROLES, Organisation, Role, User
from lms.accounts.permissions import can_manage_person, grantable_roles

COUNTRY_STAFF_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("wagtail_localize", "submit_translation"),
    ("accounts", "add_organisation"),
    ("accounts", "change_organisation"),
    ("accounts", "view_organisation"),
]


def country_staff_group_name(country) -> str:
    return f"Country programme staff: {country.code}"


@transaction.atomic
def country_staff_group_ensure(*, country) -> Group:
    """The group that carries a country team's permissions. Page and collection permissions
    on the country's own section are granted by the portal when it creates that section."""
    group, _ = Group.objects.get_or_create(name=country_staff_group_name(country))
    wanted = Permission.objects.none()
    for app_label, codename in COUNTRY_STAFF_PERMISSIONS:
        wanted = wanted | Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        )
    group.permissions.add(*wanted)
    return group


@transaction.atomic
def user_roles_set(*, user: User, roles: list[str]) -> User:
    """Give a person exactly these roles, and keep their admin access and country group
    in step: country staff work in the Wagtail admin on their own country only."""
    role_objects = list(Role.objects.filter(code__in=roles))
    if len(role_objects) != len(set(roles)):
        unknown = set(roles) - {r.code for r in role_objects}
        raise ValueError(f"Unknown roles: {sorted(unknown)}")
    user.roles.set(role_objects)
    user.__dict__.pop("_role_codes", None)
    codes = set(roles)
    user.is_staff = bool(codes & STAFF_ROLES) or user.is_superuser
    if Role.Code.GLOBAL_ADMIN in codes:
        user.is_superuser = True
        user.is_staff = True
    user.save(update_fields=["is_staff", "is_superuser"])
    country_groups = Group.objects.filter(name__startswith="Country programme staff: ")
    user.groups.remove(*country_groups)
    if Role.Code.COUNTRY_STAFF in codes and user.country_id:
        user.groups.add(country_staff_group_ensure(country=user.country))
    return user


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None = None,
    password_hash: str | None = None,
    email: str = "",
    display_name: str = "",
    roles: list[str] = (),
    country=None,
    sector=None,
    organisation: Organisation | None = None,
    preferred_language: str = "en",
    gender: str = "",
    migrant_status: str = "",
    phone: str = "",
) -> User:
    user = User(
        username=username,
        email=email,
        phone=phone,
        display_name=display_name,
        country=country,
        sector=sector,
        organisation=organisation,
        preferred_language=preferred_language,
        gender=gender,
        migrant_status=migrant_status,
    )
    if password_hash:  # already hashed (the demo's people share one hashed password)
        user.password = password_hash
    elif password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    if roles:
        user_roles_set(user=user, roles=list(roles))
    return user


@transaction.atomic
def organisation_create(*, name: str, country, kind: str = Organisation.Kind.FACTORY, **fields):
    organisation = Organisation(name=name, country=country, kind=kind, **fields)
    organisation.full_clean()
    organisation.save()
    return organisation


# Fields of a person that staff may change through ``person_update``.
PERSON_FIELDS = (
    "display_name",
    "email",
    "preferred_language",
    "country",
    "organisation",
    "sector",
    "is_active",
)


def person_scope_errors(*, actor, person: User, changes: dict) -> dict[str, list]:
    """Why ``actor`` may not make ``changes`` to ``person``: field name to messages."""
    errors: dict[str, list] = {}
    scope_country = None if actor.is_global_admin else actor.country_id
    country = changes.get("country", person.country)
    organisation = changes.get("organisation", person.organisation)
    if scope_country is not None and getattr(country, "pk", None) != scope_country:
        errors.setdefault("country", []).append(_("You can only place people in your own country."))
    if organisation is not None and getattr(country, "pk", None) != organisation.country_id:
        errors.setdefault("organisation", []).append(
            _("This organisation is in another country than the person.")
        )
    if "roles" in changes:
        before = set(person.role_codes()) if person.pk else set()
        after = set(changes["roles"])
        out_of_reach = (before ^ after) - grantable_roles(actor)
        if out_of_reach:
            labels = sorted(str(Role.Code(code).label) for code in out_of_reach)
            errors.setdefault("roles", []).append(
                _("You cannot give or take away these roles: %(roles)s.")
                % {"roles": ", ".join(labels)}
            )
    return errors


@transaction.atomic
def person_update(*, actor: User, person: User, changes: dict) -> User:
    """Staff change a person's details, scope and roles. Refused outright when the person is
    out of the actor's reach; refused with field errors when a change would place them
    outside it. Every change is recorded in the audit trail with the actor."""
    if not can_manage_person(actor, person):
        raise PermissionDenied
    unknown = set(changes) - set(PERSON_FIELDS) - {"roles"}
    if unknown:
        raise ValueError(f"Not a field staff may change: {sorted(unknown)}")
    errors = person_scope_errors(actor=actor, person=person, changes=changes)
    if errors:
        raise ValidationError(errors)
    with acting_as(actor):
        for field in PERSON_FIELDS:
            if field in changes:
                setattr(person, field, changes[field])
        person.full_clean(exclude=["password"])
        person.save()
        if "roles" in changes and set(changes["roles"]) != set(person.role_codes()):
            user_roles_set(user=person, roles=list(changes["roles"]))
        elif "country" in changes:
            # A country staff member's group follows their country.
            user_roles_set(user=person, roles=list(person.role_codes()))
    return person


@transaction.atomic
def person_password_set(*, actor: User, person: User, password: str | None, reason: str) -> None:
    """Set (or, with ``None``, make unusable) another person's password, recorded in the
    audit trail. The caller has checked that ``actor`` is responsible for ``person``."""
    with acting_as(actor):
        if password:
            person.set_password(password)
        else:
            person.set_unusable_password()
        person.save(update_fields=["password"])
        audit_event(actor=actor, subject=person, what=reason)


@transaction.atomic
def person_create(*, actor: User, username: str, changes: dict) -> User:
    """Staff add a person within their reach; recorded in the audit trail. The person has
    no usable password until they reset it by email or a trainer prints them one."""
    newcomer = User(country=changes.get("country"))
    newcomer._role_codes = frozenset()
    errors = person_scope_errors(actor=actor, person=newcomer, changes=changes)
    if not grantable_roles(actor):
        raise PermissionDenied
    if errors:
        raise ValidationError(errors)
    fields = {k: v for k, v in changes.items() if k in PERSON_FIELDS and k != "is_active"}
    with acting_as(actor):
        person = user_create(username=username, **fields)
        if changes.get("is_active") is False:
            person.is_active = False
            person.save(update_fields=["is_active"])
        if changes.get("roles"):
            user_roles_set(user=person, roles=list(changes["roles"]))
    return person


def person_password_reset_notify(*, person: User, actor: User) -> None:
    """Tell the person that someone else set a new password for them: by email when they
    have one, else on the site the next time they sign in."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.utils import timezone, translation
    from django.utils.formats import date_format

    from lms.accounts.models import AccountNotice

    if not person.email:
        AccountNotice.objects.create(
            user=person, kind=AccountNotice.Kind.PASSWORD_RESET, actor_name=str(actor)[:150]
        )
        return
    with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
        when = date_format(timezone.localtime(), "DATETIME_FORMAT")
        subject = str(_("Your password was reset"))
        body = str(
            _(
                "Hello %(name)s,\n\n%(actor)s set a new password for your account on "
                "%(when)s. If you did not ask for this, tell your trainer or your country "
                "programme team at once.\n"
            )
        ) % {"name": person.name, "actor": actor.name, "when": when}
    send_mail(subject, body, None, [person.email])


def account_notices_take(*, person: User) -> list:
    """The notices the person has not seen yet, marked as seen."""
    from django.utils import timezone

    from lms.accounts.models import AccountNotice

    notices = list(AccountNotice.objects.filter(user=person, shown_at__isnull=True))
    if notices:
        AccountNotice.objects.filter(pk__in=[n.pk for n in notices]).update(shown_at=timezone.now())
    return notices


# --- consent to the sensitive, optional fields (issue 21.4) ------------------------------

CONSENT_FIELDS = {
    "gender": ("gender", "gender_description"),
    "migrant_status": ("migrant_status",),
}


@transaction.atomic
def consent_record(*, user: User, field: str) -> None:
    """Record that ``user`` agreed to ``field`` being kept (once: an active consent stays)."""
    from lms.accounts.models import DemographicConsent

    if field not in CONSENT_FIELDS:
        raise ValueError(f"No consent is asked for {field!r}")
    if not DemographicConsent.objects.filter(
        user=user, field=field, withdrawn_at__isnull=True
    ).exists():
        DemographicConsent.objects.create(user=user, field=field)


@transaction.atomic
def consent_withdraw(*, user: User, field: str) -> None:
    """Withdraw ``user``'s consent to ``field``: the value is cleared, so the person leaves
    every report made from now on that groups by it, and the consent row is closed."""
    from django.utils import timezone

    from lms.accounts.models import DemographicConsent

    if field not in CONSENT_FIELDS:
        raise ValueError(f"No consent is asked for {field!r}")
    DemographicConsent.objects.filter(user=user, field=field, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )
    columns = CONSENT_FIELDS[field]
    changed = [name for name in columns if getattr(user, name)]
    for name in columns:
        setattr(user, name, "")
    if changed:
        with acting_as(user):
            user.save(update_fields=changed)
    from lms.accounts.signals import consent_withdrawn

    consent_withdrawn.send(sender=User, user=user, field=field)


def consents_active(*, user: User) -> set[str]:
    from lms.accounts.models import DemographicConsent

    return set(
        DemographicConsent.objects.filter(user=user, withdrawn_at__isnull=True).values_list(
            "field", flat=True
        )
    )
