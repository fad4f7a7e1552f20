"""Ranking after scoring: near-identical reports must not crowd the first page.

The same wire story reaches an archive many times (re-published, re-scraped, lightly edited).
BM25 scores such copies almost equally, so without a correction the first page of a query can be
one story ten times. Two rules, both stable across pages (a page never shows a report another
page also shows):

1. within the first `WINDOW` results, a report whose near-duplicate group (`dup_group`, set at
   ingest) already appeared higher is moved below the reports of groups not yet seen — it stays
   in the results, just lower; beyond the window the score order is kept;
2. on one page, a report whose snippet, or whose (not very short) title, reads the same after
   folding as a higher report's on that page moves to the end of the page.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import TypeVar

from app.arabic.normalise import fold

T = TypeVar("T")

WINDOW = 100


def demote_duplicates(ranked: Sequence[T], group_of: Callable[[T], str | None], window: int = WINDOW) -> list[T]:
    """Rule 1: first copies keep their order; later copies follow them, in their own order."""
    head, tail = list(ranked[:window]), list(ranked[window:])
    seen: set[str] = set()
    firsts: list[T] = []
    copies: list[T] = []
    for item in head:
        g = group_of(item)
        if g is not None and g in seen:
            copies.append(item)
        else:
            if g is not None:
                seen.add(g)
            firsts.append(item)
    return firsts + copies + tail


@lru_cache(maxsize=4096)
def _key(text: str) -> str:
    """Folded, whitespace collapsed (remembered: a report's title recurs on many pages)."""
    return " ".join(fold(text).split())


def spread_same_page(hits: Sequence[T], title_of: Callable[[T], str], snippet_of: Callable[[T], str]) -> list[T]:
    """Rule 2: on one page, reports that read the same as a higher one go to the end of the page."""
    seen: set[str] = set()
    firsts: list[T] = []
    copies: list[T] = []
    for h in hits:
        keys = {"s:" + _key(snippet_of(h))}
        title = _key(title_of(h))
        if len(title) >= 20:
            keys.add("t:" + title)
        (copies if keys & seen else firsts).append(h)
        seen |= keys
    return firsts + copies
