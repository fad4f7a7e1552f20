"""The archive's tables. The database is the source of truth; the Whoosh index is derived from it."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, configure_mappers, mapped_column, relationship
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.instrumentation import manager_of_class


class Base(DeclarativeBase):
    pass


class Report(Base):
    """One report. `id` is the first 12 hex digits of `sha256`, so a permalink never changes."""

    __tablename__ = "reports"

    id: Mapped[str] = mapped_column(String(12), primary_key=True)
    #: sha256 of the decoded text (BOM removed, NFC, \n line ends): the identity of the report.
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    #: sha256 of the bytes exactly as received (provenance).
    original_sha256: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    #: Cleaned text (scraper debris removed, paragraphs kept) — what is indexed and shown.
    body: Mapped[str] = mapped_column(Text)
    #: The decoded text exactly as received.
    original: Mapped[str] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)
    source_url: Mapped[str | None] = mapped_column(Text)
    #: The source's own identifier for the record (e.g. a crawler's id), kept for citation.
    source_id: Mapped[str | None] = mapped_column(Text)
    published: Mapped[dt.date | None] = mapped_column(Date, index=True)
    #: stated | estimated | unknown
    date_basis: Mapped[str] = mapped_column(String(16), default="unknown")
    language: Mapped[str] = mapped_column(String(8), default="ar")
    filename: Mapped[str | None] = mapped_column(Text)
    retrieved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    ingested_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    #: Near-duplicate group: the id of the group's first report (None when alone).
    dup_group: Mapped[str | None] = mapped_column(String(12), index=True)
    #: The encoding the bytes were found in (utf-8, utf-8-sig, utf-16-le, cp1256, iso8859-6, …).
    encoding: Mapped[str | None] = mapped_column(String(32))
    #: text/plain, or text/html when `original` is a saved page and `body` the article extracted from it.
    media_type: Mapped[str] = mapped_column(String(32), default="text/plain")

    places: Mapped[list[PlaceMention]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="PlaceMention.first_pos")
    dates: Mapped[list[DateMention]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="DateMention.start")


class PlaceMention(Base):
    """A gazetteer place named in a report: how often, and where first (char offset in body)."""

    __tablename__ = "place_mentions"

    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    place_slug: Mapped[str] = mapped_column(String(80), primary_key=True, index=True)
    count: Mapped[int] = mapped_column(Integer)
    first_pos: Mapped[int] = mapped_column(Integer)

    report: Mapped[Report] = relationship(back_populates="places")


class DateMention(Base):
    """A date expression in a report's body, resolved to an inclusive range."""

    __tablename__ = "date_mentions"
    __table_args__ = (Index("ix_date_mentions_range", "date_from", "date_to"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    date_from: Mapped[dt.date] = mapped_column(Date)
    date_to: Mapped[dt.date] = mapped_column(Date)
    #: day | week | part (early/mid/late of a month or year) | month | season | year (app.dates.extract.PRECISIONS)
    precision: Mapped[str] = mapped_column(String(16))
    relative: Mapped[bool] = mapped_column(Boolean, default=False)

    report: Mapped[Report] = relationship(back_populates="dates")


class DupSignature(Base):
    """A report's MinHash (128 × uint32), kept so near-duplicates are found across ingest runs."""

    __tablename__ = "dup_signatures"

    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    minhash: Mapped[bytes] = mapped_column(LargeBinary)


class DupBand(Base):
    """An LSH band key of a group's first report (or a lone report): equal keys → candidate copies.

    Only group heads are banded, so a lookup meets one row per group, however large the group.
    """

    __tablename__ = "dup_bands"

    key: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True,
                                           index=True)


def new_row(cls: type[Base], values: dict) -> Base:
    """A new `cls` object with `values` set as they are, without the ORM's attribute events.

    Why: the declarative constructor fires an instrumented set per attribute, which cost ingest
    0.1 ms per report; a row built here is flushed by a session exactly like a constructed one
    (an INSERT reads the values from the object's dict — a test checks). A new report's mentions
    are attached with `attach_mentions`.
    """
    manager = _MANAGERS.get(cls)
    if manager is None:
        configure_mappers()  # relationships are instrumented once the mappers are configured
        manager = _MANAGERS[cls] = manager_of_class(cls)
    obj = manager.new_instance()
    obj.__dict__.update(values)
    return obj


_MANAGERS: dict[type, object] = {}


def attach_mentions(report: Report, key: str, mentions: list[PlaceMention] | list[DateMention]) -> None:
    """Set a new report's `places` or `dates` without the ORM's collection events (another 0.1 ms
    per report at ingest). Each mention gets its `report_id` and back reference directly, so a
    session that adds the report still inserts them, with their report's id (a test checks);
    `Archive.store` inserts them with Core in any case."""
    rid = report.__dict__["id"]
    for m in mentions:
        m.__dict__["report_id"] = rid
        m.__dict__["report"] = report
    set_committed_value(report, key, mentions)
