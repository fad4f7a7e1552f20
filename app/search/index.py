"""The on-disk Whoosh index — Sijill's `SearchBackend` (backend.py) on one machine.

The index lives in `<data_dir>/index` only (Whoosh segments contain pickles: never open an index
from anywhere else). Design choices, each measured (docs/performance.md):

- one searcher per index generation, refreshed after a commit, with a `Generation` (engine.py)
  holding the numpy columns derived from it (publication days, places, IDs);
- queries evaluated over whole posting lists with numpy (engine.py), so total, facets, timeline
  and the top k come from one pass;
- segments written uncompounded with `codec.CompactCodec`: Whoosh's compound-file reader copies
  every segment into process memory (RSS = 2 × index size per worker); plain files are read
  through the OS page cache, shared by all workers.
"""
from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from whoosh import index as windex
from whoosh.query import Term
from whoosh.searching import Searcher
from whoosh.writing import IndexWriter

from app.dates.timeline import day_number, histogram_day_counts, histogram_days

from .backend import IndexDocument, SearchRequest, SearchResult
from .codec import CompactCodec
from .fields import ArabicText, PreAnalysed
from .engine import Generation, Matches
from .merge import TieredMerge, merge_all
from .postings import GroupedPostings
from .schema import INDEX_NAME, SCHEMA_VERSION, VERSION_FILE, build_schema, version_matches
from .vocabulary import VOCABULARY_FIELD, IndexVocabulary, KeptVocabulary

#: Memory for the writer's posting pool before it spills to disk (per writer).
WRITER_LIMIT_MB = 256
#: Size of the smallest merge tier, in documents (about one ingest batch; see merge.py).
MERGE_BASE = 2000


def published_key(d: dt.date | None) -> int:
    return d.year * 10000 + d.month * 100 + d.day if d else 0


def fields_for(doc: IndexDocument) -> dict:
    """Whoosh fields for one index document."""
    fields = {
        "id": doc.id,
        "sha256": doc.sha256,
        "title": doc.title,
        "body": doc.body,
        "title_exact": doc.title,
        "body_exact": doc.body,
        "published": published_key(doc.published),
        "places": ",".join(sorted(set(doc.places))),
        "dup_group": doc.dup_group or doc.id,
    }
    if doc.source_id:
        fields["source_id"] = doc.source_id
    if doc.mentioned:
        fields["mentioned"] = mentioned_bytes(doc.mentioned)
    return fields


def mentioned_bytes(ranges) -> bytes:
    """Mentioned date ranges as the `mentioned` column stores them: (first day, last day) pairs
    of little-endian int32 day numbers (days from 1970-01-01; year 1 to 9999 fit)."""
    return np.array([(day_number(lo), day_number(hi)) for lo, hi in ranges], dtype="<i4").tobytes()


def mentioned_ranges(report) -> tuple[tuple[dt.date, dt.date], ...]:
    """A report row's distinct mentioned ranges (from its DateMention rows)."""
    return tuple(sorted({(m.date_from, m.date_to) for m in report.dates}))


def index_document(report, place_slugs: Iterable[str] | None = None) -> IndexDocument:
    """The index document for a Report row (places from `place_slugs` or the row's mentions)."""
    if place_slugs is None:
        place_slugs = (p.place_slug for p in report.places)
    return IndexDocument(id=report.id, sha256=report.sha256, title=report.title, body=report.body,
                         published=report.published, places=tuple(sorted(set(place_slugs))),
                         dup_group=report.dup_group, source_id=report.source_id,
                         mentioned=mentioned_ranges(report))


def pre_analyse(schema, doc: IndexDocument) -> dict:
    """The text fields of `doc` analysed ahead of their batch (`fields.PreAnalysed`): ingest
    workers do this, so the main process only checks the batch's glued-word splits."""
    out = {}
    asked: dict[frozenset[str], frozenset[str]] = {}
    for name, value in fields_for(doc).items():
        field = schema[name] if name in schema else None
        if isinstance(field, ArabicText) and isinstance(value, str):
            pa = field.pre_analyse(value)
            if isinstance(pa, PreAnalysed):
                # The stem and exact-form fields of one text ask about the same words: one set
                # object for both (pickled once on the way to the main process).
                same = asked.setdefault(pa.asked, pa.asked)
                out[name] = pa if same is pa.asked else replace(pa, asked=same)
    return out


