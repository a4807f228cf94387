"""Settings shared by every environment. Every deployment choice comes from the environment;
the defaults make the embedded demo work (SQLite, local memory cache, eager Celery)."""

import email.utils
from pathlib import Path

import django.conf.locale
import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
SITE_DIR = BASE_DIR / "site"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # The core every room shares.
    "lms.accounts",
    "lms.taxonomy",
    "lms.records",
    "lms.notifications",
    # The rooms.
    "media_library",
    "media_library.interactive",
    "courses",
    "courses.evaluations",
    "courses.progression",
    "certification",
    "community",
    "compliance",
    # The top: may read every room.
    "lms.portal",
    "lms.reports",
    "lms.reports.studies",
    "lms.privacy",
    # Wagtail and its translation workflow.
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    # Wagtail's redirects, snippets, documents and images apps are Wagtail's own configurations
    # without registering with its v3 API, which the site does not route (lms.wagtail_apps,
    # decision 0635).
    "lms.wagtail_apps.RedirectsConfig",
    "wagtail.contrib.frontend_cache",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "lms.wagtail_apps.SnippetsConfig",
    "lms.wagtail_apps.DocumentsConfig",
    "lms.wagtail_apps.ImagesConfig",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Accounts.
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # The audit trail of changes to and access to personal data (decision 0008).
    "auditlog",
    # Django.
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "lms.page_cache.PageCacheMiddleware",
    "lms.portal.site_lookup.SiteLookupMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The URLconf without the admin outside /admin/ (then staff take the full one back).
    "lms.urlconfs.PublicURLconfMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "lms.accounts.middleware.AuthenticationMiddleware",
    "lms.accounts.audit.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "lms.content_security.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "lms.accounts.middleware.SecondFactorMiddleware",
    "lms.accounts.middleware.PreferredLanguageMiddleware",
    "lms.urlconfs.StaffURLconfMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "lms.malformed_requests.MalformedRequestMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SITE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
                "lms.portal.context_processors.portal",
                "lms.notifications.context_processors.notifications",
            ],
        },
    },
]

# psycopg prepares a query run this many times on a connection through a cursor that binds
# on the server: only the signed-in person's (lms.accounts.backends; decision 0126), Django's
# own cursors bind on the client and are never prepared. Django's default (None) prepares
# nothing: set DJANGO_DB_PREPARED_STATEMENTS=0 behind a pooler in transaction mode that does
# not keep prepared statements (PgBouncer before 1.21, or without max_prepared_statements).
DATABASE_PREPARE_THRESHOLD = 5 if env.bool("DJANGO_DB_PREPARED_STATEMENTS", default=True) else None
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server and an eager worker read while one writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # PostgreSQL's JIT compiles any query whose estimated cost is high; for this site's short
    # queries compiling costs more than running (a 9 ms LRS page spent 214 ms compiling):
    # decision 0021. The connection option leaves the server's own setting alone.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"]["options"] = "-c jit=off"
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = DATABASE_PREPARE_THRESHOLD
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The page cache must be one for every process that serves or edits pages: Redis when there
# is one, else files on this machine (the demo's dev server and its video processing, the
# bench's gunicorn workers), never one process's memory.
CACHES["pages"] = (
    {**CACHES["default"], "KEY_PREFIX": "pages"}
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env("PAGE_CACHE_DIR", default=str(BASE_DIR / "var" / "cache" / "pages")),
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
)

