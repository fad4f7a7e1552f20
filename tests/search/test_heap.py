"""HeapTrimmer: every n-th computed page gives freed heap back (glibc), a no-op elsewhere."""
from __future__ import annotations

import sys

from app.search.heap import HeapTrimmer


def test_trims_every_nth_page():
    t = HeapTrimmer(every=3)
    ticks = [t.tick() for _ in range(7)]
    if sys.platform.startswith("linux") and t._trim is not None:
        assert ticks == [False, False, True, False, False, True, False]
    else:
        assert not any(ticks)
