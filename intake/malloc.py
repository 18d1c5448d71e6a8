"""Give a sign-in's argon2 memory back to the system once the hash is done.

A password hash takes ARGON2_MEMORY_KIB (19 MiB) in one block. glibc's malloc serves a
block that large with mmap and unmaps it on free, but then raises its mmap threshold to
the freed size, so from the second sign-in on the block came from the heap, and the
heap kept it: a gunicorn worker on PostgreSQL stayed at 102 MB resident for the rest of
its life. Setting the threshold explicitly turns that adjustment off (mallopt(3)), and
each hash's block is unmapped when the hash returns: the worker is back at 82.6 MB.
"""

from __future__ import annotations

import ctypes

M_MMAP_THRESHOLD = -3  # glibc's <malloc.h>
MMAP_THRESHOLD_BYTES = 128 * 1024  # glibc's own starting value


def return_large_blocks_to_the_system() -> bool:
    """Fix glibc's mmap threshold for this process and the processes it forks afterwards
    (create_app calls it: gunicorn's master, with preload_app, before the workers fork).
    False where mallopt does nothing (musl) or is missing (macOS): nothing changes there."""
    # The process's own symbols, libc's among them: find_library("c") would run ldconfig
    # in a subprocess on every create_app.
    mallopt = getattr(ctypes.CDLL(None), "mallopt", None)
    if mallopt is None:
        return False
    return mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) == 1
