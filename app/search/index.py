"""The on-disk Whoosh index: open, write in batches, reindex from the database, check agreement.

The index lives in `<data_dir>/index` only (Whoosh segments contain pickles: never open an index
from anywhere else). One searcher is shared per index generation and reopened after a commit.
"""
from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as windex
from whoosh.query import Term
from whoosh.searching import Searcher
from whoosh.writing import IndexWriter

from app.models import Report

from .schema import SCHEMA_VERSION, build_schema

INDEX_NAME = "reports"
_VERSION_FILE = "SIJILL_SCHEMA_VERSION"


def published_key(d: dt.date | None) -> int:
    return d.year * 10000 + d.month * 100 + d.day if d else 0


def document_for(report: Report, place_slugs: Iterable[str]) -> dict:
    """The index document for one report (the database row is the source of every field)."""
    return {
        "id": report.id,
        "sha256": report.sha256,
        "title": report.title,
        "body": report.body,
        "title_exact": report.title,
        "body_exact": report.body,
        "published": published_key(report.published),
        "places": ",".join(sorted(set(place_slugs))),
        "dup_group": report.dup_group or report.id,
    }


@dataclass
class IndexEntry:
    id: str
    sha256: str


class ArchiveIndex:
    """The index directory plus a cached searcher for its current generation."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._searcher: Searcher | None = None
        self._ix = None

    # -- opening ---------------------------------------------------------------------------
    def _version_ok(self) -> bool:
        f = self.path / _VERSION_FILE
        return f.is_file() and f.read_text().strip() == str(SCHEMA_VERSION)

    def open(self, create: bool = True):
        """Open the index, creating it (or recreating an outdated one) when `create`."""
        if self._ix is not None:
            return self._ix
        if windex.exists_in(self.path, INDEX_NAME) and self._version_ok():
            self._ix = windex.open_dir(str(self.path), indexname=INDEX_NAME)
        elif create:
            self._ix = self.create()
        else:
            raise FileNotFoundError(f"no index at {self.path}")
        return self._ix

    def create(self):
        """An empty index (replacing any existing one)."""
        self.path.mkdir(parents=True, exist_ok=True)
        ix = windex.create_in(str(self.path), build_schema(), indexname=INDEX_NAME)
        (self.path / _VERSION_FILE).write_text(str(SCHEMA_VERSION))
        self._ix = ix
        self.close_searcher()
        return ix

    # -- writing ---------------------------------------------------------------------------
    def writer(self) -> IndexWriter:
        return self.open().writer(timeout=60.0)

    def delete_ids(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        if not ids:
            return
        w = self.writer()
        try:
            for rid in ids:
                w.delete_by_term("id", rid)
        except BaseException:
            w.cancel()
            raise
        w.commit()

    # -- reading ---------------------------------------------------------------------------
    def searcher(self) -> Searcher:
        """The shared searcher, refreshed when a writer has committed a new generation."""
        with self._lock:
            if self._searcher is None:
                self._searcher = self.open().searcher()
            elif not self._searcher.up_to_date():
                self._searcher = self._searcher.refresh()
            return self._searcher

    def close_searcher(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None

    def entries(self) -> dict[str, str]:
        """id → sha256 for every document in the index."""
        with self.open().searcher() as s:
            return {f["id"]: f["sha256"] for f in s.all_stored_fields()}

    def doc_count(self) -> int:
        return self.searcher().doc_count()

    def contains(self, rid: str) -> bool:
        return self.searcher().document_number(id=rid) is not None

    def term_query(self, rid: str) -> Term:
        return Term("id", rid)
