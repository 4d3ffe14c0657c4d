"""Dargah: the information exchange gateway of Iran's Ministry of Science (MSRT)."""

import os

__version__ = "0.1.0"

# Polars' allocator (jemalloc) keeps freed pages for ten seconds by default, so a
# process that loads a million rows holds memory it no longer uses for the whole
# load. A gateway worker runs for weeks: give pages back as soon as they are freed.
# Read once, when polars first allocates; an operator's own setting wins.
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:0,muzzy_decay_ms:0")
