"""The timeline's buckets: units by span, gaps kept, each report counted once per bucket it touches."""
from __future__ import annotations

import datetime as dt

from app.dates.timeline import bucket_end, bucket_start, choose_unit, histogram

D = dt.date


def test_units_follow_the_span():
    assert choose_unit(D(2016, 11, 1), D(2016, 12, 31)) == "day"
    assert choose_unit(D(2016, 1, 1), D(2016, 12, 31)) == "week"
    assert choose_unit(D(2011, 3, 1), D(2016, 12, 31)) == "month"
    assert choose_unit(D(1990, 1, 1), D(2016, 12, 31)) == "year"


def test_weeks_start_on_saturday_and_months_end_on_their_last_day():
    assert bucket_start(D(2016, 12, 8), "week") == D(2016, 12, 3)  # Thursday → Saturday before
    assert bucket_start(D(2016, 12, 3), "week") == D(2016, 12, 3)
    assert bucket_end(D(2016, 12, 3), "week") == D(2016, 12, 9)
    assert bucket_end(D(2016, 2, 1), "month") == D(2016, 2, 29)
    assert bucket_end(bucket_start(D(2015, 7, 4), "year"), "year") == D(2015, 12, 31)


def test_publication_days_with_gaps():
    days = [D(2016, 11, 25), D(2016, 12, 8), D(2016, 11, 17), D(2016, 12, 4), D(2016, 12, 5)]
    buckets, unit = histogram([(d, d)] for d in days)
    assert unit == "day"
    assert buckets[0].start == D(2016, 11, 17) and buckets[-1].end == D(2016, 12, 8)
    assert len(buckets) == 22  # every day in between, empty ones included
    assert sum(b.count for b in buckets) == 5
    assert {b.start for b in buckets if b.count} == set(days)


def test_ranges_count_a_report_once_per_bucket_and_are_clipped_to_the_window():
    window = (D(2016, 11, 10), D(2016, 11, 20))
    items = [
        [(D(2016, 11, 11), D(2016, 11, 20)), (D(2016, 11, 15), D(2016, 11, 15))],  # overlapping twice
        [(D(2016, 1, 1), D(2016, 12, 31))],  # a year: clipped to the window
        [(D(2015, 6, 1), D(2015, 8, 31))],  # outside: ignored
    ]
    buckets, unit = histogram(items, window)
    assert unit == "day" and (buckets[0].start, buckets[-1].end) == window
    by_day = {b.start: b.count for b in buckets}
    assert by_day[D(2016, 11, 10)] == 1 and by_day[D(2016, 11, 15)] == 2 and by_day[D(2016, 11, 20)] == 2


def test_empty():
    assert histogram([]) == ([], "day")
    assert histogram([[(D(2015, 1, 1), D(2015, 1, 2))]], (D(2016, 1, 1), None)) == ([], "day")
