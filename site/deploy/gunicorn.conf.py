# gunicorn settings for one app server: `gunicorn -c site/deploy/gunicorn.conf.py lms.wsgi`.
# App servers are stateless; add more of them behind the load balancer to grow.
import multiprocessing
import os
import runpy
from pathlib import Path

_heap = runpy.run_path(str(Path(__file__).with_name("heap.py")))

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
worker_class = "gthread"
timeout = 30
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"

# The application is loaded once, in the master, before the workers are forked: the pages
# it fills stay shared by the workers until one writes them, and a worker replaced after
# max_requests starts at once. No connection, thread or Celery application exists yet at
# that point (tests/test_worker_imports.py). A new release needs a restart of the service
# (HUP reloads the settings, not preloaded code). Decision 0611. lms.wsgi also loads there
# what each worker would load on its first requests: the URLconf, the template engines and
# the cache's client (lms/preload.py, decision 0631).
preload_app = True


def pre_fork(server, worker):
    import gc

    # Objects moved to the permanent generation are never written by a collection in a
    # worker, so their pages stay shared.
    gc.freeze()
    # The heap's free pages go back to the kernel rather than into each worker (heap.py).
    _heap["release_free_heap"]()