# The shared page cache of public pages (lms/page_cache.py, docs/decisions/0007): anonymous
# pages from the "pages" cache (Redis with REDIS_URL: shared by every app server), kept
# until a change to the content starts a new generation, or PAGE_CACHE_SECONDS at most.
PAGE_CACHE_ENABLED = env.bool("PAGE_CACHE_ENABLED", default=True)
PAGE_CACHE_ALIAS = "pages"
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=3600)
# Each process keeps a copy of the cached pages it served lately, this many bytes at most
# (0: none), used while the shared generation is the one they were rendered under.
PAGE_CACHE_LOCAL_BYTES = env.int("PAGE_CACHE_LOCAL_BYTES", default=16 * 1024**2)
# How long a CDN may keep a public page (Cache-Control s-maxage); a published page's own
# addresses are purged at once when WAGTAILFRONTENDCACHE is configured (below).
PAGE_CACHE_CDN_SECONDS = env.int("PAGE_CACHE_CDN_SECONDS", default=60)
# Besides pages, snippets, images, documents, sites and locales: models whose change a
# public page may show.
# A signed-in learner's course and lesson pages, kept per session in the page cache's store
# until something they show changes (lms/learner_page_cache.py, docs/decisions/0608), at
# most LEARNER_PAGE_CACHE_SECONDS.
LEARNER_PAGE_CACHE_ENABLED = env.bool("LEARNER_PAGE_CACHE_ENABLED", default=True)
LEARNER_PAGE_CACHE_SECONDS = env.int("LEARNER_PAGE_CACHE_SECONDS", default=600)
# Rows whose saving or deleting changes what a learner's pages show, with whom they concern:
# "learner:<attribute>" (that person), "organisation:<attribute>" (its people: a team's
# submissions), "delivery" (everyone: rare staff edits). Statements are followed through
# lms.records.signals.statements_recorded; writes that bypass model signals (QuerySet.update)
# call lms.learner_page_cache.learning_state_changed themselves.
LEARNER_STATE_MODELS = {
    "accounts.User": ["learner:pk"],
    "records.Statement": ["learner:actor_id"],
    "courses.Enrolment": ["learner:learner_id"],
    "courses.Attendance": ["learner:learner_id"],
    "courses.Submission": ["learner:learner_id", "organisation:organisation_id"],
    "courses.Cohort": ["delivery"],
    "courses.ClassSession": ["delivery"],
    "progression.CoursePrerequisite": ["delivery"],
    "progression.PrerequisiteOverride": ["learner:learner_id"],
    "progression.QuizAttempt": ["learner:learner_id"],
    "certification.Certificate": ["learner:holder_id"],
    "interactive.H5PState": ["learner:learner_id"],
    "interactive.ScormAttempt": ["learner:learner_id"],
    "interactive.Cmi5Registration": ["learner:learner_id"],
    "interactive.Cmi5AuProgress": ["learner:registration.learner_id"],
    "interactive.Cmi5Session": ["learner:registration.learner_id"],
    "interactive.H5PContent": ["delivery"],
    "interactive.ScormPackage": ["delivery"],
    "interactive.Cmi5Package": ["delivery"],
    "wagtailcore.PageViewRestriction": ["delivery"],
}

PAGE_CACHE_MODELS = [
    "taxonomy.Country",
    "taxonomy.Sector",
    "taxonomy.Cluster",
    "taxonomy.CompliancePoint",
    "media_library.VideoItem",
    "media_library.VideoRendition",
    "media_library.Caption",
    "media_library.AudioTrack",
    "media_library.ComicPanel",
    "certification.Programme",
    "certification.Certificate",
    # A page made private (or public again) leaves (or joins) listings and search results.
    "wagtailcore.PageViewRestriction",
    # Kept by each process per generation (courses.progression.selectors.required_courses).
    "progression.CoursePrerequisite",
    # The transparency portal (compliance.views_public): a factory's name and profile, and
    # its country's rules of publication. Publishing an assessment and deciding on a
    # factory's response start a new generation from their services.
    "accounts.Organisation",
    "compliance.Factory",
    "compliance.PublicReportingRule",
    "compliance.PublicIssueChange",
]

# How long each process keeps the sites and locales it looked up (lms/portal/site_lookup.py,
# lms/taxonomy/locales.py); a change made through this process forgets them at once.
LOOKUP_CACHE_SECONDS = 300

# CDN purges when a page is published or unpublished (wagtail.contrib.frontend_cache):
# FRONTEND_CACHE_BACKEND = http (Varnish, nginx: FRONTEND_CACHE_LOCATION), cloudflare
# (FRONTEND_CACHE_CLOUDFLARE_ZONE, FRONTEND_CACHE_CLOUDFLARE_TOKEN) or cloudfront
# (FRONTEND_CACHE_CLOUDFRONT_DISTRIBUTION; credentials from boto3's environment).
_frontend_cache = env("FRONTEND_CACHE_BACKEND", default="")
if _frontend_cache == "http":
    WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": env("FRONTEND_CACHE_LOCATION"),
        }
    }
elif _frontend_cache == "cloudflare":
    WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
            "BEARER_TOKEN": env("FRONTEND_CACHE_CLOUDFLARE_TOKEN"),
            "ZONEID": env("FRONTEND_CACHE_CLOUDFLARE_ZONE"),
        }
    }
