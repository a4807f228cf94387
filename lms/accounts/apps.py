from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "lms.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from lms.accounts import webauthn_on_demand

        # Before the URLconf or a sign-in imports allauth's WebAuthn code (decision 0618).
        webauthn_on_demand.defer_webauthn_module()
        webauthn_on_demand.wrap_authenticators_without_webauthn()

        from auditlog.registry import auditlog
        from wagtail.models import AbstractPage
        from wagtail.permissions import register_permission_policy

        from lms import plain_text
        from lms.accounts import signals  # noqa: F401
        from lms.accounts.models import Organisation, User
        from lms.accounts.page_permissions import PagePermissionPolicyWithKnownRoot

        plain_text.connect()
        # Every change to a person (who, when, what) lands in the audit trail; the password
        # hash is masked and the sign-in time left out (it changes at every sign-in).
        auditlog.register(
            User,
            m2m_fields={"roles", "groups"},
            mask_fields=["password"],
            exclude_fields=["last_login"],
        )
        auditlog.register(Organisation)
        # Wagtail's page policy, with the explorer's start page found in fewer queries.
        register_permission_policy(AbstractPage, PagePermissionPolicyWithKnownRoot())
