"""The garbage collector's settings for a bulk ingest.

Why: ingest allocates millions of objects that live for a while — a batch of reports with their
mentions and analysis, the index writer's postings, the reports prepared ahead — and Python's
default thresholds (700, 10, 10) ran a young collection every 700 allocations, each promoting the
survivors into ever larger older generations that are traversed again and again. Measured on
`bench/ingest.py --size 10000`: main process 52.8 → 39.6 s CPU, all processes 92.8 → 75.4 s,
for a higher peak RSS (cyclic garbage, e.g. a stored batch, waits longer to be collected).
"""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

#: Young-generation threshold and the two older ones' (collections of the younger per collection).
INGEST_THRESHOLDS = (50_000, 20, 20)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the block — and the worker processes it forks, which inherit the setting — with
    `INGEST_THRESHOLDS`; the previous thresholds are restored after it."""
    before = gc.get_threshold()
    gc.set_threshold(*INGEST_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
