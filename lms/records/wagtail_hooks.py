"""xAPI clients and activity mappings in the admin. Country staff issue clients for their
own country's people (``CountryScopedViewSet``); the secret is shown once, in the message
after saving a new client, and only its hash is kept."""

from django.contrib import messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from lms.accounts.permissions import CountryScopedPermissionPolicy
from lms.accounts.wagtail_hooks import CountryScopedViewSet
from lms.records.models import ActivityMapping, XapiClient
from lms.records.xapi_auth import xapi_client_new_secret


class NewSecretMixin:
    """On the add view: a key and a secret for the new client, the secret told once."""

    def save_instance(self):
        client, secret = xapi_client_new_secret(self.form.instance)
        client.issued_by = self.request.user
        instance = super().save_instance()
        messages.warning(
            self.request,
            _(
                "Give the tool this key and secret now; the secret is not shown again. "
                "Key: %(key)s Secret: %(secret)s"
            )
            % {"key": instance.key, "secret": secret},
        )
        return instance


class XapiClientViewSet(CountryScopedViewSet):
    model = XapiClient
    icon = "key"
    menu_label = gettext_lazy("xAPI clients")
    name = "xapi_clients"
    menu_order = 160
    add_to_admin_menu = True
    copy_view_enabled = False
    list_display = ["name", "country", "people", "can_read", "can_write", "revoked_at"]
    list_filter = ["country", "people"]
    search_fields = ["name", "key"]
    form_fields = [
        "name",
        "country",
        "people",
        "organisation",
        "person",
        "activity_prefixes",
        "can_read",
        "can_write",
        "revoked_at",
    ]
    permission_policy = CountryScopedPermissionPolicy(XapiClient, actions=("view", "change", "add"))

    @property
    def add_view_class(self):
        return type("XapiClientCreateView", (NewSecretMixin, super().add_view_class), {})


register_permission_policy(XapiClient, XapiClientViewSet.permission_policy)


@hooks.register("register_admin_viewset")
def register_xapi_client_viewset():
    return XapiClientViewSet()


class ActivityMappingViewSet(SnippetViewSet):
    model = ActivityMapping
    icon = "link"
    menu_label = gettext_lazy("External activities")
    add_to_admin_menu = False
    list_display = ["iri", "activity", "created_at"]
    search_fields = ["iri", "activity"]


register_snippet(ActivityMappingViewSet)
