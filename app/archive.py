"""The archive as one unit: the database (source of truth) and the Whoosh index (derived).

Every write goes through `Archive.store`, which changes both or neither:

1. rows are added and flushed (constraint errors surface before anything is committed);
2. documents are written to the index and the index is committed;
3. the database commits — if that fails, the batch's documents are deleted from the index again.

The index commits first on purpose: if the process dies between 2 and 3, the database does not
have the batch, so running the same ingest again re-adds it (index writes are idempotent
`update_document`s), and `sijill check` lists the stray index documents (`--repair` removes them
and indexes anything the database has that the index lacks).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from app.config import Settings
from app.db import migrate, session_factory
from app.models import PlaceMention, Report
from app.search.index import ArchiveIndex, index_document


@dataclass
class CheckResult:
    missing_from_index: list[str] = field(default_factory=list)
    missing_from_db: list[str] = field(default_factory=list)
    hash_mismatch: list[str] = field(default_factory=list)
    db_count: int = 0
    index_count: int = 0

    @property
    def ok(self) -> bool:
        return not (self.missing_from_index or self.missing_from_db or self.hash_mismatch)


def _mention_rows(mentions) -> list[tuple[str, int, int]]:
    return sorted((m.place_slug, m.count, m.first_pos) for m in mentions)


class Archive:
    def __init__(self, settings: Settings, *, migrate_db: bool = True):
        self.settings = settings
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        if migrate_db:
            migrate(settings)
        self.sessions: sessionmaker[Session] = session_factory(settings)
        self.index = ArchiveIndex(settings.index_dir)
        self.index.open()

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.sessions() as s:
            yield s

    # -- writing -----------------------------------------------------------------------------
    def store(self, reports: list[Report]) -> None:
        """Add `reports` (with their mentions attached) to database and index, atomically."""
        if not reports:
            return
        with self.sessions() as session:
            try:
                session.add_all(reports)
                session.flush()
                batch = self.index.batch()
                try:
                    for r in reports:
                        batch.add(index_document(r))
                except BaseException:
                    batch.cancel()
                    raise
                batch.commit()
                try:
                    session.commit()
                except BaseException:
                    self.index.delete_ids(r.id for r in reports)
                    raise
            except BaseException:
                session.rollback()
                raise

    def reindex(self, batch: int = 500) -> int:
        """Rebuild the index from the database (a fresh index, swapped in as one commit).

        Place mentions are derived again from each report's text with the current gazetteer, so an
        edit of places.csv reaches old reports: changed mentions are rewritten in the database in the
        same run, committed right after the new index.
        """
        from app.ingest.pipeline import place_mentions

        self.index.create()
        n = 0
        writer = self.index.batch(replace=False, bulk=True)
        index_committed = False
        with self.sessions() as session:
            try:
                ids = list(session.scalars(select(Report.id).order_by(Report.id)))
                for k in range(0, len(ids), batch):
                    for r in self._iter_reports(session, batch, ids[k:k + batch]):
                        fresh = place_mentions(r.body)
                        if _mention_rows(fresh) != _mention_rows(r.places):
                            r.places = fresh
                        writer.add(index_document(r))
                        n += 1
                    session.flush()
                    session.expunge_all()  # keep memory flat on a large archive
                writer.commit(optimize=True)
                index_committed = True
                session.commit()
            except BaseException:
                if not index_committed:
                    writer.cancel()
                session.rollback()
                raise
        return n

    def _iter_reports(self, session: Session, batch: int, ids: Iterable[str] | None = None):
        stmt = select(Report).options(selectinload(Report.places)).order_by(Report.id)
        if ids is not None:
            stmt = stmt.where(Report.id.in_(list(ids)))
        yield from session.scalars(stmt.execution_options(yield_per=batch))

    # -- checking ----------------------------------------------------------------------------
    def check(self) -> CheckResult:
        """Compare database and index: same IDs with the same content hashes."""
        with self.sessions() as session:
            db = dict(session.execute(select(Report.id, Report.sha256)).all())
        ix = self.index.entries()
        res = CheckResult(db_count=len(db), index_count=len(ix))
        res.missing_from_index = sorted(set(db) - set(ix))
        res.missing_from_db = sorted(set(ix) - set(db))
        res.hash_mismatch = sorted(i for i in set(db) & set(ix) if db[i] != ix[i])
        return res

    def repair(self, result: CheckResult | None = None) -> CheckResult:
        """Make the index agree with the database: index what is missing, drop what is stray."""
        result = result or self.check()
        self.index.delete_ids(result.missing_from_db)
        todo = result.missing_from_index + result.hash_mismatch
        if todo:
            writer = self.index.batch()
            try:
                with self.sessions() as session:
                    for r in self._iter_reports(session, 500, todo):
                        writer.add(index_document(r))
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
        return self.check()

    # -- reading -----------------------------------------------------------------------------
    def existing_hashes(self, hashes: Iterable[str]) -> set[str]:
        hashes = list(hashes)
        if not hashes:
            return set()
        with self.sessions() as session:
            found: set[str] = set()
            for i in range(0, len(hashes), 500):
                chunk = hashes[i:i + 500]
                found.update(session.scalars(select(Report.sha256).where(Report.sha256.in_(chunk))))
            return found

    def counts(self) -> dict[str, int]:
        with self.sessions() as session:
            db = session.scalar(select(func.count()).select_from(Report)) or 0
        return {"database": db, "index": self.index.doc_count()}

    def place_counts(self) -> dict[str, int]:
        with self.sessions() as session:
            rows = session.execute(select(PlaceMention.place_slug, func.count()).group_by(PlaceMention.place_slug))
            return {slug: n for slug, n in rows}
