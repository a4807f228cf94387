"""Who may do what in a community. Declared here, next to the models, and used by the
selectors, services and views alike."""

from django.utils import timezone

from lms.accounts.selectors import country_scope

from .models import Community, Membership


def is_staff_for(user, community: Community) -> bool:
    """Global administrators run every community; country staff those of their country."""
    if not user.is_authenticated:
        return False
    scope = country_scope(user)
    if scope is None:
        return True
    return scope is not False and community.country_id == scope


def membership_of(user, community: Community) -> Membership | None:
    if not user.is_authenticated:
        return None
    cache = getattr(user, "_community_memberships", None)
    if cache is None:
        cache = user._community_memberships = {}
    if community.pk not in cache:
        cache[community.pk] = Membership.objects.filter(user=user, community=community).first()
    return cache[community.pk]


def is_active_member(user, community: Community) -> bool:
    membership = membership_of(user, community)
    return membership is not None and membership.status == Membership.Status.ACTIVE


def can_view(user, community: Community) -> bool:
    if not community.is_private:
        return True
    return is_active_member(user, community) or is_staff_for(user, community)


def can_moderate(user, community: Community) -> bool:
    if is_staff_for(user, community):
        return True
    membership = membership_of(user, community)
    return (
        membership is not None
        and membership.status == Membership.Status.ACTIVE
        and membership.role == Membership.Role.MODERATOR
    )


def can_post(user, community: Community) -> bool:
    """Signed in, may see it, a member (public communities with an open door count every
    signed-in person as one: they join on their first post), and not silenced."""
    if not user.is_authenticated or not user.is_active or not can_view(user, community):
        return False
    if can_moderate(user, community):
        return True
    membership = membership_of(user, community)
    if membership is None:
        return not community.is_private and community.join_policy == Community.JoinPolicy.OPEN
    if membership.status != Membership.Status.ACTIVE:
        return False
    return not (membership.silenced_until and membership.silenced_until > timezone.now())
