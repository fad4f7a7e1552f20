"""Ingest: read → decode → clean → identify → enrich → group → store (database and index together).

Reports are stored in batches; each batch is one `Archive.store` transaction, so an interrupted
ingest loses at most the batch in flight and running it again completes the job (the reports
already stored are skipped as exact duplicates, and the same order of files reproduces the same
near-duplicate groups).
"""
from __future__ import annotations

import datetime as dt
import hashlib
from contextlib import nullcontext
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol

from app.archive import Archive, Grouping, analyse_ahead
from app.dates.extract import extract as extract_dates
from app.gazetteer.tagger import summarise, tag
from app.models import DateMention, PlaceMention, Report, attach_mentions, new_row

from . import article, dedup
from .clean import clean, derive_title
from .decode import DecodeError, canonical, decode, report_id, text_sha256
from .metadata import FieldError, parse_date
from .parallel import prepare_in_parallel
from .plausibility import judge
from .readers import read_paths
from .records import HTML, IngestSummary, Notice, RawReport, Refusal

#: Reports per stored batch (one database transaction and one index commit). Each index commit
#: writes a segment whose cost is mostly per distinct term, so larger batches cost less per report
#: (measured: store 14.5 ms/report at 200, 7.3 at 1,000, 3.1 at 2,000; at 4,000 the writer spills to disk); an
#: interrupted ingest redoes one batch.
BATCH_SIZE = 2000
#: …or fewer when the reports are long (bounds memory: characters of body text per batch).
BATCH_CHARS = 8_000_000


#: Where `prepare` leaves a report's MinHash (a plain instance attribute, not a column).
SIGNATURE = "_sijill_minhash"


#: The index schema that `prepare` analyses report texts for (`archive.analyse_ahead`): set by
#: `ingest` before its worker processes fork, None when nothing will be stored.
_ahead_schema = None


class HashLookup(Protocol):
    def existing_hashes(self, hashes: Iterable[str]) -> set[str]: ...


def prepare(rec: RawReport, now: dt.datetime) -> Report | Refusal:
    """Turn one raw record into a Report row with its place and date mentions, or refuse it."""
    html = rec.media_type == HTML
    encoding = rec.encoding
    if rec.text is None:
        try:
            decoded = decode(rec.raw or b"", declared=rec.declared_charset,
                             check=article.judge_page if html else judge)
        except DecodeError as e:
            return Refusal(rec.origin, str(e))
        text, encoding = decoded.text, decoded.encoding
    else:
        text = rec.text
        verdict = article.judge_page(text) if html else judge(text)
        if not verdict.ok:
            return Refusal(rec.origin, verdict.reason or "implausible text")
    text = canonical(text)
    title, published, basis = rec.title, rec.published, rec.date_basis
    source, url = rec.source, rec.source_url
    if html:
        art = article.extract(text)
        if art is None:
            return Refusal(rec.origin, "no article text found in the page")
        verdict = judge(art.text)
        if not verdict.ok:
            return Refusal(rec.origin, f"the article extracted from the page: {verdict.reason}")
        body = clean(canonical(art.text))
        title = title or art.title
        if published is None and art.date:
            try:
                published, basis = parse_date(art.date), "stated"
            except FieldError:
                published = None
        source, url = source or art.sitename, url or art.url
    else:
        body = clean(text)
    if not body.strip():
        return Refusal(rec.origin, "no text (empty after removing whitespace and scraper debris)")
    sha = text_sha256(text)
    if rec.claimed_sha256 and rec.claimed_sha256 != sha:
        return Refusal(rec.origin, f"the text does not match its sha256 ({rec.claimed_sha256[:12]}…): "
                                   "the exported record was altered or damaged")
    original_sha = rec.original_sha256 or hashlib.sha256(rec.raw if rec.raw is not None
                                                         else text.encode("utf-8")).hexdigest()
    report = new_row(Report, dict(
        id=report_id(sha), sha256=sha, original_sha256=original_sha,
        title=title or derive_title(body), body=body, original=text,
        source=source, source_url=url, source_id=rec.source_id,
        published=published, date_basis="unknown" if published is None else (basis or "stated"),
        language=rec.language or "ar", filename=rec.filename, retrieved_at=rec.retrieved_at,
        ingested_at=rec.ingested_at or now, encoding=encoding, media_type=rec.media_type,
    ))
    enrich(report)
    # The near-duplicate signature is a pure function of the body: computed here, in the worker
    # processes that prepare reports, instead of in the main process's batch (17 % of its time).
    report.__dict__[SIGNATURE] = dedup.signature(report.body)
    if _ahead_schema is not None:
        analyse_ahead(report, _ahead_schema)
    return report


def place_mentions(body: str) -> list[PlaceMention]:
    """The gazetteer places a report's text names (also used by reindex, after a gazetteer edit)."""
    return [new_row(PlaceMention, {"place_slug": slug, "count": n, "first_pos": first})
            for slug, n, first in summarise(tag(body))]


