"""Place tagging (skeleton stub: the real tagger replaces this)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlaceHit:
    slug: str
    start: int
    end: int


def tag(text: str) -> list[PlaceHit]:
    return []


def summarise(hits: list[PlaceHit]) -> list[tuple[str, int, int]]:
    """(slug, count, first offset) per place, in order of first mention."""
    out: dict[str, list[int]] = {}
    for h in hits:
        entry = out.setdefault(h.slug, [0, h.start])
        entry[0] += 1
        entry[1] = min(entry[1], h.start)
    return [(slug, c, first) for slug, (c, first) in sorted(out.items(), key=lambda kv: kv[1][1])]


def places_in_query(q: str) -> list[tuple[str, str]]:
    return []
