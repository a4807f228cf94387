"""The Better Work learning system: the project and the core every room shares.

The Celery application (``lms.celery``) is loaded on first use, not with the project, so
a web worker that never sends a task does not hold Celery."""


def __getattr__(name):
    if name == "celery_app":
        from lms.celery import app

        return app
    raise AttributeError(f"module 'lms' has no attribute {name!r}")
