"""Running the same work in several threads at once, released together by a barrier, each
with its own database connection (closed after): how the concurrency tests make requests
collide on PostgreSQL."""

import threading

from django.db import connections


def run_at_once(work, items) -> tuple[list, list]:
    """``work(item)`` for every item in its own thread, all started at the same moment;
    answers the results and the exceptions raised, in the order they came."""
    barrier = threading.Barrier(len(items))
    results, errors = [], []

    def run(item):
        try:
            barrier.wait()
            results.append(work(item))
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors
