"""Preparing reports on several cores while the main process stores them.

Why: preparing a report (decode, clean, gazetteer tagging, date extraction …) is pure CPU work on
one text, about half of ingest's cost; storing (database + index) must stay in one process, in
order. So the main process reads files and stores batches, and a pool of worker processes prepares
records in between — results come back in input order, so an ingest does exactly what the serial
loop does (same duplicates, same refusals, same IDs), only sooner.

Small ingests stay serial: a pool is started only once more than `POOL_AFTER` records are seen.
"""
from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from itertools import chain, islice
from typing import TypeVar

R = TypeVar("R")
T = TypeVar("T")

#: Records after which a pool pays for its start-up (≈ 0.1 s per fork on a loaded machine).
POOL_AFTER = 64
#: Records sent to a worker at a time (amortises pickling round trips and the pool's handler threads
#: in the main process, which wake up for every result: measured 0.05 → 0.01 ms of main-process CPU
#: per record from 8 to 32).
CHUNK = 32
#: Records prepared ahead of the main process: two stored batches, so the workers keep working
#: while the main process writes a batch to the database and the index, and the next batch is
#: ready when it is done (with one batch, the main process waited a third of the time; bounds memory too).
READ_AHEAD = 4500
#: Niceness added to the worker processes. The main process (which stores, in order) is the
#: slowest stage, so whenever it waits for a core the whole ingest waits: at 100k reports on 2
#: cores, with equal priorities, only ≈ 1.5 cores were busy on average. Lower-priority workers
#: take what the main process leaves; they still have more than they need.
WORKER_NICENESS = 5


def default_workers() -> int:
    """Workers to use: SIJILL_INGEST_WORKERS, else the number of cores (1 = serial)."""
    raw = os.environ.get("SIJILL_INGEST_WORKERS", "").strip()
    if raw:
        try:
            return max(1, int(raw))
        except ValueError:
            raise ValueError(f"SIJILL_INGEST_WORKERS={raw!r} is not a whole number") from None
    return os.cpu_count() or 1


def ordered_map(fn: Callable[[T], R], items: Iterable[T], workers: int | None = None, *,
                pack: Callable[[R], object] | None = None,
                unpack: Callable[[object], R] | None = None) -> Iterator[tuple[T, R]]:
    """(item, fn(item)) for every item, in input order; `fn` runs in worker processes when the
    input is large and `workers` > 1. `fn` must be a module-level function (or partial of one).

    With workers, a result travels as `pack(result)` (pickled) and arrives as `unpack(...)` of it:
    a cheaper form to pickle than the result itself (module-level functions too)."""
    workers = default_workers() if workers is None else workers
    it = iter(items)
    head = list(islice(it, POOL_AFTER + 1))
    if workers <= 1 or len(head) <= POOL_AFTER or "fork" not in multiprocessing.get_all_start_methods():
        for item in chain(head, it):
            yield item, fn(item)
        return
    ctx = multiprocessing.get_context("fork")  # workers inherit loaded modules: no re-import
    pending = chain(head, it)
    in_flight: deque[tuple[list[T], object]] = deque()
    with ctx.Pool(workers, initializer=_lower_priority) as pool:
        # Bounded read-ahead: Pool.imap would read every record into its task queue at once.
        while True:
            while len(in_flight) * CHUNK < max(READ_AHEAD, workers * CHUNK * 2):
                chunk = list(islice(pending, CHUNK))
                if not chunk:
                    break
                in_flight.append((chunk, pool.apply_async(_apply_all, (fn, chunk, pack))))
            if not in_flight:
                break
            chunk, result = in_flight.popleft()
            results = result.get()
            yield from zip(chunk, map(unpack, results) if unpack else results)


def _lower_priority() -> None:
    try:
        os.nice(WORKER_NICENESS)
    except OSError:  # not permitted here: run at the same priority
        pass


def _apply_all(fn: Callable[[T], R], chunk: list[T], pack: Callable[[R], object] | None = None) -> list:
    return [pack(fn(x)) for x in chunk] if pack else [fn(x) for x in chunk]


def prepare_in_parallel(prepare: Callable, records: Iterable, now: dt.datetime,
                        passthrough: type, workers: int | None = None) -> Iterator[tuple[object, object]]:
    """(record, prepared) pairs in input order; records of type `passthrough` (refusals from the
    readers) are returned as they are, without a trip to a worker. Prepared reports come back
    from the workers as plain data (`transfer`), not as pickled ORM objects."""
    from .transfer import pack, unpack

    return ordered_map(partial(_prepare_or_pass, prepare, now, passthrough), records, workers,
                       pack=pack, unpack=unpack)


def _prepare_or_pass(prepare: Callable, now: dt.datetime, passthrough: type, item):
    return item if isinstance(item, passthrough) else prepare(item, now)
