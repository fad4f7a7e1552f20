"""HTTP caching for a read-only archive: one validator for everything, from the archive's last change.

Every page, API response, feed and export is a function of (archive contents, code version, URL).
The archive only changes through `Archive.store`/`reindex`, which always commit a new index
generation, so the validator is computed once per index generation (when the shared searcher is
refreshed) and every other request only compares strings:

- ETag: weak, a hash of index generation + TOC mtime + index and database counts + newest
  `ingested_at` + schema version + a hash of the code and templates (a deploy changes it too);
- Last-Modified: the later of the newest `ingested_at` and the index's last commit.

`ConditionalGet` answers a matching `If-None-Match` (or, without one, `If-Modified-Since`) with
304 before any search runs, so revalidation is nearly free.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import threading
from dataclasses import dataclass
from email.utils import format_datetime, parsedate_to_datetime
from functools import lru_cache
from pathlib import Path

from sqlalchemy import func, select
from whoosh.searching import Searcher

from app import __version__
from app.archive import Archive
from app.models import Report
from app.search.index import INDEX_NAME
from app.search.schema import SCHEMA_VERSION

APP_VERSION = __version__
_ROOT = Path(__file__).resolve().parent.parent.parent


@lru_cache(maxsize=1)
def code_stamp() -> str:
    """A hash of the code and templates that render responses, so a deploy that changes a page
    changes its validator even without a version bump (content-based: equal on every server)."""
    h = hashlib.sha256(APP_VERSION.encode())
    for root, pattern in ((_ROOT / "app", "**/*.py"), (_ROOT / "templates", "**/*.html")):
        for f in sorted(root.glob(pattern)):
            h.update(str(f.relative_to(_ROOT)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:16]

#: Data may change with the next ingest; a minute of freshness, then cheap revalidation.
CACHE_CONTROL = b"public, max-age=60"
#: Health must always be live.
NO_STORE = b"no-store"
#: Paths whose content does not depend on the archive (StaticFiles sets its own validators).
_UNCACHED_PREFIXES = ("/static/",)
_LIVE_PATHS = ("/healthz",)


@dataclass(frozen=True)
class ArchiveVersion:
    etag: str                # with quotes and W/ prefix, ready for the header
    last_modified: dt.datetime  # UTC, whole seconds
    http_date: str           # Last-Modified header value
    reports: int             # database count at computation time
    index_docs: int

    @property
    def consistent(self) -> bool:
        return self.reports == self.index_docs


def _utc(d: dt.datetime) -> dt.datetime:
    return d.replace(tzinfo=dt.timezone.utc) if d.tzinfo is None else d.astimezone(dt.timezone.utc)


class ArchiveVersions:
    """The current `ArchiveVersion`, cached per shared-searcher generation."""

    def __init__(self, archive: Archive):
        self.archive = archive
        self._lock = threading.Lock()
        self._cached: tuple[Searcher, ArchiveVersion] | None = None

    def current(self) -> ArchiveVersion:
        searcher = self.archive.index.searcher()
        cached = self._cached
        if cached is not None and cached[0] is searcher:
            return cached[1]
        with self._lock:
            version = self._compute(searcher)
            # Between an index commit and its database commit the counts differ: do not pin a
            # version computed in that window (the next request computes it again).
            if version.consistent:
                self._cached = (searcher, version)
            return version

    def _compute(self, searcher: Searcher) -> ArchiveVersion:
        gen = searcher.reader().generation() or 0
        docs = searcher.doc_count()
        toc = self.archive.index.path / f"_{INDEX_NAME}_{gen}.toc"
        try:
            toc_ns = toc.stat().st_mtime_ns
        except OSError:
            toc_ns = 0
        with self.archive.session() as s:
            count, newest = s.execute(select(func.count(), func.max(Report.ingested_at)).select_from(Report)).one()
        stamps = [dt.datetime.fromtimestamp(toc_ns / 1e9, dt.timezone.utc)] if toc_ns else []
        if newest is not None:
            stamps.append(_utc(newest))
        last = max(stamps) if stamps else dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
        last = last.replace(microsecond=0)
        key = f"{gen}|{toc_ns}|{docs}|{count}|{newest}|{SCHEMA_VERSION}|{code_stamp()}"
        digest = hashlib.sha256(key.encode()).hexdigest()[:20]
        return ArchiveVersion(etag=f'W/"{digest}"', last_modified=last,
                              http_date=format_datetime(last, usegmt=True), reports=count or 0, index_docs=docs)


def etag_matches(header: str, etag: str) -> bool:
    """Weak comparison (RFC 9110 §13.1.2): any listed tag equal to ours, W/ ignored; `*` is not ours."""
    ours = etag.removeprefix("W/")
    for tag in header.split(","):
        tag = tag.strip()
        if tag and tag != "*" and tag.removeprefix("W/") == ours:
            return True
    return False


def not_modified_since(header: str, last_modified: dt.datetime) -> bool:
    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return False
    if since is None:
        return False
    return _utc(since) >= last_modified


class ConditionalGet:
    """ASGI middleware: validators on successful GET responses, 304 on revalidation."""

    def __init__(self, app, versions: ArchiveVersions):
        self.app = app
        self.versions = versions

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            return await self.app(scope, receive, send)
        path: str = scope["path"]
        if path.startswith(_UNCACHED_PREFIXES):
            return await self.app(scope, receive, send)
        if path in _LIVE_PATHS:
            async def send_live(message):
                if message["type"] == "http.response.start":
                    message["headers"] = list(message.get("headers", [])) + [(b"cache-control", NO_STORE)]
                await send(message)
            return await self.app(scope, receive, send_live)

        version = self.versions.current()
        validators = [(b"etag", version.etag.encode()), (b"last-modified", version.http_date.encode()),
                      (b"cache-control", CACHE_CONTROL)]
        inm = ims = None
        for k, v in scope.get("headers", ()):
            if k == b"if-none-match":
                inm = v.decode("latin-1")
            elif k == b"if-modified-since":
                ims = v.decode("latin-1")
        fresh = etag_matches(inm, version.etag) if inm is not None else (
            ims is not None and not_modified_since(ims, version.last_modified))
        if fresh:
            await send({"type": "http.response.start", "status": 304, "headers": validators})
            await send({"type": "http.response.body", "body": b""})
            return

        async def send_with_validators(message):
            if message["type"] == "http.response.start" and message["status"] == 200:
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in validators if k not in names]
            await send(message)

        return await self.app(scope, receive, send_with_validators)
