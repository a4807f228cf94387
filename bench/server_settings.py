# gunicorn settings of the bench: the site and its peers (bench/peers.py) are both served
# with this file, so they run with the same server settings (issue 14). The bind address
# and the application are given on the command line.
#
# BENCH_WORKERS x BENCH_THREADS gthread workers (2 x 4), keep-alive 5 s. BENCH_PRELOAD=1
# (the default) loads the application in the master before the workers are forked, as
# site/deploy/gunicorn.conf.py does (decision 0611); BENCH_PRELOAD=0 loads it in each
# worker. bench/run.py gives both servers the same environment, MALLOC_ARENA_MAX=2 with it
# (two glibc malloc arenas a process, as site/deploy/lms-web.service; decision 0617). Before
# each fork the master gives its heap's free pages back, as production does (decision 0637).
import gc
import os
import runpy
from pathlib import Path

# The production settings' heap release (site/deploy/heap.py, decision 0637), loaded by path:
# the peers' servers import nothing of the site.
_heap = runpy.run_path(str(Path(__file__).resolve().parents[1] / "site" / "deploy" / "heap.py"))

workers = int(os.environ.get("BENCH_WORKERS", 2))
threads = int(os.environ.get("BENCH_THREADS", 4))
worker_class = "gthread"
keepalive = 5
loglevel = "warning"
preload_app = os.environ.get("BENCH_PRELOAD", "1") == "1"


def pre_fork(server, worker):
    # What the master loaded stays shared with the workers: objects moved to the permanent
    # generation are never written by a collection in a worker (decision 0611).
    if preload_app:
        gc.freeze()
    # What loading freed goes back to the kernel rather than into each worker: both servers.
    _heap["release_free_heap"]()
