"""The archive as one unit: the database (source of truth) and the Whoosh index (derived).

Every write goes through `Archive.store`, which changes both or neither:

1. rows are added and flushed (constraint errors surface before anything is committed);
2. documents are written to the index and the index is committed;
3. the database commits — if that fails, the batch's documents are deleted from the index again.

The index commits first on purpose: if the process dies between 2 and 3, the database does not
have the batch, so running the same ingest again re-adds it (index writes are idempotent
`update_document`s), and `sijill check` lists the stray index documents (`--repair` removes them
and indexes anything the database has that the index lacks).

A process killed while it holds the index's write lock leaves the lock *file* behind but not the
lock: Whoosh locks with flock(2), which the kernel releases when the process dies, so the next
writer proceeds (tests/ingest/test_crash.py kills a writer to prove it). Segment files a killed
writer left half-written are not in any table of contents and are deleted by the next commit.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from app.config import Settings
from app.arabic.glue import using_vocabulary
from app.db import migrate, session_factory
from app.models import DateMention, DupBand, DupSignature, PlaceMention, Report
from app.search.index import ArchiveIndex, index_document, pre_analyse
from app.search.vocabulary import BatchVocabulary, count_documents, count_word_sets, document_words


@dataclass
class Grouping:
    """Near-duplicate rows of one batch (see `app.ingest.pipeline.Grouper`)."""

    signatures: list[dict] = field(default_factory=list)
    bands: list[dict] = field(default_factory=list)
    heads: set[str] = field(default_factory=set)


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
        if self.index.recreated and self._db_count():
            # The index was missing or of an older schema version: rebuild it from the database.
            self.reindex()

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.sessions() as s:
            yield s

    # -- writing -----------------------------------------------------------------------------
    def store(self, reports: list[Report], grouping: Grouping | None = None) -> None:
        """Add `reports` (with their mentions attached) to database and index, atomically.

        `grouping` carries the batch's near-duplicate rows (MinHash signatures, LSH band keys) and
        the stored reports that a report of this batch joined while they were alone: their
        `dup_group` becomes their own id (their index documents already say so — `document_for`
        uses the own id for a lone report — so only the database changes).
        """
        if not reports:
            return
        with self.sessions() as session:
            try:
                # Core executemany on the tables, not the ORM unit of work nor the ORM's bulk
                # insert: the rows are new and complete, and the ORM's per-object (and per-row)
                # bookkeeping cost more than the inserts themselves (measured: 40,000 band rows,
                # 0.23 s through `insert(DupBand)`, 0.10 s through `insert(DupBand.__table__)`).
                for table, rows in _rows_of(reports):
                    session.execute(insert(table.__table__), rows)
                if grouping is not None:
                    if grouping.signatures:
                        session.execute(insert(DupSignature.__table__), grouping.signatures)
                    if grouping.bands:
                        session.execute(insert(DupBand.__table__), grouping.bands)
                    if grouping.heads:
                        session.execute(update(Report).where(Report.id.in_(sorted(grouping.heads)),
                                                             Report.dup_group.is_(None))
                                        .values(dup_group=Report.id))
                # Glued words split against the archive's vocabulary: the index plus this batch.
                vocab = BatchVocabulary(self.index.write_vocabulary(), count_word_sets(
                    _words_of(r) for r in reports))
                batch = self.index.batch()
                try:
                    with using_vocabulary(vocab):
                        batch.decide_splits(r.__dict__.get(_ANALYSIS) for r in reports)
                        for r in reports:
                            batch.add(index_document(r), r.__dict__.get(_ANALYSIS))
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
        same run, committed right after the new index. Two passes: the first counts the archive's
        vocabulary (for glued words), so the rebuilt index depends only on the reports, not on the
        order they were ingested in.
        """
        from app.ingest.pipeline import place_mentions

        with self.sessions() as session:
            vocab = count_documents((_text(r) for r in self._iter_reports(session, batch)), min_df=2)
        self.index.create()
        n = 0
        writer = self.index.batch(replace=False, bulk=True)
        index_committed = False
        with self.sessions() as session, using_vocabulary(vocab):
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
        stmt = select(Report).options(selectinload(Report.places), selectinload(Report.dates)).order_by(Report.id)
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
                with self.sessions() as session, using_vocabulary(self.index.vocabulary()):
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

    def band_candidates(self, keys: Iterable[int]) -> dict[int, list[str]]:
        """LSH band key → ids of the group heads with that key (one indexed query per 500 keys)."""
        keys = list(set(keys))
        found: dict[int, list[str]] = {}
        with self.sessions() as session:
            for i in range(0, len(keys), 500):
                rows = session.execute(select(DupBand.key, DupBand.report_id).where(DupBand.key.in_(keys[i:i + 500])))
                for key, rid in rows:
                    found.setdefault(key, []).append(rid)
        return found

    def signatures(self, ids: Iterable[str]) -> dict[str, tuple[bytes, str | None]]:
        """report id → (MinHash bytes, dup_group) for the given reports."""
        ids = list(set(ids))
        found: dict[str, tuple[bytes, str | None]] = {}
        with self.sessions() as session:
            for i in range(0, len(ids), 500):
                rows = session.execute(select(DupSignature.report_id, DupSignature.minhash, Report.dup_group)
                                       .join(Report, Report.id == DupSignature.report_id)
                                       .where(DupSignature.report_id.in_(ids[i:i + 500])))
                for rid, blob, group in rows:
                    found[rid] = (blob, group)
        return found

    def group_members(self, group: str) -> list[Report]:
        """The reports of a near-duplicate group, first ingested first."""
        with self.sessions() as session:
            return list(session.scalars(select(Report).where(Report.dup_group == group)
                                        .order_by(Report.ingested_at, Report.id)))

    def iter_export(self, batch: int = 500) -> Iterator[Report]:
        """Every report in an order that re-ingest reproduces groups from: by ingest time, and
        within one ingest run the groups' first reports before the copies that joined them."""
        with self.sessions() as session:
            is_copy = (Report.dup_group.is_not(None)) & (Report.dup_group != Report.id)
            stmt = (select(Report).order_by(Report.ingested_at, is_copy, Report.id)
                    .execution_options(yield_per=batch))
            yield from session.scalars(stmt)

    def _db_count(self) -> int:
        with self.sessions() as session:
            return session.scalar(select(func.count()).select_from(Report)) or 0

    def counts(self) -> dict[str, int]:
        with self.sessions() as session:
            db = session.scalar(select(func.count()).select_from(Report)) or 0
        return {"database": db, "index": self.index.doc_count()}

    def place_counts(self) -> dict[str, int]:
        with self.sessions() as session:
            rows = session.execute(select(PlaceMention.place_slug, func.count()).group_by(PlaceMention.place_slug))
            return {slug: n for slug, n in rows}

    def stats(self) -> dict:
        """Counts and date span for /api/stats (a few indexed aggregates; cached per version by callers)."""
        with self.sessions() as session:
            count, first, last = session.execute(
                select(func.count(), func.min(Report.published), func.max(Report.published)).select_from(Report)).one()
            by_basis = dict(session.execute(select(Report.date_basis, func.count()).group_by(Report.date_basis)).all())
            places = session.scalar(select(func.count(func.distinct(PlaceMention.place_slug)))) or 0
        return {"reports": count or 0, "first_published": first, "last_published": last,
                "by_date_basis": by_basis, "places_with_reports": places}

