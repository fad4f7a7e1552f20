"""The backup format: one JSON object per report, in the vocabulary ingest reads back.

`text` is the report's *original* (the decoded text as received, or the saved page for HTML,
marked by `media_type`), because the permalink ID is computed from it: re-ingesting an export
into an empty archive gives every report the same ID and hashes. `sha256` lets ingest verify each
text on the way back in; `original_sha256`, `encoding`, `filename` and `ingested_at` carry the
provenance over unchanged. `body` (the cleaned text) is not exported: ingest derives it again.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator

from app.models import Report

FORMAT_VERSION = 1


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat() + ("Z" if value.tzinfo is None else "")
    return value.isoformat()


def export_record(r: Report) -> dict:
    return {
        "id": r.id,
        "sha256": r.sha256,
        "source_id": r.source_id,
        "title": r.title,
        "published": _iso(r.published),
        "date_basis": r.date_basis,
        "source": r.source,
        "url": r.source_url,
        "retrieved_at": _iso(r.retrieved_at),
        "ingested_at": _iso(r.ingested_at),
        "language": r.language,
        "media_type": r.media_type or "text/plain",
        "encoding": r.encoding,
        "filename": r.filename,
        "original_sha256": r.original_sha256,
        "dup_group": r.dup_group,
        "text": r.original,
    }


def jsonl_lines(reports: Iterable[Report]) -> Iterator[str]:
    for r in reports:
        yield json.dumps(export_record(r), ensure_ascii=False, separators=(",", ":")) + "\n"
