"""Ingest: read → decode → clean → identify → enrich → store (database and index together).

Reports are stored in batches; each batch is one `Archive.store` transaction, so an interrupted
ingest loses at most the batch in flight and running it again completes the job.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path

from app.archive import Archive
from app.dates.extract import extract as extract_dates
from app.gazetteer.tagger import summarise, tag
from app.models import DateMention, PlaceMention, Report

from .clean import clean, derive_title
from .decode import DecodeError, canonical, decode, report_id, text_sha256
from .records import IngestSummary, RawReport, Refusal
from .parallel import prepare_in_parallel
from .readers import read_paths

import hashlib

#: Reports per stored batch (one database transaction and one index commit). Each index commit
#: writes a segment whose cost is mostly per distinct term, so larger batches cost less per report
#: (measured: store 14.5 ms/report at 200, 7.3 at 1,000, 3.1 at 2,000; at 4,000 the writer spills to disk); an
#: interrupted ingest redoes one batch.
BATCH_SIZE = 2000
#: …or fewer when the reports are long (bounds memory: characters of body text per batch).
BATCH_CHARS = 8_000_000


def prepare(rec: RawReport, now: dt.datetime) -> Report | Refusal:
    """Turn one raw record into a Report row with its place and date mentions, or refuse it."""
    try:
        text = rec.text if rec.text is not None else decode(rec.raw)
    except DecodeError as e:
        return Refusal(rec.origin, str(e))
    text = canonical(text)
    body = clean(text)
    if not body.strip():
        return Refusal(rec.origin, "no text (empty after removing whitespace and scraper debris)")
    sha = text_sha256(text)
    report = Report(
        id=report_id(sha), sha256=sha, original_sha256=hashlib.sha256(rec.raw).hexdigest(),
        title=rec.title or derive_title(body), body=body, original=text,
        source=rec.source, source_url=rec.source_url, source_id=rec.source_id,
        published=rec.published, date_basis=rec.date_basis or ("stated" if rec.published else "unknown"),
        language=rec.language or "ar", filename=rec.filename, retrieved_at=rec.retrieved_at,
        ingested_at=now,
    )
    enrich(report)
    return report


def place_mentions(body: str) -> list[PlaceMention]:
    """The gazetteer places a report's text names (also used by reindex, after a gazetteer edit)."""
    return [PlaceMention(place_slug=slug, count=n, first_pos=first) for slug, n, first in summarise(tag(body))]


def enrich(report: Report) -> None:
    """Attach what the text says about places and dates (pure functions over the body)."""
    report.places = place_mentions(report.body)
    report.dates = [DateMention(start=m.start, end=m.end, text=m.text, date_from=m.date_from,
                                date_to=m.date_to, precision=m.precision, relative=m.relative)
                    for m in extract_dates(report.body, report.published)]


def ingest(archive: Archive | None, paths: Iterable[Path], *, max_bytes: int, dry_run: bool = False,
           progress: Callable[[str], None] | None = None) -> IngestSummary:
    """Ingest every report under `paths`. With `dry_run`, nothing is written (archive may be None)."""
    summary = IngestSummary()
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
    batch: list[Report] = []
    batch_chars = 0
    seen: set[str] = set()

    def flush() -> None:
        nonlocal batch_chars
        if not batch:
            return
        existing = archive.existing_hashes(r.sha256 for r in batch) if archive else set()
        fresh = [r for r in batch if r.sha256 not in existing]
        summary.duplicates.extend(r.id for r in batch if r.sha256 in existing)
        if fresh and not dry_run:
            archive.store(fresh)
        summary.added.extend(r.id for r in fresh)
        batch.clear()
        batch_chars = 0

    records = read_paths(list(paths), max_bytes)
    for item, report in prepare_in_parallel(prepare, records, now, passthrough=Refusal):
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
    flush()
    return summary