elif _frontend_cache == "cloudfront":
    WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
            "DISTRIBUTION_ID": env("FRONTEND_CACHE_CLOUDFRONT_DISTRIBUTION"),
        }
    }
elif _frontend_cache:
    raise ImproperlyConfigured("FRONTEND_CACHE_BACKEND must be http, cloudflare or cloudfront.")

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Django's and allauth's backends, loading the person's roles with them (decision 0031).
    "lms.accounts.backends.RolesModelBackend",
    "lms.accounts.backends.RolesAuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:dashboard"

# django-allauth: email or username (workers often have no email), optional email
# verification (sent whenever an address is given), TOTP for everyone who wants it.
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_USERNAME_MAX_LENGTH = 150
ACCOUNT_ADAPTER = "lms.accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "lms.accounts.forms.SignupForm"}
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
}
# Behind a proxy every request comes from the proxy's address: the header that carries the
# visitor's (HTTP_X_REAL_IP behind the shipped nginx, which overwrites what visitors send).
# Every rate limit, django-ratelimit's and allauth's, reads it through lms.client_address.
CLIENT_IP_META_KEY = env("RATELIMIT_IP_META_KEY", default="REMOTE_ADDR")
RATELIMIT_IP_META_KEY = "lms.client_address.client_ip"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", default="Better Work Learning")

# Internationalisation: the interface languages are the content languages.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("vi", "Tiếng Việt"),
    ("ar", "العربية"),
    ("km", "ខ្មែរ"),
    ("bn", "বাংলা"),
    ("id", "Bahasa Indonesia"),
    ("es", "Español"),
    ("fr", "Français"),
    ("am", "አማርኛ"),
    ("ur", "اردو"),
    ("ht", "Kreyòl ayisyen"),
    ("st", "Sesotho"),
]
RTL_LANGUAGES = {"ar", "ur"}
# Digits of numbers and dates (lms.numerals, decision 0010): CLDR's default numbering system
# of each language (Bengali digits for bn, Western digits for the others), except where the
# programme's own material uses the language's native digits.
NUMBERING_SYSTEMS = {"km": "native"}
# Languages Django's own table lacks: without an entry (and a catalogue, see locale/) their
# URL prefix is never recognised and every page under it answers 404.
EXTRA_LANG_INFO = {
    "am": {"bidi": False, "code": "am", "name": "Amharic", "name_local": "አማርኛ"},
    "ht": {"bidi": False, "code": "ht", "name": "Haitian Creole", "name_local": "Kreyòl ayisyen"},
    "st": {"bidi": False, "code": "st", "name": "Sesotho", "name_local": "Sesotho"},
}
for _code, _info in EXTRA_LANG_INFO.items():
    django.conf.locale.LANG_INFO.setdefault(_code, _info)
# Our corrections to Django's date formats (lms/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["lms.formats"]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# Ours first; then catalogues we provide for libraries that ship none in a language (allauth's
# sign-in, sign-up and two-factor pages in Vietnamese, Khmer, Bengali ...: locale/README.md).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "vendor"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "var" / "static"))
STATICFILES_DIRS = [SITE_DIR / "static"]
MEDIA_URL = env("DJANGO_MEDIA_URL", default="/media/")
MEDIA_ROOT = env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Private uploads (evidence, CPD records, attachments, exports, certificates: decision 0006)
# live apart from public media and are served only by views that check permission.
PRIVATE_MEDIA_ROOT = env("DJANGO_PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "var" / "private"))
# Behind nginx: the internal location that serves PRIVATE_MEDIA_ROOT (site/deploy/nginx.conf).
PRIVATE_MEDIA_ACCEL_PREFIX = env("DJANGO_PRIVATE_MEDIA_ACCEL_PREFIX", default="")
# With object storage: how long a signed address to a private file stays valid.
PRIVATE_MEDIA_URL_SECONDS = env.int("DJANGO_PRIVATE_MEDIA_URL_SECONDS", default=300)
STORAGES["private"] = {"BACKEND": "lms.private_files.PrivateFileSystemStorage"}
if env("AWS_STORAGE_BUCKET_NAME", default=""):
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("PRIVATE_BUCKET_NAME", default=env("AWS_STORAGE_BUCKET_NAME")),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "location": "private",
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": PRIVATE_MEDIA_URL_SECONDS,
            # A CDN domain would give unsigned addresses: private files never use one.
            "custom_domain": None,
        },
    }
