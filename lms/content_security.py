"""One Content Security Policy middleware for the whole site: public pages get the strict
policy of ``CONTENT_SECURITY_POLICY``; the Wagtail admin gets ``ADMIN_CONTENT_SECURITY_POLICY``,
the same policy with the inline scripts and styles Wagtail's own templates need (its panels
and date widgets write inline scripts), and nothing from other origins.

Most responses use no nonce and no per-view change of the policy (``csp_update`` and the
like): their header depends on the settings alone, so it is built once per process (and
again when a test overrides the settings) instead of twice a request, which cost about a
tenth of a millisecond on every response (decision 0124). Any other response goes through
django-csp as before."""

import http.client

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy, default_config
from django.conf import settings
from django.core.signals import setting_changed

# The response attributes through which django-csp's decorators change a view's policy.
_PER_RESPONSE = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)
# (admin, report only) -> the header's value ("" when that policy is not configured).
_built: dict[tuple[bool, bool], str] = {}


def _admin_config():
    return default_config(settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"])


def _settings_policy(*, admin: bool, report_only: bool) -> str:
    key = (admin, report_only)
    if key not in _built:
        config = _admin_config() if admin and not report_only else None
        _built[key] = build_policy(config=config, report_only=report_only)
    return _built[key]


def _forget_policies(*, setting, **kwargs) -> None:
    if "CONTENT_SECURITY_POLICY" in setting:
        _built.clear()


setting_changed.connect(_forget_policies, dispatch_uid="lms.content_security")


def _is_admin(request) -> bool:
    return request.path_info.startswith("/admin/")


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None and _is_admin(request):
            parts.config = _admin_config()
        return parts

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(
            getattr(response, name, None) is not None for name in _PER_RESPONSE
        ):
            return super().process_response(request, response)
        # What django-csp's own process_response does, with the policies built once.
        debug_page = response.status_code in (
            http.client.INTERNAL_SERVER_ERROR,
            http.client.NOT_FOUND,
        )
        if debug_page and settings.DEBUG:
            return response
        admin = _is_admin(request)
        for header, report_only, exempt, setting_name in (
            (HEADER, False, "_csp_exempt", "CONTENT_SECURITY_POLICY"),
            (HEADER_REPORT_ONLY, True, "_csp_exempt_ro", "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
        ):
            policy = _settings_policy(admin=admin, report_only=report_only)
            if not policy or header in response or getattr(response, exempt, False) is not False:
                continue
            prefixes = (getattr(settings, setting_name, None) or {}).get("EXCLUDE_URL_PREFIXES")
            if not request.path_info.startswith(tuple(prefixes or ())):
                response[header] = policy
        # As django-csp: a nonce asked for after the header was written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
