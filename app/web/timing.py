"""`Server-Timing` headers: how long the search and the rendering of a results page took.

Browsers' developer tools and `bench/search.py` read them, so a slow page can be blamed on the
index or on the template without a profiler. Durations only — nothing about the query or the data.
"""
from __future__ import annotations


def server_timing(**seconds: float) -> str:
    """server_timing(search=0.0031, render=0.0012) → 'search;dur=3.1, render;dur=1.2' (milliseconds)."""
    return ", ".join(f"{name};dur={s * 1000:.2f}" for name, s in seconds.items())