def enrich(report: Report) -> None:
    """Attach what the text says about places and dates (pure functions over the body)."""
    attach_mentions(report, "places", place_mentions(report.body))
    attach_mentions(report, "dates", [
        new_row(DateMention, {"start": m.start, "end": m.end, "text": m.text, "date_from": m.date_from,
                              "date_to": m.date_to, "precision": m.precision, "relative": m.relative})
        for m in extract_dates(report.body, report.published)])


class Grouper:
    """Assigns near-duplicate groups to a batch: candidates from the database's LSH band keys
    (one query per batch) and from earlier reports of the same run, verified by MinHash similarity."""

    def __init__(self, archive: Archive):
        self.archive = archive

    def assign(self, batch: list[Report]) -> Grouping:
        """Set `dup_group` on the batch's reports; return the rows and head updates to store."""
        grouping = Grouping()
        ids = [r.id for r in batch]  # plain strings: ORM attribute access is slow in the loops below
        sigs = {rid: (r.__dict__[SIGNATURE] if SIGNATURE in r.__dict__ else dedup.signature(r.body))
                for rid, r in zip(ids, batch)}
        keys = {rid: dedup.band_keys(sig) for rid, sig in sigs.items() if sig is not None}
        db_candidates = self.archive.band_candidates(k for ks in keys.values() for k in ks)
        known = {rid: (dedup.from_bytes(blob), group) for rid, (blob, group) in
                 self.archive.signatures({c for cs in db_candidates.values() for c in cs}).items()}
        in_batch: dict[int, list[str]] = {}
        by_id = dict(zip(ids, batch))
        for rid in ids:
            sig = sigs[rid]
            if sig is None:
                continue
            grouping.signatures.append({"report_id": rid, "minhash": dedup.to_bytes(sig)})
            best: tuple[float, str] | None = None
            for key in keys[rid]:
                for cid in db_candidates.get(key, []) + in_batch.get(key, []):
                    other = known[cid][0] if cid in known else sigs.get(cid)
                    if other is None:
                        continue
                    s = dedup.similarity(sig, other)
                    if s >= dedup.THRESHOLD and (best is None or s > best[0] or (s == best[0] and cid < best[1])):
                        best = (s, cid)
            if best is None:  # a new story: it heads its own (so far one-report) group
                for k in sorted(set(keys[rid])):
                    grouping.bands.append({"key": k, "report_id": rid})
                    in_batch.setdefault(k, []).append(rid)
                continue
            head = best[1]
            if head in by_id:
                by_id[head].dup_group = head
            elif known[head][1] is None:
                grouping.heads.add(head)
            by_id[rid].dup_group = head
        return grouping


def ingest(archive: Archive | None, paths: Iterable[Path], *, max_bytes: int, dry_run: bool = False,
           lookup: HashLookup | None = None,
           progress: Callable[[str], None] | None = None) -> IngestSummary:
    """Ingest every report under `paths`.

    With `dry_run` nothing is written: `lookup` (e.g. `ArchivePeek`) says which reports the
    archive already has, so the summary is exactly what a real run would do.
    """
    summary = IngestSummary()
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
    batch: list[Report] = []
    batch_chars = 0
    seen: set[str] = set()
    lookup = lookup or archive
    grouper = Grouper(archive) if archive is not None and not dry_run else None

    def flush() -> None:
        nonlocal batch_chars
        if not batch:
            return
        existing = lookup.existing_hashes(r.sha256 for r in batch) if lookup else set()
        fresh = [r for r in batch if r.sha256 not in existing]
        summary.duplicates.extend(r.id for r in batch if r.sha256 in existing)
        if fresh and not dry_run and archive is not None:
            archive.store(fresh, grouper.assign(fresh) if grouper else None)
            summary.grouped.update((r.id, r.dup_group) for r in fresh if r.dup_group and r.dup_group != r.id)
        summary.added.extend(r.id for r in fresh)
        batch.clear()
        batch_chars = 0

    global _ahead_schema
    storing = archive is not None and not dry_run
    _ahead_schema = archive.index.open().schema if storing else None
    # The run's batches split glued words against counts kept from batch to batch (not read from
    # every index segment again per batch: `vocabulary.KeptVocabulary`).
    keeping = archive.index.keeping_vocabulary() if storing else nullcontext()
    with keeping:
        try:
            records = read_paths(list(paths), max_bytes)
            for item, report in prepare_in_parallel(prepare, records, now, passthrough=(Refusal, Notice)):
                if isinstance(item, Notice):
                    summary.notices.append(item)
                    continue
                if progress:
                    progress(item.origin)
                if isinstance(item, Refusal):
                    summary.refused.append(item)
                    continue
                if isinstance(report, Refusal):
                    summary.refused.append(report)
                    continue
                if report.sha256 in seen:
                    summary.duplicates.append(report.id)
                    continue
                seen.add(report.sha256)
                batch.append(report)
                batch_chars += len(report.body)
                if len(batch) >= BATCH_SIZE or batch_chars >= BATCH_CHARS:
                    flush()
        finally:
            _ahead_schema = None
        flush()
    return summary
