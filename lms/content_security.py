"""One Content Security Policy middleware for the whole site: public pages get the strict
policy of ``CONTENT_SECURITY_POLICY``; the Wagtail admin gets ``ADMIN_CONTENT_SECURITY_POLICY``,
the same policy with the inline scripts and styles Wagtail's own templates need (its panels
and date widgets write inline scripts), and nothing from other origins."""

from csp.middleware import CSPMiddleware
from csp.utils import default_config
from django.conf import settings


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None and request.path_info.startswith("/admin/"):
            parts.config = default_config(settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"])
        return parts
