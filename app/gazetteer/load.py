"""The gazetteer: places of Aleppo and around, read from the reviewed data file places.csv.

The file is validated as a whole on first use, and every problem is reported with the line it is
on, because a bad row would otherwise surface much later as a wrong tag in thousands of reports.
See README.md next to this file for the columns and the review status.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .names import arabic_key, latin_key

PLACES_CSV = Path(__file__).with_name("places.csv")
SOURCES_CSV = Path(__file__).with_name("sources.csv")

COLUMNS = ("slug", "name_ar", "variants_ar", "names_latin", "kind", "parent", "side_2016",
           "lat", "lon", "ambiguous", "source")
#: In display order: the page of all places groups by kind in this order.
KINDS = ("city", "neighbourhood", "district", "landmark", "town", "village", "governorate")
#: Who held the place on 15 November 2016, when the government offensive on east Aleppo began.
SIDES = ("opposition", "government", "divided", "sdf", "isil")
#: A variant written "~name" is ambiguous on its own, even when the place is not.
AMBIGUOUS_MARK = "~"
_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SEED_SOURCE_RE = re.compile(r"^seed:\d{3}$")


class GazetteerError(ValueError):
    """The data file is invalid; the message names the file and line."""


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
    #: The name is also an everyday word or a person's name: tag it only in a place context.
    ambiguous: bool = False
    #: Variants that need a place context even though the place itself does not.
    ambiguous_variants: tuple[str, ...] = ()

    @property
    def name_latin(self) -> str:
        return self.names_latin[0] if self.names_latin else self.slug

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(s for s in (self.source or "").split("|") if s)


def _multi(value: str, column: str, where: str) -> tuple[str, ...]:
    if not value.strip():
        return ()
    items = tuple(v.strip() for v in value.split("|"))
    if any(not v for v in items):
        raise GazetteerError(f"{where}: empty item in column {column!r} (stray '|'?)")
    return items


def _coordinate(value: str, column: str, low: float, high: float, where: str) -> float | None:
    if not value.strip():
        return None
    try:
        number = float(value)
    except ValueError:
        raise GazetteerError(f"{where}: column {column!r} is not a number: {value!r}") from None
    if not low <= number <= high:
        raise GazetteerError(f"{where}: column {column!r} out of range [{low}, {high}]: {value!r}")
    return number


def load_sources(path: Path = SOURCES_CSV) -> dict[str, dict[str, str]]:
    """The sources cited in the `source` column, by key (title, url, what it supports)."""
    with path.open(encoding="utf-8", newline="") as f:
        return {row["key"]: row for row in csv.DictReader(f)}


def load_file(path: Path | str, sources: dict[str, dict[str, str]] | None = None) -> dict[str, Place]:
    """Read and validate one gazetteer file. Raises GazetteerError naming the file and line."""
    path = Path(path)
    known_sources = load_sources() if sources is None else sources
    out: dict[str, Place] = {}
    line_of: dict[str, int] = {}
    parents: dict[str, tuple[str, int]] = {}
    arabic_owner: dict[tuple[str, ...], tuple[str, int]] = {}
    latin_owner: dict[tuple[str, ...], tuple[str, int]] = {}
    try:
        f = path.open(encoding="utf-8", newline="")
    except OSError as e:
        raise GazetteerError(f"{path}: cannot read the gazetteer: {e.strerror}") from None
    with f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header is None or tuple(h.strip() for h in header) != COLUMNS:
            raise GazetteerError(f"{path}:1: header must be {','.join(COLUMNS)}; found {','.join(header or [])}")
        for row in reader:
            line = reader.line_num
            where = f"{path}:{line}"
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(COLUMNS):
                raise GazetteerError(f"{where}: expected {len(COLUMNS)} columns, found {len(row)}")
            r = dict(zip(COLUMNS, (cell.strip() for cell in row)))
            slug = r["slug"]
            if not _SLUG_RE.match(slug):
                raise GazetteerError(f"{where}: slug {slug!r} must be lower-case Latin words joined by '-'")
            if slug in out:
                raise GazetteerError(f"{where}: slug {slug!r} already defined on line {line_of[slug]}")
            if not arabic_key(r["name_ar"]):
                raise GazetteerError(f"{where}: name_ar is empty")
            if r["kind"] not in KINDS:
                raise GazetteerError(f"{where}: kind {r['kind']!r} is not one of {', '.join(KINDS)}")
            side = r["side_2016"] or None
            if side is not None and side not in SIDES:
                raise GazetteerError(f"{where}: side_2016 {side!r} is not one of {', '.join(SIDES)}")
            lat = _coordinate(r["lat"], "lat", -90, 90, where)
            lon = _coordinate(r["lon"], "lon", -180, 180, where)
            if (lat is None) != (lon is None):
                raise GazetteerError(f"{where}: give both lat and lon, or neither")
            if r["ambiguous"] not in ("", "0", "1"):
                raise GazetteerError(f"{where}: ambiguous must be 0 or 1, not {r['ambiguous']!r}")
            source = r["source"] or None
            cited = _multi(r["source"], "source", where)
            if (side is not None or lat is not None) and not cited:
                raise GazetteerError(f"{where}: side_2016 and coordinates need a source (never invent them)")
            for key in cited:
                if key not in known_sources and not _SEED_SOURCE_RE.match(key):
                    raise GazetteerError(f"{where}: source {key!r} is not listed in sources.csv")
            variants, ambiguous_variants = [], []
            for v in _multi(r["variants_ar"], "variants_ar", where):
                if v.startswith(AMBIGUOUS_MARK):
                    v = v[len(AMBIGUOUS_MARK):].strip()
                    ambiguous_variants.append(v)
                variants.append(v)
            latin = _multi(r["names_latin"], "names_latin", where)
            for name in (r["name_ar"], *variants):
                key = arabic_key(name)
                if not key:
                    raise GazetteerError(f"{where}: Arabic variant {name!r} has no letters")
                owner = arabic_owner.get(key)
                if owner and owner[0] != slug:
                    raise GazetteerError(f"{where}: Arabic name {name!r} also belongs to {owner[0]!r} "
                                         f"(line {owner[1]}); one name must mean one place")
                arabic_owner[key] = (slug, line)
            for name in latin:
                key = latin_key(name)
                if not key:
                    raise GazetteerError(f"{where}: Latin name {name!r} has no letters")
                owner = latin_owner.get(key)
                if owner and owner[0] != slug:
                    raise GazetteerError(f"{where}: Latin name {name!r} also belongs to {owner[0]!r} "
                                         f"(line {owner[1]}); one name must mean one place")
                latin_owner[key] = (slug, line)
            if r["parent"]:
                parents[slug] = (r["parent"], line)
            out[slug] = Place(slug=slug, name_ar=r["name_ar"], variants_ar=tuple(variants),
                              names_latin=latin, kind=r["kind"], parent=r["parent"] or None,
                              side_2016=side, lat=lat, lon=lon, source=source,
                              ambiguous=r["ambiguous"] == "1", ambiguous_variants=tuple(ambiguous_variants))
            line_of[slug] = line
    for slug, (parent, line) in parents.items():
        if parent not in out:
            raise GazetteerError(f"{path}:{line}: parent {parent!r} of {slug!r} is not a slug in the file")
        seen = {slug}
        p: str | None = parent
        while p is not None:
            if p in seen:
                raise GazetteerError(f"{path}:{line}: parent chain of {slug!r} loops back on itself")
            seen.add(p)
            p = out[p].parent
    return out


@lru_cache(maxsize=1)
def places() -> dict[str, Place]:
    """All places, in file order (validated once, then cached)."""
    return load_file(PLACES_CSV)


def get(slug: str) -> Place | None:
    return places().get(slug)


@lru_cache(maxsize=1)
def sources() -> dict[str, dict[str, str]]:
    return load_sources()
