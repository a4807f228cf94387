"""Wagtail's page permission policy, finding the page a person's explorer starts from
without asking the database again when the answer is already known (decision 0035).

Every admin page asks for that page (the sidebar's explorer and its site history item).
Wagtail computes it as the deepest page common to the pages the person may edit and then
fetches it by path: two queries for a superuser (the root, then the root again), one for
staff whose permissions sit on one page (that page, already loaded with the permissions)."""

from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy


class PagePermissionPolicyWithKnownRoot(PagePermissionPolicy):
    def explorable_root_instance(self, user):
        cache_name = self._explorable_root_instance_cache_name
        if hasattr(user, cache_name):
            return getattr(user, cache_name)
        if user.is_superuser:
            root = Page.get_first_root_node()
        else:
            pages = self.instances_with_direct_explore_permission(user)
            if len({page.path for page in pages}) != 1:
                return super().explorable_root_instance(user)
            root = pages[0]
        setattr(user, cache_name, root)
        return root