class ArchivePeek:
    """An archive's database opened for reading only — nothing created, migrated or written.

    `sijill ingest --dry-run` uses it to say which reports are already in the archive.
    """

    def __init__(self, settings: Settings):
        self.settings = settings
        self.sessions: sessionmaker[Session] | None = None
        sqlite_file = settings.data_dir / "archive.db"
        if settings.database_url or sqlite_file.is_file():
            self.sessions = session_factory(settings)

    def existing_hashes(self, hashes: Iterable[str]) -> set[str]:
        hashes = list(hashes)
        if not hashes or self.sessions is None:
            return set()
        found: set[str] = set()
        try:
            with self.sessions() as session:
                for i in range(0, len(hashes), 500):
                    found.update(session.scalars(select(Report.sha256).where(Report.sha256.in_(hashes[i:i + 500]))))
        except SQLAlchemyError:  # no reports table yet: an empty archive
            return set()
        return found


#: Where `analyse_ahead` leaves its results on a Report (plain instance attributes, not columns).
_WORDS = "_sijill_words"
_ANALYSIS = "_sijill_analysis"


_REPORT_COLUMNS = tuple(c.key for c in Report.__table__.columns)
_PLACE_COLUMNS = ("place_slug", "count", "first_pos")
_DATE_COLUMNS = ("start", "end", "text", "date_from", "date_to", "precision", "relative")


def _rows_of(reports: list[Report]) -> list[tuple]:
    """(table, rows) to insert for new Report objects and their mentions, in the order the ORM
    would insert them (reports, then each report's mentions in list order). Columns a report
    never had set are left out (their defaults apply), so rows are grouped by the columns they set."""
    by_keys: dict[tuple[str, ...], list[dict]] = {}
    places: list[dict] = []
    dates: list[dict] = []
    for r in reports:
        d = r.__dict__
        keys = tuple(k for k in _REPORT_COLUMNS if k in d)
        by_keys.setdefault(keys, []).append({k: d[k] for k in keys})
        rid = d["id"]
        for m in r.places:
            md = m.__dict__
            places.append({"report_id": rid, **{k: md.get(k) for k in _PLACE_COLUMNS}})
        for m in r.dates:
            md = m.__dict__
            row = {"report_id": rid, **{k: md[k] for k in _DATE_COLUMNS if k in md}}
            dates.append(row)
    out: list[tuple] = [(Report, rows) for rows in by_keys.values()]
    if places:
        out.append((PlaceMention, places))
    date_groups: dict[tuple[str, ...], list[dict]] = {}
    for row in dates:
        date_groups.setdefault(tuple(row), []).append(row)
    out += [(DateMention, rows) for rows in date_groups.values()]
    return out


def analyse_ahead(report: Report, schema) -> None:
    """What `Archive.store` needs from a report's text that does not depend on its batch — the
    distinct words (the batch's vocabulary) and the index terms (`index.pre_analyse`) — computed
    where the report is prepared: in an ingest worker, off the main process that stores."""
    # One string (words joined by newlines) rather than a set of strings: it is pickled back to
    # the main process, where unpickling several hundred objects per report was a visible cost.
    report.__dict__[_WORDS] = "\n".join(document_words(_text(report)))
    report.__dict__[_ANALYSIS] = pre_analyse(schema, index_document(report))


def _words_of(report: Report):
    """The report's distinct words (`document_words`), from `analyse_ahead` if it ran."""
    words = report.__dict__.get(_WORDS)
    if words is None:
        return document_words(_text(report))
    return words.split("\n") if words else ()


def _text(report: Report) -> str:
    return f"{report.title}\n{report.body}"
