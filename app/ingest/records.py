"""What readers produce and what ingest reports back."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

PLAIN = "text/plain"
HTML = "text/html"


@dataclass
class RawReport:
    """One report as a reader found it, before decoding and cleaning.

    `origin` names where it came from precisely enough for an error message: a path, or
    `path:line 12` / `path:record 3` / `path:row at line 7` for multi-record files.
    """

    origin: str
    #: The report's bytes (single-report files); None when the reader already has text.
    raw: bytes | None = None
    #: Already-decoded text (JSON/CSV records carry text, not bytes); None → decode `raw`.
    text: str | None = None
    #: text/plain, or text/html for a saved page (the article is extracted from it).
    media_type: str = PLAIN
    #: sha256 of the file the report arrived in, as it lay on disk (provenance; for multi-record
    #: files the whole file — `filename` then says which record).
    original_sha256: str | None = None
    #: The encoding the bytes were found to be in (set by the reader for multi-record files).
    encoding: str | None = None
    #: A charset declared by the container (HTML <meta charset>), tried first.
    declared_charset: str | None = None
    title: str | None = None
    published: dt.date | None = None
    date_basis: str | None = None
    source: str | None = None
    source_url: str | None = None
    source_id: str | None = None
    language: str | None = None
    retrieved_at: dt.datetime | None = None
    #: From a Sijill export: when the report first entered an archive (kept on restore).
    ingested_at: dt.datetime | None = None
    #: From a Sijill export: the text's sha256, verified on re-ingest.
    claimed_sha256: str | None = None
    filename: str | None = None


@dataclass(frozen=True)
class Refusal:
    """A report (or file) that was not ingested, and why — always naming the file."""

    origin: str
    reason: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"


@dataclass(frozen=True)
class Notice:
    """Something worth telling the user that does not stop a report (e.g. ignored unknown fields)."""

    origin: str
    message: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.message}"


@dataclass
class IngestSummary:
    added: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    #: report id → id of the group it joined (near-duplicates found in this run).
    grouped: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.refused
