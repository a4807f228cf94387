"""The admin for communities (with their categories), memberships and the moderators'
log. Country programme staff manage their own country's communities; global
administrators all of them. The log is read-only."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.permissions import register_permission_policy

from lms.accounts.permissions import CountryScopedPermissionPolicy
from lms.accounts.selectors import country_scope
from lms.accounts.wagtail_hooks import CountryScopedViewSet

from .models import Community, Membership, ModerationAction


class CommunityScopedPermissionPolicy(CountryScopedPermissionPolicy):
    """For rows that belong to a community: the community's country decides."""

    def __init__(self, model, *, actions, read_only=False):
        super().__init__(model, country_field="community__country", actions=actions)
        self.read_only = read_only

    def user_has_permission(self, user, action):
        if self.read_only and action != "view":
            return False
        return super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        scope = country_scope(user)
        return scope is None or instance.community.country_id == scope


class CommunityViewSet(CountryScopedViewSet):
    model = Community
    icon = "group"
    menu_label = _("Communities")
    name = "communities"
    list_display = ["name", "country", "language", "visibility", "join_policy"]
    list_filter = ["visibility", "language", "country"]
    search_fields = ["name", "description"]
    add_to_admin_menu = False
    copy_view_enabled = False
    permission_policy = CountryScopedPermissionPolicy(
        Community, actions=("view", "change", "add", "delete")
    )


class MembershipViewSet(CountryScopedViewSet):
    model = Membership
    icon = "user"
    menu_label = _("Memberships")
    name = "community_memberships"
    list_display = ["user", "community", "role", "status", "silenced_until"]
    list_filter = ["role", "status", "community"]
    search_fields = ["user__username", "user__display_name"]
    add_to_admin_menu = False
    copy_view_enabled = False
    permission_policy = CommunityScopedPermissionPolicy(
        Membership, actions=("view", "change", "add", "delete")
    )


class ModerationLogViewSet(CountryScopedViewSet):
    model = ModerationAction
    icon = "list-ul"
    menu_label = _("Moderator actions")
    name = "community_moderation_log"
    list_display = ["created_at", "community", "moderator", "action", "target_user", "reason"]
    list_filter = ["action", "community"]
    form_fields = ["reason"]
    inspect_view_enabled = True
    add_to_admin_menu = False
    copy_view_enabled = False
    permission_policy = CommunityScopedPermissionPolicy(
        ModerationAction, actions=("view",), read_only=True
    )


register_permission_policy(Community, CommunityViewSet.permission_policy)
register_permission_policy(Membership, MembershipViewSet.permission_policy)
register_permission_policy(ModerationAction, ModerationLogViewSet.permission_policy)


class CommunityGroup(ViewSetGroup):
    menu_label = _("Community")
    menu_icon = "group"
    menu_order = 300
    items = (CommunityViewSet, MembershipViewSet, ModerationLogViewSet)


@hooks.register("register_admin_viewset")
def register_community_viewsets():
    return CommunityGroup()
