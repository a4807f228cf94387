"""The Better Work learning system: the project and the core every room shares."""

from lms.celery import app as celery_app

__all__ = ["celery_app"]
