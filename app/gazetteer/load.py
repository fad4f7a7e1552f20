"""The gazetteer (skeleton stub: the real data file and loader replace this)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    slug: str
    name_ar: str
    variants_ar: tuple[str, ...] = ()
    names_latin: tuple[str, ...] = ()
    kind: str = "neighbourhood"
    parent: str | None = None
    side_2016: str | None = None
    lat: float | None = None
    lon: float | None = None
    source: str | None = None


def places() -> dict[str, Place]:
    return {}


def get(slug: str) -> Place | None:
    return places().get(slug)
