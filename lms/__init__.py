"""The Better Work learning system: the project and the core every room shares.

The Celery application (``lms.celery``) is loaded on first use, not with the project, so
a web worker that never sends a task does not hold Celery.

Beautiful Soup registers a tree builder for every parser it finds installed, and its lxml
builder imports lxml (about 4 MB a worker). lxml is installed for PyLD (JSON-LD signing,
imported where used), and every ``BeautifulSoup`` call of the site and of the libraries it
runs (Wagtail, wagtail-localize) names ``"html.parser"``: the lxml builder is marked as
absent before anything imports Beautiful Soup, which then registers the others (decision
0618). A ``BeautifulSoup(markup, "lxml")`` would raise ``FeatureNotFound``;
``tests/test_worker_imports.py`` holds the calls to the parser they name."""

import sys

sys.modules.setdefault("bs4.builder._lxml", None)


def __getattr__(name):
    if name == "celery_app":
        from lms.celery import app

        return app
    raise AttributeError(f"module 'lms' has no attribute {name!r}")
