"""The visitor's address, the same for every rate limit (django-ratelimit's and allauth's).

Behind the shipped nginx (``site/deploy/nginx.conf``) every request comes from the proxy; nginx
puts the address it saw in ``X-Real-IP``, overwriting whatever the visitor sent, and the
settings name that header (``CLIENT_IP_META_KEY``, from ``RATELIMIT_IP_META_KEY``). A missing
or malformed header falls back to the connection's address: never an error page.
"""

import ipaddress

from django.conf import settings

UNKNOWN = "0.0.0.0"  # noqa: S104 (an address, not a socket binding)


def _valid(value) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request) -> str:
    key = getattr(settings, "CLIENT_IP_META_KEY", "REMOTE_ADDR") or "REMOTE_ADDR"
    return _valid(request.META.get(key)) or _valid(request.META.get("REMOTE_ADDR")) or UNKNOWN
