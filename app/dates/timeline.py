"""The results timeline: how many reports fall in each day, week, month or year.

Pure, so the counts can be checked against a recount: a report is counted once in every bucket
that one of its date ranges overlaps (a publication date is a one-day range; mentioned dates are
ranges, clipped to the active from/to window). Empty buckets are kept, so gaps in the record show.

Units follow the span of the dates: day up to 62 days, week up to a year (weeks start on
Saturday, as Syria's working week does), month up to ten years, year beyond.
"""
from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

Range = tuple[dt.date, dt.date]
UNITS = ("day", "week", "month", "year")
#: Day numbers (`histogram_days`) count days from this date, as numpy's datetime64[D] does.
EPOCH = dt.date(1970, 1, 1)


@dataclass
class Bucket:
    start: dt.date
    end: dt.date
    count: int


def choose_unit(first: dt.date, last: dt.date) -> str:
    span = (last - first).days
    if span <= 62:
        return "day"
    if span <= 366:
        return "week"
    return "month" if span <= 3660 else "year"


def bucket_start(d: dt.date, unit: str) -> dt.date:
    if unit == "day":
        return d
    if unit == "week":
        return d - dt.timedelta(days=(d.weekday() - 5) % 7)
    if unit == "month":
        return d.replace(day=1)
    return d.replace(month=1, day=1)


def bucket_end(start: dt.date, unit: str) -> dt.date:
    if unit == "day":
        return start
    if unit == "week":
        return start + dt.timedelta(days=6)
    if unit == "month":
        nxt = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return nxt - dt.timedelta(days=1)
    return start.replace(month=12, day=31)


def clip(r: Range, window: tuple[dt.date | None, dt.date | None]) -> Range | None:
    lo = max(r[0], window[0]) if window[0] else r[0]
    hi = min(r[1], window[1]) if window[1] else r[1]
    return (lo, hi) if lo <= hi else None


def histogram(items: Iterable[Iterable[Range]],
              window: tuple[dt.date | None, dt.date | None] = (None, None)) -> tuple[list[Bucket], str]:
    """`items`: for each report, its date ranges. Returns (buckets, unit)."""
    clipped: list[list[Range]] = []
    for ranges in items:
        rs = [c for r in ranges if (c := clip(r, window))]
        if rs:
            clipped.append(rs)
    if not clipped:
        return [], "day"
    first = min(r[0] for rs in clipped for r in rs)
    last = max(r[1] for rs in clipped for r in rs)
    unit = choose_unit(first, last)
    buckets = empty_buckets(first, last, unit)
    starts = [b.start for b in buckets]
    for rs in clipped:
        hit: set[int] = set()
        for lo, hi in rs:
            a = bisect.bisect_right(starts, lo) - 1
            b = bisect.bisect_right(starts, hi) - 1
            hit.update(range(a, b + 1))
        for k in hit:
            buckets[k].count += 1
    return buckets, unit


def empty_buckets(first: dt.date, last: dt.date, unit: str) -> list[Bucket]:
    """Consecutive buckets of `unit` covering first..last, counts at zero."""
    return [Bucket(start, end, 0) for start, end in _periods(first, last, unit)]


@lru_cache(maxsize=256)
def _periods(first: dt.date, last: dt.date, unit: str) -> tuple[tuple[dt.date, dt.date], ...]:
    """The (start, end) of `empty_buckets`: result pages of one archive share a few spans, and
    the date arithmetic of a 70-bucket timeline cost more than counting its reports."""
    out = []
    cur = bucket_start(first, unit)
    while cur <= last:
        end = bucket_end(cur, unit)
        out.append((cur, end))
        cur = end + dt.timedelta(days=1)
    return tuple(out)


@lru_cache(maxsize=256)
def _period_starts(first: dt.date, last: dt.date, unit: str) -> np.ndarray:
    starts = np.array([day_number(s) for s, _ in _periods(first, last, unit)], dtype=np.int64)
    starts.setflags(write=False)
    return starts


def day_number(d: dt.date) -> int:
    return (d - EPOCH).days


def histogram_days(owners: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                   window: tuple[dt.date | None, dt.date | None] = (None, None)) -> tuple[list[Bucket], str]:
    """`histogram` over arrays: range k runs from day lo[k] to day hi[k] (day numbers, inclusive)
    and belongs to report owners[k]. Same buckets, same counts, vectorised — the search index keeps
    every report's mentioned ranges as such arrays, so the timeline of 100k reports costs
    milliseconds instead of a database read and a Python loop per range."""
    lo = np.asarray(lo, dtype=np.int64)
    hi = np.asarray(hi, dtype=np.int64)
    owners = np.asarray(owners, dtype=np.int64)
    if window[0]:
        lo = np.maximum(lo, day_number(window[0]))
    if window[1]:
        hi = np.minimum(hi, day_number(window[1]))
    keep = lo <= hi
    if not keep.any():
        return [], "day"
    owners, lo, hi = owners[keep], lo[keep], hi[keep]
    first = EPOCH + dt.timedelta(days=int(lo.min()))
    last = EPOCH + dt.timedelta(days=int(hi.max()))
    unit = choose_unit(first, last)
    buckets = empty_buckets(first, last, unit)
    n = len(buckets)
    starts = _period_starts(first, last, unit)
    a = np.searchsorted(starts, lo, side="right") - 1  # first bucket of each range
    b = np.searchsorted(starts, hi, side="right") - 1  # last bucket
    # A report counts once per bucket: per report, ranges in order of their first bucket; each
    # adds only the buckets past the furthest bucket its earlier ranges reached.
    if len(a) > 1 and not ((owners[1:] > owners[:-1]) | ((owners[1:] == owners[:-1]) & (a[1:] >= a[:-1]))).all():
        order = np.lexsort((a, owners))  # the index's arrays come in this order already
        owners, a, b = owners[order], a[order], b[order]
    base = owners * (n + 1)  # owners ascending: a running max of base + b never crosses reports
    reach = np.maximum.accumulate(base + b)
    prev = np.full(len(a), -1, dtype=np.int64)
    prev[1:] = np.maximum(reach[:-1] - base[1:], -1)
    start = np.maximum(a, prev + 1)
    new = start <= b
    diff = (np.bincount(start[new], minlength=n + 1)
            - np.bincount(b[new] + 1, minlength=n + 1))
    for bucket, count in zip(buckets, np.cumsum(diff[:n]).tolist()):
        bucket.count = int(count)
    return buckets, unit


def histogram_day_counts(days: np.ndarray, counts: np.ndarray) -> tuple[list[Bucket], str]:
    """`histogram` of one-day ranges given as (day number, reports) counts, days ascending — the
    publication-date timeline: each report lands in exactly one bucket, so its buckets are sums of
    day counts, added with numpy rather than one bisect per day (a results page at 100k reports
    has a couple of thousand distinct days)."""
    days = np.asarray(days, dtype=np.int64)
    if not len(days):
        return [], "day"
    first = EPOCH + dt.timedelta(days=int(days[0]))
    last = EPOCH + dt.timedelta(days=int(days[-1]))
    unit = choose_unit(first, last)
    buckets = empty_buckets(first, last, unit)
    starts = _period_starts(first, last, unit)
    which = np.searchsorted(starts, days, side="right") - 1
    sums = np.bincount(which, weights=np.asarray(counts, dtype=np.float64), minlength=len(buckets))
    for bucket, n in zip(buckets, sums.astype(np.int64).tolist()):
        bucket.count = n
    return buckets, unit
