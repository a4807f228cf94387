"""What every web worker loads on its first requests, loaded once by `lms.wsgi` instead.

gunicorn loads `lms.wsgi` in its master before forking the workers (preload_app,
site/deploy/gunicorn.conf.py; decision 0611). Django itself leaves some of a worker's start to
its first requests: the URLconf with every view it names and the reverse-lookup table,
the template engine with every installed tag library, and the cache's client (redis-py).
Each worker then imports and builds them on its own, and keeps its own copy. Loaded here,
in the master, they are built once and their pages are shared by every worker it forks
(decision 0631). Nothing here opens a connection or starts a thread: no database query, no
Redis command, only imports and in-memory tables. The URLconf loaded is the public one, without
Wagtail's admin (decision 0633)."""

from django.conf import settings
from django.utils.module_loading import import_string

from lms import urlconfs


def load_what_every_worker_uses() -> None:
    from django.template import engines
    from django.urls import get_resolver
    from django.utils import translation
    from wagtail import hooks

    for cache in settings.CACHES.values():
        # The cache backend and its client class: django-redis's imports redis-py, which a
        # worker would otherwise import on the first request that reads the cache.
        import_string(cache["BACKEND"])
        client = cache.get("OPTIONS", {}).get("CLIENT_CLASS")
        if client:
            import_string(client)
    # The template engines: each imports every installed template tag library when built.
    engines.all()
    # The public URLconf and its views, and its reverse-lookup table in the default language
    # (Django builds one per language, on the first reverse() or resolve() in it): what
    # learners', trainers' and visitors' requests use. Not the full one (ROOT_URLCONF): it
    # adds Wagtail's admin, which staff and requests under /admin/ load in the worker that
    # serves them (decision 0633). No language stays active in this thread
    # (translation.override would leave one).
    resolver = get_resolver(urlconfs.PUBLIC_URLCONF)
    translation.activate(settings.LANGUAGE_CODE)
    try:
        resolver.reverse_dict  # noqa: B018
    finally:
        translation.deactivate()
    # Wagtail's hooks: the first page a worker serves asks for them (Wagtail's serve view runs
    # the ``before_serve_page`` hooks, the page cache reads the registered snippets on a
    # save), which imports every installed app's ``wagtail_hooks`` module with the admin
    # views, viewsets and forms they name: about 310 modules and 11 MB a process (decision
    # 0638).
    hooks.search_for_hooks()
