"""`histogram_days` (the index's vectorised timeline) gives exactly `histogram`'s buckets."""
from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pytest

from app.dates.timeline import day_number, histogram, histogram_day_counts, histogram_days

D = dt.date


def _arrays(items: list[list[tuple[dt.date, dt.date]]]):
    owners, lo, hi = [], [], []
    for k, ranges in enumerate(items):
        for a, b in ranges:
            owners.append(k * 7 + 3)  # owner numbers need not be dense
            lo.append(day_number(a))
            hi.append(day_number(b))
    return np.array(owners, dtype=np.int64), np.array(lo, dtype=np.int64), np.array(hi, dtype=np.int64)


def _random_items(rng: random.Random, reports: int, span_days: int) -> list[list[tuple[dt.date, dt.date]]]:
    base = D(2011, 3, 15)
    items = []
    for _ in range(reports):
        ranges = []
        for _ in range(rng.choice([0, 1, 1, 2, 3, 5])):
            a = base + dt.timedelta(days=rng.randrange(span_days))
            length = rng.choice([0, 0, 0, 6, 30, 90, 365])  # days, weeks, months, seasons, years
            ranges.append((a, a + dt.timedelta(days=length)))
        rng.shuffle(ranges)
        items.append(ranges)
    return items


@pytest.mark.parametrize("seed", range(12))
def test_same_buckets_as_histogram(seed):
    rng = random.Random(seed)
    span = rng.choice([20, 60, 300, 2000, 6000])
    items = _random_items(rng, rng.choice([1, 5, 40, 300]), span)
    lo_choices = [None, D(2011, 3, 15) + dt.timedelta(days=rng.randrange(span))]
    window_lo = rng.choice(lo_choices)
    window_hi = rng.choice([None, (window_lo or D(2011, 3, 15)) + dt.timedelta(days=rng.randrange(span))])
    window = (window_lo, window_hi)
    # the scrambled order of the arrays must not matter
    owners, lo, hi = _arrays(items)
    perm = np.random.default_rng(seed).permutation(len(owners))
    assert histogram_days(owners[perm], lo[perm], hi[perm], window) == histogram(items, window)


def test_overlapping_ranges_of_one_report_count_once():
    items = [[(D(2016, 11, 11), D(2016, 11, 20)), (D(2016, 11, 15), D(2016, 11, 15)),
              (D(2016, 11, 12), D(2016, 11, 30))],
             [(D(2016, 1, 1), D(2016, 12, 31))]]
    window = (D(2016, 11, 10), D(2016, 11, 20))
    buckets, unit = histogram_days(*_arrays(items), window)
    assert (buckets, unit) == histogram(items, window)
    by_day = {b.start: b.count for b in buckets}
    assert by_day[D(2016, 11, 10)] == 1 and by_day[D(2016, 11, 15)] == 2 and max(by_day.values()) == 2


def test_empty():
    empty = np.zeros(0, dtype=np.int64)
    assert histogram_days(empty, empty, empty) == ([], "day")
    assert histogram_days(*_arrays([[(D(2015, 1, 1), D(2015, 1, 2))]]), (D(2016, 1, 1), None)) == ([], "day")


@pytest.mark.parametrize("span", [1, 20, 62, 63, 300, 367, 3000, 3661, 20000])
def test_day_counts_give_histograms_buckets(span):
    """`histogram_day_counts` (publication days counted first) = `histogram` of one-day ranges."""
    rng = random.Random(span)
    base = D(2011, 3, 15)
    published = [base + dt.timedelta(days=rng.randrange(span)) for _ in range(500)]
    uniq, cnt = np.unique(np.array([day_number(d) for d in published]), return_counts=True)
    assert histogram_day_counts(uniq, cnt) == histogram([[(d, d)] for d in published])
    assert histogram_day_counts(np.zeros(0, dtype=np.int64), np.zeros(0)) == ([], "day")
