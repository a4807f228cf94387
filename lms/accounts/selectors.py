"""Read-side queries on people: who may see whom."""

from django.db.models import QuerySet

from lms.accounts.models import Organisation, User


def country_scope(user) -> int | bool | None:
    """The country a staff member is limited to; ``None`` for global staff; ``False`` for
    someone who may see no one's records."""
    if not user.is_authenticated:
        return False
    if user.is_global_admin:
        return None
    if user.is_country_staff and user.country_id:
        return user.country_id
    return False


def people_visible_to(*, user) -> QuerySet[User]:
    scope = country_scope(user)
    people = User.objects.select_related("country", "organisation").prefetch_related("roles")
    if scope is None:
        return people
    if scope is False:
        return people.none()
    return people.filter(country_id=scope)


def organisations_visible_to(*, user) -> QuerySet[Organisation]:
    scope = country_scope(user)
    organisations = Organisation.objects.select_related("country", "sector")
    if scope is None:
        return organisations
    if scope is False:
        return organisations.none()
    return organisations.filter(country_id=scope)
