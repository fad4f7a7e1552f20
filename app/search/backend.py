"""The search backend interface: everything the archive needs from a full-text engine.

`ArchiveIndex` (index.py, Whoosh on local disk) is the implementation today; a second engine
(OpenSearch/Elasticsearch, see docs/scaling.md) is a new module implementing `SearchBackend`, chosen
by configuration — the search service, pages, API, ingest and `check` do not change.

The query is passed as the parsed query tree (whoosh.query objects: Term, Or, And, Sequence …),
which is Sijill's query language after parsing; another backend translates that tree
(Term → term, Or → bool/should, And → bool/must, Sequence → match_phrase), it never re-parses text.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from app.dates.timeline import Bucket

SORTS = ("relevance", "newest", "oldest")


@dataclass(frozen=True)
class IndexDocument:
    """What is indexed for one report (the database row is the source of every field)."""

    id: str
    sha256: str
    title: str
    body: str
    published: dt.date | None = None
    places: tuple[str, ...] = ()
    dup_group: str | None = None
    #: The source's own record identifier (matched whole, case-insensitively).
    source_id: str | None = None
    #: The date ranges the text mentions (DateMention.date_from, date_to), for the mentioned-date
    #: filter and timeline: written with the document, so index and filter never disagree.
    mentioned: tuple[tuple[dt.date, dt.date], ...] = ()


@dataclass(frozen=True)
class SearchRequest:
    #: Parsed query tree; None browses (every report).
    query: object | None = None
    #: Any of these gazetteer slugs.
    neighbourhoods: tuple[str, ...] = ()
    published_from: dt.date | None = None
    published_to: dt.date | None = None
    #: Only reports mentioning a date in [mentioned_from, mentioned_to] (either end open): one of
    #: their mentioned ranges overlaps it. Both None: no mentioned-date filter.
    mentioned_from: dt.date | None = None
    mentioned_to: dt.date | None = None
    #: Also return the timeline of the matches' mentioned ranges, clipped to the mentioned window
    #: (`SearchResult.mentioned_histogram`), bucketed as `app.dates.timeline.histogram` does.
    mentioned_timeline: bool = False
    #: Only these report IDs.
    restrict_ids: frozenset[str] | None = None
    sort: str = "relevance"
    offset: int = 0
    limit: int = 20
    #: Count matches per neighbourhood and per publication day over the whole result set.
    facets: bool = True
    #: With `facets`: also list the per-day counts (`SearchResult.day_counts`). A caller that
    #: only draws the timeline may decline them when the backend builds `published_histogram`
    #: itself; a backend that does not must list them regardless.
    day_counts: bool = True
    #: Also return the IDs of every match (for timelines computed from the database).
    all_ids: bool = False
    #: One result per near-duplicate group (its best-ranked member); `total` counts groups.
    collapse: bool = False
    #: Also return each result's near-duplicate group (`SearchResult.group_keys`).
    group_keys: bool = False


@dataclass
class SearchResult:
    ids: list[str]
    #: Relevance scores aligned with `ids` (None when sorted by date).
    scores: list[float | None]
    #: Exact number of matching reports.
    total: int
    #: slug → number of matching reports naming it.
    place_counts: dict[str, int] = field(default_factory=dict)
    #: (publication day, number of matching reports) in date order; undated reports left out.
    day_counts: list[tuple[dt.date, int]] = field(default_factory=list)
    #: IDs of every match (only when the request asked for `all_ids`).
    all_ids: list[str] | None = None
    #: With `collapse`: for each of `ids`, how many matches its near-duplicate group has.
    group_sizes: list[int] = field(default_factory=list)
    #: With `mentioned_timeline`: the buckets and their unit (a bar counts the matches mentioning a
    #: date in it — exactly what a search with the bar as mentioned window returns).
    mentioned_histogram: list[Bucket] = field(default_factory=list)
    mentioned_unit: str = "day"
    #: The publication-date timeline of all matches (`app.dates.timeline.histogram` of
    #: `day_counts`), when the backend builds it itself; None: the caller builds it from `day_counts`.
    published_histogram: list[Bucket] | None = None
    published_unit: str = "day"
    #: With `SearchRequest.group_keys`: for each of `ids`, a key of its near-duplicate group —
    #: equal keys, same group (a report alone in its group has a key of its own).
    group_keys: list | None = None


@runtime_checkable
class IndexBatch(Protocol):
    """One atomic batch of index changes: visible to searches after `commit`, never partly."""

    def add(self, doc: IndexDocument) -> None: ...
    def delete(self, report_id: str) -> None: ...
    def commit(self) -> None: ...
    def cancel(self) -> None: ...


@runtime_checkable
class SearchBackend(Protocol):
    def open(self) -> object: ...
    def create(self) -> object:
        """An empty index, replacing any existing one."""
    def batch(self, *, replace: bool = True, bulk: bool = False) -> IndexBatch:
        """Start a batch; `replace` makes adds idempotent (an existing ID is overwritten);
        `bulk` tunes for large rebuilds."""
    def delete_ids(self, ids: Iterable[str]) -> None: ...
    def search(self, request: SearchRequest) -> SearchResult: ...
    def entries(self) -> dict[str, str]:
        """report ID → sha256 of every indexed report (for `sijill check`)."""
    def doc_count(self) -> int: ...
    def contains(self, report_id: str) -> bool: ...
    def optimize(self) -> None:
        """Compact after a large ingest (merge segments); a no-op where meaningless."""
    def vocabulary(self) -> object:
        """The archive's vocabulary (`app.arabic.glue.Vocabulary`: document frequencies of folded
        surface forms) as of the current generation — glued words are split against it."""
