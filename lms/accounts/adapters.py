"""How allauth fits this project."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse
from django.utils import translation


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return getattr(settings, "ACCOUNT_ALLOW_SIGNUP", True)

    def get_login_redirect_url(self, request):
        """After sign-in, "my learning" in the person's own language."""
        language = getattr(request.user, "preferred_language", "") or translation.get_language()
        with translation.override(language):
            return reverse("portal:dashboard")

    def get_client_ip(self, request):
        """The visitor's address as every other rate limit sees it (behind the proxy too)."""
        from lms.client_address import client_ip

        return client_ip(request)

    def get_signup_redirect_url(self, request):
        """A new learner lands on "my learning" in the language they chose at sign-up."""
        return self.get_login_redirect_url(request)
