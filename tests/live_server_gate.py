"""One database user at a time while the live server shares SQLite's in-memory connection.

With an in-memory SQLite database, pytest-django hands the test thread's connection object to
the live server, and Django's threaded server answers each request in a thread of its own.
Requests of one page (a service worker's sync beside the page's own load) and the test's own
queries then run on the same connection at the same moment: transactions interleave, a flush
meets a reader's open cursor ("database table is locked"), and a transaction left marked for
rollback breaks every later live-server test of that worker.

The gate serialises them: a request holds it from the call into Django to the last byte of
its body, and each query of another thread (the test's) waits for it. At the end of each
live-server test, once the browser is closed, it waits until no request is left in flight,
so none runs into the next test's flush. PostgreSQL gives each thread its own connection and
needs no gate.
"""

import logging
import threading

logger = logging.getLogger(__name__)

# Long enough for the slowest request of a busy machine; a request that calls the live server
# itself would otherwise wait for ever, so past this the waiter goes on without the gate.
WAIT_SECONDS = 120


class LiveServerGate:
    def __init__(self, httpd, shared_connections):
        self._lock = threading.RLock()
        self._idle = threading.Condition()
        self._in_flight = 0
        self._connections = list(shared_connections)
        app = httpd.get_app()
        httpd.set_app(self._gated(app))
        for connection in shared_connections:
            connection.execute_wrappers.append(self._query)
        self._held_by_atomic = threading.local()
        self._gate_atomic_blocks()

    def _gate_atomic_blocks(self):
        """A ``transaction.atomic()`` block of the test's thread keeps the gate from its start
        to its end: its bookkeeping on the shared connection (savepoints, the rollback mark)
        must not interleave with a request's own blocks."""
        from django.db import DEFAULT_DB_ALIAS, connections
        from django.db.transaction import Atomic

        enter, exit_ = Atomic.__enter__, Atomic.__exit__
        gate = self

        def gated_enter(atomic):
            stack = gate._atomic_stack()
            # Only blocks on the shared connection: a thread a test starts has its own.
            connection = connections[atomic.using or DEFAULT_DB_ALIAS]
            held = any(connection is shared for shared in gate._connections) and gate._acquire()
            stack.append(held)
            try:
                return enter(atomic)
            except BaseException:
                stack.pop()
                if held:
                    gate._lock.release()
                raise

        def gated_exit(atomic, exc_type, exc_value, traceback):
            try:
                return exit_(atomic, exc_type, exc_value, traceback)
            finally:
                stack = gate._atomic_stack()
                if stack and stack.pop():
                    gate._lock.release()

        Atomic.__enter__, Atomic.__exit__ = gated_enter, gated_exit

    def _atomic_stack(self) -> list[bool]:
        if not hasattr(self._held_by_atomic, "stack"):
            self._held_by_atomic.stack = []
        return self._held_by_atomic.stack

    def _acquire(self) -> bool:
        if self._lock.acquire(timeout=WAIT_SECONDS):
            return True
        logger.warning("The live server's gate was held %s s; going on without it.", WAIT_SECONDS)
        return False

    def _gated(self, app):
        def application(environ, start_response):
            with self._idle:
                self._in_flight += 1
            try:
                held = self._acquire()
                try:
                    result = app(environ, start_response)
                    try:
                        # A streamed body may still query the database: read it under the gate.
                        return [b"".join(result)]
                    finally:
                        if hasattr(result, "close"):
                            result.close()
                finally:
                    if held:
                        self._lock.release()
            finally:
                with self._idle:
                    self._in_flight -= 1
                    self._idle.notify_all()

        return application

    def _query(self, execute, sql, params, many, context):
        held = self._acquire()
        try:
            return execute(sql, params, many, context)
        finally:
            if held:
                self._lock.release()

    def wait_until_idle(self, timeout: float = 30) -> bool:
        with self._idle:
            return self._idle.wait_for(lambda: self._in_flight == 0, timeout=timeout)

    def left_in_a_transaction(self) -> list[str]:
        """What a test left open on the shared connection, which would break every later
        live-server test of this worker; the connection is put back in autocommit."""
        problems = []
        for connection in self._connections:
            if connection.in_atomic_block or connection.needs_rollback:
                problems.append(
                    f"{connection.alias}: in_atomic_block={connection.in_atomic_block}, "
                    f"needs_rollback={connection.needs_rollback}"
                )
                connection.needs_rollback = False
                connection.in_atomic_block = False
                connection.savepoint_ids = []
                if connection.connection is not None:
                    connection.connection.rollback()
                connection.set_autocommit(True)
        return problems


def gate_for(live_server) -> LiveServerGate | None:
    """The gate of this live server, installed the first time (None when nothing is shared)."""
    thread = live_server.thread
    shared = list(thread.connections_override.values())
    if not shared:
        return None
    gate = getattr(thread, "_test_gate", None)
    if gate is None:
        gate = thread._test_gate = LiveServerGate(thread.httpd, shared)
    return gate
