"""Giving freed heap back to the system while serving.

WHY: a computed results page allocates and frees many small and mid-sized buffers (numpy arrays
of postings and scores, decoded term blocks, strings). glibc keeps freed memory in its heap
arenas, where fragmentation pins it: under traffic of ever new queries a worker's RSS grew well
past what its bounded caches hold. `malloc_trim` returns the free pages; once every
`TRIM_EVERY` computed pages its cost (about a millisecond) is negligible per page.

The per-word memos (`functools.lru_cache` on stemming and on the foldings snippets use) are sized
for ingest, where hundreds of thousands of distinct words recur; a server meeting ever new query
words and report bodies grows them by ≈ 5 MB per 1,000 fresh pages (measured at 100k reports).
At each trim, a memo past `SERVER_MEMO_WORDS` entries is emptied: its hot words come back within
a few pages, and a worker's memory stays within its budget.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import threading

#: Computed pages between two trims.
TRIM_EVERY = 100
#: Entries a per-word memo may hold in a server before a trim empties it.
SERVER_MEMO_WORDS = 10_000


def _trimmer():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):  # not glibc (macOS, musl): nothing to do
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


class HeapTrimmer:
    """Counts computed pages; every `every`-th one trims the heap (no-op where unsupported)."""

    def __init__(self, every: int = TRIM_EVERY, memos=(), memo_words: int = SERVER_MEMO_WORDS):
        self.every = max(1, every)
        #: lru_cache-wrapped functions bounded to `memo_words` entries at each trim.
        self.memos = tuple(memos)
        self.memo_words = memo_words
        self._trim = _trimmer()
        self._count = 0
        self._lock = threading.Lock()

    def tick(self) -> bool:
        """Count one page; True when this call trimmed."""
        with self._lock:
            self._count += 1
            if self._count < self.every:
                return False
            self._count = 0
        for memo in self.memos:
            if memo.cache_info().currsize > self.memo_words:
                memo.cache_clear()
        if self._trim is None:
            return False
        self._trim(0)
        return True
