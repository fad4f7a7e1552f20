"""What readers produce and what ingest reports back."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class RawReport:
    """One report as a reader found it, before decoding and cleaning.

    `origin` names where it came from precisely enough for an error message: a path, or
    `path:line 12` / `path:record 3` for multi-record files.
    """

    origin: str
    raw: bytes
    #: Already-decoded text (JSON/CSV records carry text, not bytes); None → decode `raw`.
    text: str | None = None
    title: str | None = None
    published: dt.date | None = None
    date_basis: str | None = None
    source: str | None = None
    source_url: str | None = None
    source_id: str | None = None
    language: str | None = None
    retrieved_at: dt.datetime | None = None
    filename: str | None = None


@dataclass(frozen=True)
class Refusal:
    """A report (or file) that was not ingested, and why — always naming the file."""

    origin: str
    reason: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"


@dataclass
class IngestSummary:
    added: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refused
