"""Production: refuses to start without a secret key and allowed hosts; PostgreSQL with
persistent connections, Redis for cache and sessions, HTTPS everywhere."""

from django.core.exceptions import ImproperlyConfigured

from .base import *
from .base import env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set to at least 50 random characters.")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must name the hosts this site serves.")
if not REDIS_URL:
    raise ImproperlyConfigured("REDIS_URL must point at Redis (cache, sessions, rate limits).")

DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=600)
SESSION_ENGINE = "lms.accounts.sessions"

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The shipped nginx sets X-Real-IP to the address it saw (site/deploy/nginx.conf).
CLIENT_IP_META_KEY = env("RATELIMIT_IP_META_KEY", default="HTTP_X_REAL_IP")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"

LOGGING["root"]["level"] = env("DJANGO_LOG_LEVEL", default="INFO")

# --- certification ---
if not CERTIFICATION_PUBLIC_BASE_URL.startswith("https://"):
    raise ImproperlyConfigured(
        "CERTIFICATION_PUBLIC_BASE_URL must be the site's public https address: QR codes on "
        "printed certificates point at it."
    )
if not CERTIFICATION_ISSUER_EMAIL or CERTIFICATION_ISSUER_EMAIL.endswith("@localhost"):
    raise ImproperlyConfigured(
        "CERTIFICATION_ISSUER_EMAIL (or DJANGO_DEFAULT_FROM_EMAIL) must be a real address: "
        "Open Badges issuer profiles publish it as the issuer's contact."
    )
if len(CERTIFICATION_SIGNING_KEY.rstrip("=")) != 43:
    raise ImproperlyConfigured(
        "CERTIFICATION_SIGNING_KEY must be 32 random bytes, base64url-encoded: it signs "
        "Open Badges 3.0 credentials."
    )