if env("AWS_STORAGE_BUCKET_NAME", default=""):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "custom_domain": env("AWS_S3_CUSTOM_DOMAIN", default=None),
            "default_acl": None,
            "querystring_auth": env.bool("AWS_QUERYSTRING_AUTH", default=False),
        },
    }
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Limits of the one upload checker (lms/uploads.py) that every room's policy may override.
# A picture is decoded in full to find damage: its pixels bound the memory that takes.
UPLOAD_MAX_IMAGE_PIXELS = env.int("UPLOAD_MAX_IMAGE_PIXELS", default=40_000_000)
# Office documents are zip archives: bounds against zip bombs.
UPLOAD_MAX_ARCHIVE_ENTRIES = env.int("UPLOAD_MAX_ARCHIVE_ENTRIES", default=2000)
UPLOAD_MAX_UNPACKED_BYTES = env.int("UPLOAD_MAX_UNPACKED_BYTES", default=200 * 1024**2)
UPLOAD_MAX_COMPRESSION_RATIO = env.int("UPLOAD_MAX_COMPRESSION_RATIO", default=100)

EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("DJANGO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("DJANGO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("DJANGO_EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env(
    "DJANGO_DEFAULT_FROM_EMAIL", default="Better Work Learning <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: with no broker configured every task runs eagerly, in the request.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Wagtail.
WAGTAIL_SITE_NAME = _("Better Work Learning")
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILADMIN_LOGIN_URL = "account_login"
# Every sign-in and password change goes through allauth (rate limits, second factor,
# notifications): Wagtail's own forms for them are off.
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [(c, n) for c, n in LANGUAGES if c in {"en", "vi", "ar"}]
# Wagtail's database backend; on PostgreSQL its full-text backend counting hits in the same query
# as the page of hits (lms/portal/search_backend.py).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "lms.portal.search_backend"}}
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "doc", "odt", "xlsx", "pptx", "txt", "csv", "zip"]
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ALLOW_UNICODE_SLUGS = True
WAGTAILLOCALIZE_MACHINE_TRANSLATOR = None
TAGGIT_CASE_INSENSITIVE = True

# Security headers that hold in every environment; production tightens transport.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Content Security Policy. Public pages use no inline scripts; the Wagtail admin needs
# inline styles and scripts of its own (ADMIN_CONTENT_SECURITY_POLICY, lms/content_security.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "media-src": ["'self'", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
    },
}
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "font-src": ["'self'", "data:"],
    }
}
# Avatars are initials drawn by Wagtail, never a third party's (gravatar.com would learn
# which staff member opens the admin).
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Search input is bounded: longer queries are cut, never an error.
PORTAL_SEARCH_MAX_LENGTH = 200

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="WARNING")},
}

# --- courses ---
COURSES_EVIDENCE_MAX_BYTES = env.int("COURSES_EVIDENCE_MAX_BYTES", default=10 * 1024**2)

