"""Dargah: the information exchange gateway of Iran's Ministry of Science (MSRT)."""

import ctypes
import os
import sys

__version__ = "0.1.0"

# Polars' allocator (jemalloc) keeps freed pages for ten seconds by default, so a
# process that loads a million rows holds memory it no longer uses for the whole
# load. A gateway worker runs for weeks: give pages back as soon as they are freed.
# Read once, when polars first allocates; an operator's own setting wins.
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:0,muzzy_decay_ms:0")

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_ONE_MIB = 1 << 20


def _return_freed_memory() -> None:
    """Make glibc's allocator (numpy's, Python's) give big blocks back when freed.

    By default glibc raises its mmap threshold each time a big block is freed (up to
    32 MB), after which big arrays come from the heap, whose freed space a process
    keeps: a load's memory would then follow the largest file it ever read rather
    than what it holds now. A fixed threshold keeps blocks of 1 MiB and more mapped
    (returned when freed) and trims the heap's free top beyond 1 MiB. Skipped when an
    operator set either through glibc's own environment variables.
    """
    if not sys.platform.startswith("linux"):
        return
    if "MALLOC_MMAP_THRESHOLD_" in os.environ or "MALLOC_TRIM_THRESHOLD_" in os.environ:
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc (musl, say): nothing to tune
        return
    libc.mallopt(_M_MMAP_THRESHOLD, _ONE_MIB)
    libc.mallopt(_M_TRIM_THRESHOLD, _ONE_MIB)


_return_freed_memory()
