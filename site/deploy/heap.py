"""Give the free pages of the C heap back to the kernel before gunicorn forks its workers.

Loading the site in gunicorn's master (``preload_app``, decision 0611; ``lms/preload.py``)
allocates and frees a good deal: without bytecode caches, compiling redis-py's command
modules alone leaves about 14 MB of the heap free. glibc keeps freed memory for reuse rather
than returning it, so those pages stay resident in the master, and every worker forked
from it starts with them in its own resident set, where nothing will use them.
``malloc_trim(0)`` returns every whole free page of the heap to the kernel (issue 14, a
worker's memory; decision 0637). On a C library without it (musl), nothing is done.

A plain module (no Django, no project import): gunicorn's settings files load it by path,
the production one and the bench's, whose peers import nothing of the site."""

import ctypes


def release_free_heap() -> bool:
    """Return the heap's free pages to the kernel; False where the C library cannot."""
    trim = getattr(ctypes.CDLL(None), "malloc_trim", None)
    if trim is None:
        return False
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    trim(0)
    return True
