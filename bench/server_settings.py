# gunicorn settings of the bench: the site and its peers (bench/peers.py) are both served
# with this file, so they run with the same server settings (issue 14). The bind address
# and the application are given on the command line.
#
# BENCH_WORKERS x BENCH_THREADS gthread workers (2 x 4), keep-alive 5 s. BENCH_PRELOAD=1
# (the default) loads the application in the master before the workers are forked, as
# site/deploy/gunicorn.conf.py does (decision 0611); BENCH_PRELOAD=0 loads it in each
# worker. bench/run.py gives both servers the same environment, MALLOC_ARENA_MAX=2 with it
# (two glibc malloc arenas a process, as site/deploy/lms-web.service; decision 0617).
import gc
import os

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