def document_for(report, place_slugs: Iterable[str]) -> dict:
    """Whoosh fields for a Report row (kept for callers that write with `writer()` directly)."""
    return fields_for(index_document(report, place_slugs))


@dataclass
class IndexEntry:
    id: str
    sha256: str


class WhooshBatch:
    """An `IndexBatch` over one Whoosh writer (the index write lock is held until commit/cancel)."""

    def __init__(self, index: ArchiveIndex, *, replace: bool, bulk: bool):
        self.index = index
        self.replace = replace
        self.writer = index.writer(bulk=bulk)
        self._grouped: GroupedPostings | None = None
        if bulk:  # a whole archive: Whoosh's pool, which spills to disk
            self._add = self.writer.update_document if replace else self.writer.add_document
        else:  # a batch: postings grouped per term in memory (postings.py)
            kept = index._kept is not None
            grouped = self._grouped = GroupedPostings(self.writer, count_field=VOCABULARY_FIELD if kept else None)
            self._add = (lambda **f: grouped.update(f)) if replace else (lambda **f: grouped.add(f))

    def add(self, doc: IndexDocument, analysed: dict | None = None) -> None:
        """Add `doc`; `analysed`: its text fields analysed ahead (`pre_analyse`), used where the
        text is still the document's."""
        fields = fields_for(doc)
        if analysed:
            for name, pa in analysed.items():
                if fields.get(name) == pa.text:
                    fields[name] = pa
        self._add(**fields)

    def decide_splits(self, analysed: Iterable[dict]) -> None:
        """Take the glued-word decisions the documents analysed ahead (`pre_analyse`) will ask
        for, all at once (call under the vocabulary the documents are then added with)."""
        if self._grouped is not None:
            self._grouped.decide_splits(pa.asked for fields in analysed if fields for pa in fields.values())

    def delete(self, report_id: str) -> None:
        self.writer.delete_by_term("id", report_id)

    def commit(self, *, optimize: bool = False) -> None:
        policy = merge_all if optimize else TieredMerge(MERGE_BASE)
        kept = self.index._kept
        if kept is None:
            self.writer.commit(mergetype=policy)
        else:
            dropped = []

            def tracked(writer, segments):
                segments = list(segments)
                out = policy(writer, segments)
                remaining = {s.segid for s in out}
                dropped.extend(s for s in segments if s.segid not in remaining and s.has_deletions())
                return out

            generation = self.writer.generation
            self.writer.commit(mergetype=tracked)
            added = self._grouped.counted if self._grouped is not None else None
            kept.committed(generation - 1, generation, added, bool(dropped))
        self.index._committed()

    def cancel(self) -> None:
        self.writer.cancel()

    def __enter__(self) -> WhooshBatch:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.cancel()


