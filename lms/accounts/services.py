"""Write-side operations on people and organisations."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from lms.accounts.models import STAFF_ROLES, Organisation, Role, User

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
    email: str = "",
    display_name: str = "",
    roles: list[str] = (),
    country=None,
    sector=None,
    organisation: Organisation | None = None,
    preferred_language: str = "en",
    gender: str = "",
    migrant_status: str = "",
) -> User:
    user = User(
        username=username,
        email=email,
        display_name=display_name,
        country=country,
        sector=sector,
        organisation=organisation,
        preferred_language=preferred_language,
        gender=gender,
        migrant_status=migrant_status,
    )
    if password:
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
