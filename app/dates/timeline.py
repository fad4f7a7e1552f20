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

Range = tuple[dt.date, dt.date]
UNITS = ("day", "week", "month", "year")


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
    buckets: list[Bucket] = []
    cur = bucket_start(first, unit)
    while cur <= last:
        end = bucket_end(cur, unit)
        buckets.append(Bucket(cur, end, 0))
        cur = end + dt.timedelta(days=1)
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
