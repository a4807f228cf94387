"""WSGI entry point for gunicorn and friends."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.production")

application = get_wsgi_application()

# What each worker would load on its first requests, loaded once: in gunicorn's master when
# the application is preloaded, shared by the workers it forks (lms/preload.py).
from lms.preload import load_what_every_worker_uses  # noqa: E402

load_what_every_worker_uses()