class ArchiveIndex:
    """The index directory plus a cached searcher (and `Generation`) for its current generation."""

    #: Search results carry `published_histogram` (callers need not ask for `day_counts`).
    draws_timeline = True

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        #: Whoosh reads segment files with seek() + read() on shared handles: two threads reading
        #: at once corrupt each other's reads (seen as HTTP 500s on phrase queries under load).
        #: Every read of the index in this process holds this lock; under the GIL the lost
        #: parallelism is small, and the database, snippets and templates still run in parallel.
        self.read_lock = threading.RLock()
        self._searcher: Searcher | None = None
        self._stamp: int | None = None
        self._current: tuple[int, Searcher] | None = None
        self._generation: Generation | None = None
        self._vocabulary: tuple[Searcher, IndexVocabulary] | None = None
        #: Document frequencies kept across the batches of an ingest run (`keeping_vocabulary`).
        self._kept: KeptVocabulary | None = None
        self._keeping = 0
        self._ix = None
        #: True when `open` had to create the index (none there, or of an older schema version).
        self.recreated = False

    # -- opening ---------------------------------------------------------------------------
    def _version_ok(self) -> bool:
        return version_matches(self.path)

    def open(self, create: bool = True):
        """Open the index, creating it (or recreating an outdated one) when `create`."""
        if self._ix is not None:
            return self._ix
        if windex.exists_in(self.path, INDEX_NAME) and self._version_ok():
            self._ix = windex.open_dir(str(self.path), indexname=INDEX_NAME)
        elif create:
            self._ix = self.create()
            self.recreated = True
        else:
            raise FileNotFoundError(f"no index at {self.path}")
        return self._ix

    def create(self):
        """An empty index (replacing any existing one)."""
        self.path.mkdir(parents=True, exist_ok=True)
        ix = windex.create_in(str(self.path), build_schema(), indexname=INDEX_NAME)
        (self.path / VERSION_FILE).write_text(str(SCHEMA_VERSION))
        self._ix = ix
        self.close_searcher()
        return ix

    # -- writing ---------------------------------------------------------------------------
    def writer(self, bulk: bool = False) -> IndexWriter:
        """A Whoosh writer with Sijill's codec (compact postings, uncompounded segments)."""
        return self.open().writer(timeout=60.0, codec=CompactCodec(), compound=False,
                                  limitmb=WRITER_LIMIT_MB * (2 if bulk else 1))

    def batch(self, *, replace: bool = True, bulk: bool = False) -> WhooshBatch:
        return WhooshBatch(self, replace=replace, bulk=bulk)

    def delete_ids(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        if not ids:
            return
        with self.batch() as b:
            for rid in ids:
                b.delete(rid)

    def optimize(self) -> None:
        """Merge all segments into one (after a large ingest or reindex)."""
        w = self.writer(bulk=True)
        w.commit(mergetype=merge_all)
        self._committed()

    def _committed(self) -> None:
        """Hook after a commit from this process (the next `searcher()` sees the new generation)."""

    # -- reading ---------------------------------------------------------------------------
    def searcher(self) -> Searcher:
        """The shared searcher, reopened when a writer has committed a new generation.

        Not `Searcher.refresh()`: whoosh3's reader reuse appends the old reader's segments to the
        new generation's (`FileIndex._reader`), so after a merge every document would be there
        twice — once from the merged segment, once from the segments it replaced. A new searcher
        is cheap (segment files are opened, not read); the old one is left to requests still using
        it and closed when the last reference goes.
        """
        # Whoosh's up_to_date() lists the index directory (13% of a results page under load);
        # a commit always adds a new table-of-contents file, which changes the directory's
        # mtime, so an unchanged mtime means an unchanged generation.
        try:
            stamp = os.stat(self.path).st_mtime_ns
        except OSError:
            stamp = None
        current = self._current
        if current is not None and stamp is not None and current[0] == stamp:
            # No lock on the common path: a request asks several times, and threads queueing on
            # the lock were 10% of a results page under load.
            return current[1]
        with self._lock:
            if self._searcher is None or stamp is None or stamp != self._stamp:
                if self._searcher is None or not self._searcher.up_to_date():
                    self._searcher = self.open().searcher()
                self._stamp = stamp
                # (stamp, searcher) replaced as one object, so the lock-free read sees a pair.
                self._current = (stamp, self._searcher) if stamp is not None else None
            return self._searcher

    def generation(self) -> Generation:
        s = self.searcher()
        g = self._generation
        if g is None or g.searcher is not s:
            with self._lock:
                g = self._generation
                if g is None or g.searcher is not s:
                    g = self._generation = Generation(s)
        return g

    def vocabulary(self) -> IndexVocabulary:
        """The archive's vocabulary as of the current generation (see `vocabulary.py`)."""
        s = self.searcher()
        with self._lock:
            if self._vocabulary is None or self._vocabulary[0] is not s:
                self._vocabulary = (s, IndexVocabulary(s.reader(), lock=self.read_lock))
            return self._vocabulary[1]

    @contextmanager
    def keeping_vocabulary(self) -> Iterator[None]:
        """Within: `write_vocabulary` keeps its lookups across this process's commits (an ingest
        run: see `KeptVocabulary`); the counts are dropped at the end."""
        with self._lock:
            self._keeping += 1
            if self._kept is None:
                self._kept = KeptVocabulary()
        try:
            yield
        finally:
            with self._lock:
                self._keeping -= 1
                if not self._keeping:
                    self._kept = None

    def write_vocabulary(self) -> IndexVocabulary | KeptVocabulary:
        """The vocabulary a batch about to be written splits glued words against: `vocabulary()`,
        with its lookups kept across batches within `keeping_vocabulary`."""
        base = self.vocabulary()
        if self._kept is None:
            return base
        generation = base.generation
        if generation is None and base.doc_count_all() == 0:
            # An index without segments (its reader knows no generation): the latest table of
            # contents' generation, if that one is empty too.
            ix = self.open()
            generation = ix.latest_generation()
            if ix.doc_count_all():
                generation = None
        return self._kept.at(base, generation)

    def close_searcher(self) -> None:
        with self._lock:
            self._current = None
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
                self._generation = None
            self._vocabulary = None

    def entries(self) -> dict[str, str]:
        """id → sha256 for every document in the index."""
        with self.read_lock, self.open().searcher() as s:
            out: dict[str, str] = {}
            for r, _ in s.reader().leaf_readers():
                if r.has_column("id") and r.has_column("sha256"):
                    # Whole columns in one pass each (per-document lookups seek twice per report).
                    deleted = r.deleted_docs_set if r.has_deletions() else frozenset()
                    for n, (rid, sha) in enumerate(zip(r.column_reader("id"), r.column_reader("sha256"))):
                        if n not in deleted:
                            out[_text(rid)] = _text(sha)
                else:
                    for n, f in r.iter_docs():
                        out[f["id"]] = f["sha256"]
            return out

    def doc_count(self) -> int:
        with self.read_lock:
            return self.searcher().doc_count()

    def contains(self, rid: str) -> bool:
        with self.read_lock:
            return self.searcher().document_number(id=rid) is not None

    def term_query(self, rid: str) -> Term:
        return Term("id", rid)

    # -- searching -------------------------------------------------------------------------
    def search(self, req: SearchRequest) -> SearchResult:
        with self.read_lock:
            return self._search(req)

    def _search(self, req: SearchRequest) -> SearchResult:
        gen = self.generation()
        if req.query is None:
            docs = gen.all_live()
            m = Matches(docs, _zeros(len(docs)))
        else:
            m = gen.evaluate(req.query)
        docs, scores = m.docs, m.scores

        keep = None
        if req.neighbourhoods:
            terms, pd, pt = gen.keywords("places")
            wanted = np.zeros(len(terms), dtype=bool)
            wanted[[i for i, t in enumerate(terms) if t in set(req.neighbourhoods)]] = True
            having = np.zeros(gen.doccount, dtype=bool)  # a mask: no sort of the matches
            having[pd[wanted[pt]]] = True
            keep = having[docs]
        if req.published_from or req.published_to:
            keys = gen.numeric("published")[docs]
            lo, hi = published_key(req.published_from) or 1, published_key(req.published_to) or 99991231
            inrange = (keys >= lo) & (keys <= hi)
            keep = inrange if keep is None else keep & inrange
        mentioned = req.mentioned_from is not None or req.mentioned_to is not None
        if mentioned or req.mentioned_timeline:
            owners, mlo, mhi = gen.mentioned_ranges()
            in_window = np.ones(len(owners), dtype=bool)
            if req.mentioned_from is not None:
                in_window &= mhi >= day_number(req.mentioned_from)
            if req.mentioned_to is not None:
                in_window &= mlo <= day_number(req.mentioned_to)
        if mentioned:
            having = np.zeros(gen.doccount, dtype=bool)
            having[owners[in_window]] = True
            inwin = having[docs]
            keep = inwin if keep is None else keep & inwin
        if req.restrict_ids is not None:
            allowed = gen.docnums_for_ids(req.restrict_ids)
            inset = np.isin(docs, allowed, assume_unique=True)
            keep = inset if keep is None else keep & inset
        if keep is not None:
            docs, scores = docs[keep], scores[keep]
        if req.query is not None and req.sort == "relevance":
            scores = gen.with_proximity(req.query, docs, scores)  # the best results' order only

        total = int(len(docs))
        place_counts: dict[str, int] = {}
        day_counts: list[tuple[dt.date, int]] = []
        published_histogram, published_unit = None, "day"
        if req.facets and total:
            terms, pd, pt = gen.keywords("places")
            if len(pd):
                if 8 * len(docs) < gen.doccount:  # few matches: read their own entries
                    terms, start, tids = gen.keywords_by_doc("places")
                    lo = start[docs]
                    lens = start[docs + 1] - lo
                    n = int(lens.sum())
                    at = np.repeat(lo - (np.cumsum(lens) - lens), lens) + np.arange(n)
                    counts = np.bincount(tids[at], minlength=len(terms))
                else:  # many: one pass over the whole field
                    selected = np.zeros(gen.doccount, dtype=bool)
                    selected[docs] = True
                    counts = np.bincount(pt[selected[pd]], minlength=len(terms))
                place_counts = {terms[i]: int(c) for i, c in enumerate(counts.tolist()) if c}
            codes, first = gen.day_codes()
            per_day = np.bincount(codes[docs])  # counted per day, no sort; bin 0: undated
            uniq = np.flatnonzero(per_day[1:])
            if len(uniq):
                cnt = per_day[uniq + 1]
                uniq += first  # the day numbers become dates in C
                if req.day_counts:  # a date object per day: 1-2 ms at 100k, when asked for
                    day_counts = list(zip(uniq.astype("datetime64[D]").astype(object).tolist(), cnt.tolist()))
                published_histogram, published_unit = histogram_day_counts(uniq, cnt)

        mentioned_histogram, mentioned_unit = [], "day"
        if req.mentioned_timeline and total:
            selected = np.zeros(gen.doccount, dtype=bool)
            selected[docs] = True
            mine = in_window & selected[owners]
            mentioned_histogram, mentioned_unit = histogram_days(
                owners[mine], mlo[mine], mhi[mine], (req.mentioned_from, req.mentioned_to))

        sort = req.sort if req.query is not None else ("newest" if req.sort == "relevance" else req.sort)
        group_sizes: list[int] = []
        if req.collapse and total:
            # One entry per near-duplicate group: its best-ranked member; sizes count all matches.
            order = _order(gen, docs, scores, sort, total)
            codes = gen.groups()[docs]
            _, first = np.unique(codes[order], return_index=True)
            order = order[np.sort(first)]
            sizes = np.bincount(codes)
            total = int(len(order))
            page = order[req.offset:req.offset + req.limit]
            group_sizes = [int(sizes[c]) for c in codes[page]]
        elif docs is gen.all_live() and sort != "relevance":  # browsing everything: a slice
            page_docs = gen.date_order(sort)[req.offset:req.offset + req.limit]
            page = np.searchsorted(docs, page_docs)
        else:
            order = _order(gen, docs, scores, sort, min(total, req.offset + req.limit))
            page = order[req.offset:req.offset + req.limit]
        every = gen.ids()  # one list per generation: the page's IDs are list lookups
        page_docs = docs[page].tolist()
        ids = [every[d] for d in page_docs]
        group_keys = None
        if req.group_keys:
            codes = gen.groups()
            group_keys = [int(codes[d]) for d, i in zip(page_docs, ids) if i is not None]
        by_score = req.sort == "relevance" and req.query is not None
        all_ids = None
        if req.all_ids:
            all_ids = [every[d] for d in docs.tolist() if every[d] is not None]
        return SearchResult(ids=[i for i in ids if i is not None],
                            scores=[float(s) if by_score else None
                                    for s, i in zip(scores[page], ids) if i is not None],
                            total=total, place_counts=place_counts, day_counts=day_counts, all_ids=all_ids,
                            group_sizes=[g for g, i in zip(group_sizes, ids) if i is not None],
                            mentioned_histogram=mentioned_histogram, mentioned_unit=mentioned_unit,
                            published_histogram=published_histogram, published_unit=published_unit,
                            group_keys=group_keys)


def _order(gen: Generation, docs: np.ndarray, scores: np.ndarray, sort: str, k: int) -> np.ndarray:
    """Indexes into `docs` of the first `k` results in rank order.

    relevance: score descending, then docnum (ingest order) ascending — Whoosh's own order;
    newest: publication date descending, then most recently indexed; oldest: date ascending, then
    first indexed; undated reports come last in both date orders.
    """
    n = len(docs)
    if not n or k <= 0:
        return np.zeros(0, dtype=np.int64)
    if sort != "relevance":  # one integer key per document, unique: no tie-break needed
        rank = gen.date_rank(sort)[docs]
        if k < n:
            top = np.argpartition(rank, k - 1)[:k]
            return top[np.argsort(rank[top])]
        return np.argsort(rank)
    primary = -scores
    secondary = docs
    if k < n:
        # Everything tied with the k-th key is a candidate, so the tie-break stays exact.
        kth = np.partition(primary, k - 1)[k - 1]
        cand = np.flatnonzero(primary <= kth)
        sub = np.lexsort((secondary[cand], primary[cand]))[:k]
        return cand[sub]
    return np.lexsort((secondary, primary))


_ZEROS = np.zeros(0)


def _zeros(n: int) -> np.ndarray:
    """n zero scores, read-only and shared (browsing scores nothing; 100k zeros per request add up)."""
    global _ZEROS
    if len(_ZEROS) < n:
        z = np.zeros(max(n, 2 * len(_ZEROS)))
        z.setflags(write=False)
        _ZEROS = z
    return _ZEROS[:n]


def _text(v) -> str:
    return v.decode("utf-8") if isinstance(v, bytes) else v