# --- media_library ---
MEDIA_FFMPEG = env("MEDIA_FFMPEG", default="/usr/bin/ffmpeg")
MEDIA_FFPROBE = env("MEDIA_FFPROBE", default="/usr/bin/ffprobe")
MEDIA_TRANSCODE_TIMEOUT = env.int("MEDIA_TRANSCODE_TIMEOUT", default=3600)
# `make demo`: the demo videos' renditions are made by `process_pending_videos` while the site
# already serves (their pages say the video is being prepared until then).
MEDIA_DEMO_VIDEOS_IN_BACKGROUND = env.bool("MEDIA_DEMO_VIDEOS_IN_BACKGROUND", default=False)
MEDIA_VIDEO_MAX_UPLOAD_BYTES = env.int("MEDIA_VIDEO_MAX_UPLOAD_BYTES", default=2 * 1024**3)
MEDIA_AUDIO_MAX_UPLOAD_BYTES = env.int("MEDIA_AUDIO_MAX_UPLOAD_BYTES", default=200 * 1024**2)
MEDIA_CAPTION_MAX_BYTES = 512 * 1024
# The request header a CDN or load balancer sets to the visitor's country (ISO 3166 alpha-2),
# e.g. CF-IPCountry; reach counts use it for anonymous visitors. Empty: not counted by country.
MEDIA_REACH_COUNTRY_HEADER = env("MEDIA_REACH_COUNTRY_HEADER", default="")
# Reach beacons per IP address (a factory's workers may share one address).
MEDIA_REACH_RATE = env("MEDIA_REACH_RATE", default="600/m")
# Page-weight budgets in bytes (compressed), checked by the tests and `make bench`.
MEDIA_EPISODE_PAGE_BUDGET = 100 * 1024
MEDIA_COMIC_FIRST_PANEL_BUDGET = 150 * 1024
# --- interactive ---
# H5P and SCORM packages carry JavaScript: their files are served from a separate origin
# (another host, so that no cookie of the site reaches them) when INTERACTIVE_PACKAGE_ORIGIN is
# set (e.g. http://localhost:8106 in the demo, https://packages.example.org in production),
# else from this host inside a sandboxed frame without allow-same-origin.
INTERACTIVE_PACKAGE_ORIGIN = env("INTERACTIVE_PACKAGE_ORIGIN", default="").rstrip("/")
# Origins allowed to frame the players (CSP frame-ancestors on package responses).
INTERACTIVE_EMBEDDING_ORIGINS = env.list(
    "INTERACTIVE_EMBEDDING_ORIGINS",
    default=["http://127.0.0.1:*", "http://localhost:*", "http://testserver"],
)
INTERACTIVE_MAX_UPLOAD_BYTES = env.int("INTERACTIVE_MAX_UPLOAD_BYTES", default=200 * 1024 * 1024)
INTERACTIVE_MAX_ENTRIES = env.int("INTERACTIVE_MAX_ENTRIES", default=5000)
INTERACTIVE_MAX_UNPACKED_BYTES = env.int(
    "INTERACTIVE_MAX_UNPACKED_BYTES", default=500 * 1024 * 1024
)
INTERACTIVE_MAX_COMPRESSION_RATIO = env.int("INTERACTIVE_MAX_COMPRESSION_RATIO", default=100)
# H5P's own allowlist (H5PCore::$defaultContentWhitelist without Flash); libraries add js, css.
INTERACTIVE_H5P_CONTENT_EXTENSIONS = [
    "json",
    "png",
    "jpg",
    "jpeg",
    "gif",
    "bmp",
    "tif",
    "tiff",
    "svg",
    "eot",
    "ttf",
    "woff",
    "woff2",
    "otf",
    "webm",
    "mp4",
    "ogg",
    "mp3",
    "m4a",
    "wav",
    "txt",
    "pdf",
    "rtf",
    "doc",
    "docx",
    "xls",
    "xlsx",
    "ppt",
    "pptx",
    "odt",
    "ods",
    "odp",
    "xml",
    "csv",
    "diff",
    "patch",
    "md",
    "textile",
    "vtt",
    "webvtt",
    "gltf",
    "glb",
]
INTERACTIVE_H5P_LIBRARY_EXTRA_EXTENSIONS = ["js", "css"]
MIDDLEWARE = ["media_library.interactive.middleware.PackageOriginMiddleware", *MIDDLEWARE]
# Unpacked packages live apart from MEDIA_ROOT, so the media URL never serves their scripts:
# only the package views do, sandboxed. With object storage, a private prefix of the bucket.
STORAGES["interactive"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": env("INTERACTIVE_ROOT", default=str(BASE_DIR / "var" / "interactive"))},
}
if env("AWS_STORAGE_BUCKET_NAME", default=""):
    STORAGES["interactive"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("INTERACTIVE_BUCKET_NAME", default=env("AWS_STORAGE_BUCKET_NAME")),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "location": "interactive-packages",
            "default_acl": "private",
            "querystring_auth": True,
        },
    }
if INTERACTIVE_PACKAGE_ORIGIN:
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["frame-src"].append(INTERACTIVE_PACKAGE_ORIGIN)
# --- certification ---
CERTIFICATION_EVIDENCE_MAX_BYTES = env.int("CERTIFICATION_EVIDENCE_MAX_BYTES", default=20 * 1024**2)
# The compliance room: photos and documents attached to findings and plan actions.
COMPLIANCE_EVIDENCE_MAX_BYTES = env.int("COMPLIANCE_EVIDENCE_MAX_BYTES", default=15 * 1024**2)
# Days before expiry when a holder may renew (and the reminders start).
CERTIFICATION_RENEWAL_WINDOW_DAYS = 90
CERTIFICATION_REMINDER_DAYS = [90, 30, 7]
# The public address verification links, QR codes and badges point at (no trailing slash).
CERTIFICATION_PUBLIC_BASE_URL = env("CERTIFICATION_PUBLIC_BASE_URL", default=WAGTAILADMIN_BASE_URL)
CERTIFICATION_ISSUER_NAME = env("CERTIFICATION_ISSUER_NAME", default="Better Work (ILO/IFC)")
# The issuer's contact address, required in Open Badges 2.0 issuer profiles; by default the
# address the site sends from.
CERTIFICATION_ISSUER_EMAIL = env(
    "CERTIFICATION_ISSUER_EMAIL", default=email.utils.parseaddr(DEFAULT_FROM_EMAIL)[1]
)
# Ed25519 key that signs Open Badges 3.0 credentials: 32 bytes, base64url. Without it the key
# is derived from SECRET_KEY (stable across app servers); production sets its own.
CERTIFICATION_SIGNING_KEY = env("CERTIFICATION_SIGNING_KEY", default="")
CERTIFICATION_VERIFY_RATE = env("CERTIFICATION_VERIFY_RATE", default="60/m")
# Calls one buyer's API key may make (compliance.api, decision 0701).
BUYER_API_RATE = env("BUYER_API_RATE", default="120/m")
CELERY_BEAT_SCHEDULE = globals().get("CELERY_BEAT_SCHEDULE", {})
CELERY_BEAT_SCHEDULE |= {
    "certification-expiry-reminders": {
        "task": "certification.tasks.expiry_reminders_send",
        "schedule": 6 * 60 * 60,
    },
}

# --- community ---
# Images in user-written HTML may only come from our own storage (see lms/sanitizer.py).
SANITIZER_IMAGE_URL_PREFIXES = [MEDIA_URL, "/community/files/"]
COMMUNITY_SITE_URL = env("COMMUNITY_SITE_URL", default=WAGTAILADMIN_BASE_URL)
COMMUNITY_POST_MAX_LENGTH = 20000
COMMUNITY_ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
COMMUNITY_ATTACHMENTS_PER_POST = 5
COMMUNITY_RATE_WINDOW_MINUTES = 10
COMMUNITY_NEW_POSTS_PER_WINDOW = 3
COMMUNITY_TRUSTED_POSTS_PER_WINDOW = 20
COMMUNITY_NEW_MEMBER_MAX_LINKS = 2
COMMUNITY_TRUST_AFTER_DAYS = 2
COMMUNITY_TRUST_AFTER_POSTS = 3
COMMUNITY_FLAGS_TO_HIDE = 3
# Beat times as crontab strings (minute hour day-of-month month day-of-week), made Celery
# schedules by lms.celery, so loading the settings does not load Celery.
CELERY_BEAT_SCHEDULE = globals().get("CELERY_BEAT_SCHEDULE", {})
CELERY_BEAT_SCHEDULE |= {
    "community-daily-digest": {
        "task": "community.tasks.send_digests",
        "schedule": "0 6 * * *",
        "args": ("daily",),
    },
    "community-weekly-digest": {
        "task": "community.tasks.send_digests",
        "schedule": "0 6 * * 1",
        "args": ("weekly",),
    },
    # Certificates expire by date, without an event: the portal takes back, once a day,
    # the community memberships that came with a certificate no longer valid.
    "portal-certificate-communities": {
        "task": "lms.portal.tasks.certificate_communities_withdraw_task",
        "schedule": "30 0 * * *",
    },
}
# Overdue improvement-plan actions are reminded once a day (each at most once a week).
CELERY_BEAT_SCHEDULE["compliance-overdue-actions"] = {
    "task": "compliance.tasks.overdue_actions_remind",
    "schedule": "0 5 * * *",
}
# Required and recurring training (issue 22.6): assignments, new cycles, due-soon and overdue
# notices, once a day (courses.training; idempotent).
CELERY_BEAT_SCHEDULE["courses-training-requirements"] = {
    "task": "courses.tasks.training_requirements_apply_task",
    "schedule": "45 4 * * *",
}
# --- privacy (issue 21.4, decision 0011) ---
# Accounts unused (no sign-in) for this many days are proposed for erasure once a day; 0 turns
# it off. "propose" opens a request for staff to review; "erase" approves it at once.
LMS_INACTIVE_ACCOUNT_RETENTION_DAYS = env.int("LMS_INACTIVE_ACCOUNT_RETENTION_DAYS", default=1095)
LMS_INACTIVE_ACCOUNT_ERASURE = env("LMS_INACTIVE_ACCOUNT_ERASURE", default="propose")
if LMS_INACTIVE_ACCOUNT_ERASURE not in {"propose", "erase"}:
    raise ImproperlyConfigured("LMS_INACTIVE_ACCOUNT_ERASURE must be propose or erase.")
# How often a person may download all their data.
LMS_DATA_DOWNLOAD_RATE = env("LMS_DATA_DOWNLOAD_RATE", default="5/h")
# Sessions that take sign-ups: no-shows derived from attendance once they end (issue 22).
CELERY_BEAT_SCHEDULE["courses-session-no-shows"] = {
    "task": "courses.tasks.session_no_shows_record_task",
    "schedule": "40 * * * *",
}
CELERY_BEAT_SCHEDULE["privacy-inactive-accounts"] = {
    "task": "lms.privacy.tasks.inactive_accounts_propose_erasure",
    "schedule": "15 3 * * *",
}
# Media served from another origin (a CDN or S3 custom domain) must be allowed by the Content
# Security Policy: pictures, posters, video and audio, and fetches that save them offline.
_media_origins = set()
if MEDIA_URL.startswith(("http://", "https://")):
    from urllib.parse import urlsplit

    _parts = urlsplit(MEDIA_URL)
    _media_origins.add(f"{_parts.scheme}://{_parts.netloc}")
if env("AWS_S3_CUSTOM_DOMAIN", default=""):
    _media_origins.add(f"https://{env('AWS_S3_CUSTOM_DOMAIN')}")
for _directive in ("img-src", "media-src", "connect-src"):
    CONTENT_SECURITY_POLICY["DIRECTIVES"][_directive] += sorted(_media_origins)

# --- notifications (issue 22, decisions 0012-0014) ---
# Text messages: the console backend prints them; "lms.notifications.sms.TwilioBackend"
# sends them through Twilio with the account below.
LMS_SMS_BACKEND = env("LMS_SMS_BACKEND", default="lms.notifications.sms.ConsoleBackend")
LMS_SMS_TWILIO_ACCOUNT_SID = env("LMS_SMS_TWILIO_ACCOUNT_SID", default="")
LMS_SMS_TWILIO_AUTH_TOKEN = env("LMS_SMS_TWILIO_AUTH_TOKEN", default="")
LMS_SMS_TWILIO_FROM = env("LMS_SMS_TWILIO_FROM", default="")
LMS_SMS_TWILIO_MESSAGING_SERVICE_SID = env("LMS_SMS_TWILIO_MESSAGING_SERVICE_SID", default="")
CELERY_BEAT_SCHEDULE["notifications-deliver-pending"] = {
    "task": "lms.notifications.tasks.notifications_deliver_pending",
    "schedule": 10 * 60,
}
# Session reminders (24 h and 1 h before) are looked for every five minutes; modules that
# open today are announced once a day.
CELERY_BEAT_SCHEDULE["courses-session-reminders"] = {
    "task": "courses.notifications.session_reminders_send",
    "schedule": 5 * 60,
}
CELERY_BEAT_SCHEDULE["courses-module-openings"] = {
    "task": "courses.notifications.module_openings_announce",
    "schedule": "0 4 * * *",
}
# People present at a session are invited to rate it within the hour after it ends.
CELERY_BEAT_SCHEDULE["courses-evaluation-invitations"] = {
    "task": "courses.notifications.evaluation_invitations_send",
    "schedule": 15 * 60,
}
# --- reports (decision 0605) ---
# The training dashboard serves tables computed at most this many seconds ago; a beat task
# recomputes the views opened in the last day at this interval.
REPORTS_TABLES_REFRESH_SECONDS = env.int("REPORTS_TABLES_REFRESH_SECONDS", default=300)
# Memory PostgreSQL may give each sort or hash of the computation of those tables (decision
# 0609): at 100,000 learners its sorts spill to disk at the server's default of 4 MB.
REPORTS_WORK_MEM = env.str("REPORTS_WORK_MEM", default="64MB")
CELERY_BEAT_SCHEDULE["reports-training-tables"] = {
    "task": "lms.reports.tasks.training_views_prepare",
    "schedule": REPORTS_TABLES_REFRESH_SECONDS,
}
# Record files of the training exports are kept while current, at most a day (decision 0607).
CELERY_BEAT_SCHEDULE["reports-stale-exports"] = {
    "task": "lms.reports.tasks.stale_exports_remove",
    "schedule": 15 * 60,
}
